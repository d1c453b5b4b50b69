"""Our parallel autograder against stock serial nbgrader, same submissions, same run
(a benchmark, not a test)

One class of submissions (default: 10 students x every assignment = 60 submissions, in
nbgrader's layout `submitted/<student>/<assignment>/<notebook>.ipynb`) is graded three ways,
each timed as the whole command, start-up included, the way an instructor runs it:

(a) stock: `nbgrader autograde <assignment> --force`, one serial run per assignment, all
    students at once, in a scratch course root made the way tests/notebook_grading.py makes
    it (the repository's nbgrader_config.py, `nbgrader generate_assignment` beforehand;
    generating is not timed);
(b) ours, cold: `python -m autograder autograde submitted/ --out OUT --workers 2` into a
    fresh OUT, so Keras's reference outputs (OUT/.cache/reference-*.rnnc) are computed too;
(c) ours, warm: the same command again on that OUT with `--force`: every submission is
    regraded, the cached reference outputs are reused.

Both use the same per-cell timeout. The submissions: every student answers every
assignment with the instructor's solutions (`autograder.demo.solved`), except the last
`--wrong` students, who get one function wrong per assignment (assignment 1: the demo's
`one_function_wrong`; the others: the first wrong mutant in tests/mutants of the
assignment's first graded function). With `--repeats` > 1 the order alternates (stock
first, then ours first...) and medians are reported. Reported: seconds, seconds per
submission, and the throughput ratio stock seconds / our seconds (> 1: ours is faster).
Scores are compared per (student, assignment): stock's gradebook against each of our
grades.csv; every disagreement is listed, and the correct submissions must get full marks.

Everything runs in a temporary folder; the results (JSON and the printed table) go to
`benchmarks/results/` (gitignored). Exit status 1 when a run fails, the scores disagree or a
correct submission misses full marks.

    python benchmarks/autograde_vs_stock.py                      # 60 submissions, 1 run
    python benchmarks/autograde_vs_stock.py --students 2 --assignments 01_forward_pass
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from report import write_report  # benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))       # the autograder runs from the checkout (not installed)

from notebook_grading import (  # noqa: E402
    AUTOGRADE_TIMEOUT,
    Assignment,
    build_submission,
    discover_assignments,
    discover_mutants,
    environment,
    generate,
    job_seconds,
    make_course,
    nbgrader,
    read_notebook,
    tail,
)

from autograder import demo  # noqa: E402

# Every assignment (issue 13: the throughput goal is on a class that includes all of them).
DEFAULT_ASSIGNMENTS = [a.name for a in discover_assignments()]
STOCK, COLD, WARM = "stock", "ours cold", "ours warm"


def submission(assignment: Assignment, course: Path, wrong: bool) -> dict[str, bytes]:
    """{notebook file name: bytes}: the instructor's answers, one function wrong if `wrong`."""
    released = course / "release"
    files = demo.solved(assignment.name, released)
    if not wrong:
        return files
    if assignment.name == demo.A1:
        return demo.one_function_wrong(read_notebook(released / demo.A1 / demo.A1_NOTEBOOK))
    function, notebook = assignment.functions[0]
    mutant = next(m for m in discover_mutants(function) if m.kind == "wrong")
    answered = build_submission(
        read_notebook(released / assignment.name / f"{notebook}.ipynb"),
        read_notebook(course / "source" / assignment.name / f"{notebook}.ipynb"),
        {function: mutant},
    )
    files[f"{notebook}.ipynb"] = json.dumps(answered, indent=1).encode()
    return files


def build_class(course: Path, assignments: list[Assignment], students: int, wrong: int) -> dict:
    """Write the submissions into `course/submitted`; return {(student, assignment): wrong?}."""
    from nbgrader.api import Gradebook

    kinds = {}
    for i in range(students):
        student = f"student{i + 1:02d}"
        is_wrong = i >= students - wrong
        for assignment in assignments:
            folder = course / "submitted" / student / assignment.name
            folder.mkdir(parents=True)
            for name, data in submission(assignment, course, is_wrong).items():
                (folder / name).write_bytes(data)
            kinds[(student, assignment.name)] = is_wrong
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in sorted({s for s, _ in kinds}):
            gradebook.update_or_create_student(student)
    return kinds


def run_stock(course: Path, assignments: list[Assignment]) -> dict:
    """(a): one `nbgrader autograde` per assignment, one after the other."""
    seconds, problems = {}, []
    for assignment in assignments:
        start = time.perf_counter()
        try:
            nbgrader(
                course,
                "autograde",
                assignment.name,
                "--force",
                f"--ExecutePreprocessor.timeout={AUTOGRADE_TIMEOUT}",
                tcp=True,           # as an instructor runs it: one at a time, no race
            )
        except RuntimeError as exc:
            problems.append(str(exc)[-300:])
        seconds[assignment.name] = time.perf_counter() - start
    return {"seconds": sum(seconds.values()), "per_assignment_s": seconds, "problems": problems}


def run_ours(course: Path, out: Path, assignments: list[Assignment], workers: int,
             force: bool) -> dict:
    """(b) or (c): our command line on `course/submitted`, results into `out`."""
    cmd = [sys.executable, "-m", "autograder", "autograde", str(course / "submitted"),
           "--out", str(out), "--workers", str(workers), "--timeout", str(AUTOGRADE_TIMEOUT)]
    for assignment in assignments:
        cmd += ["--assignment", assignment.name]
    if force:
        cmd.append("--force")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=environment(), capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - start
    problems = []
    if proc.returncode != 0:
        problems.append(f"exit {proc.returncode}: " + tail(proc.stdout + proc.stderr, 10))
    grades = {}
    if (out / "grades.csv").exists():
        with open(out / "grades.csv", newline="", encoding="utf-8") as file:
            grades = {(r["student_id"], r["assignment_id"]): r for r in csv.DictReader(file)}
    return {"seconds": seconds, "problems": problems, "grades": grades,
            "per_assignment_job_s": job_seconds(out)}


def stock_scores(course: Path, kinds: dict) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, assignment in kinds:
            try:
                found = gradebook.find_submission(assignment, student)
                scores[(student, assignment)] = (found.score, found.max_score)
            except MissingEntry:
                scores[(student, assignment)] = (None, None)
    return scores


def compare(kinds: dict, stock: dict, ours: dict, label: str) -> list[str]:
    """Disagreements between stock's scores and one of our runs, and correct submissions
    short of full marks."""
    found = []
    for key, is_wrong in kinds.items():
        stock_score, stock_max = stock[key]
        row = ours.get(key)
        ours_score = float(row["score"]) if row and row["score"] != "" else None
        ours_max = float(row["max_score"]) if row and row["max_score"] != "" else None
        where = f"{key[0]}/{key[1]}"
        if (stock_score, stock_max) != (ours_score, ours_max):
            status = row["status"] if row else "missing"
            found.append(f"{where}: stock {stock_score}/{stock_max}, {label} "
                         f"{ours_score}/{ours_max} ({status})")
        elif not is_wrong and (stock_score is None or stock_score < stock_max):
            found.append(f"{where}: correct, but both gave {stock_score}/{stock_max}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=10, metavar="N")
    parser.add_argument("--wrong", type=int, default=2, metavar="N",
                        help="students (the last ones) with one wrong function per assignment")
    parser.add_argument("--assignments", nargs="+", default=DEFAULT_ASSIGNMENTS,
                        metavar="ASSIGNMENT")
    parser.add_argument("--workers", type=int, default=2, metavar="N", help="ours --workers")
    parser.add_argument("--repeats", type=int, default=1, metavar="N",
                        help="runs of each (the order alternates)")
    args = parser.parse_args()
    os.environ.update(environment())  # .venv/bin on PATH (alembic), quiet TensorFlow

    known = {a.name: a for a in discover_assignments()}
    unknown = sorted(set(args.assignments) - set(known))
    if unknown:
        parser.error(f"unknown assignment(s) {unknown}; known: {sorted(known)}")
    assignments = [known[name] for name in args.assignments]
    wrong = min(args.wrong, args.students)
    count = args.students * len(assignments)
    report: dict = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "students": args.students,
        "wrong_students": wrong,
        "assignments": args.assignments,
        "submissions": count,
        "workers": args.workers,
        "repeats": args.repeats,
        "cell_timeout_s": AUTOGRADE_TIMEOUT,
        "runs": [],
    }
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rnncourse-autograde-vs-stock-") as scratch:
        # One course root for every assignment: one gradebook, one submitted/ folder.
        for assignment in assignments:
            course = make_course(Path(scratch), assignment)
            generate(course, assignment.name)
        kinds = build_class(course, assignments, args.students, wrong)
        print(f"  {count} submissions ({wrong * len(assignments)} with a wrong function)",
              flush=True)

        ours_grades = []  # (label, grades.csv rows) of every run of ours
        for repeat in range(args.repeats):
            order = [STOCK, COLD, WARM] if repeat % 2 == 0 else [COLD, WARM, STOCK]
            out = Path(scratch) / f"ours-{repeat + 1}"  # fresh for COLD, kept for WARM
            for what in order:
                print(f"  run {repeat + 1}/{args.repeats}: {what} ...", flush=True)
                if what == STOCK:
                    run = run_stock(course, assignments)
                else:
                    run = run_ours(course, out, assignments, args.workers, force=what == WARM)
                    ours_grades.append((what, run.pop("grades")))
                report["runs"].append({"what": what, **run})
                problems += [f"{what}: {p}" for p in run["problems"]]
        scores = stock_scores(course, kinds)
        for what, grades in ours_grades:
            problems += compare(kinds, scores, grades, what)
        report["stock_scores"] = {f"{s}/{a}": list(v) for (s, a), v in scores.items()}
    report["load_average_after"] = os.getloadavg()

    medians = {}
    for what in (STOCK, COLD, WARM):
        runs = [r["seconds"] for r in report["runs"] if r["what"] == what]
        medians[what] = {"runs_s": runs, "median_s": statistics.median(runs)}
    report["medians"] = medians
    stock_s = medians[STOCK]["median_s"]
    names = {
        STOCK: "stock nbgrader autograde, serial",
        COLD: f"ours --workers {args.workers}, fresh OUT",
        WARM: f"ours --workers {args.workers}, --force, .cache kept",
    }
    lines = [
        f"Autograding {count} submissions ({args.students} students x {len(assignments)} "
        f"assignments, {wrong * len(assignments)} with a wrong function): stock vs ours",
        f"({report['when']}, Python {report['python']}, {report['cpus']} CPUs, load average "
        f"{report['load_average_before'][0]:.1f} before / {report['load_average_after'][0]:.1f} "
        f"after, median of {args.repeats} run(s), cell timeout {AUTOGRADE_TIMEOUT} s)",
        "",
        f"{'command':<40} {'median s':>8} {'runs s':>18} {'s/submission':>12} "
        f"{'stock s / s':>11}",
    ]
    for what in (STOCK, COLD, WARM):
        median = medians[what]["median_s"]
        runs = ",".join(f"{s:.1f}" for s in medians[what]["runs_s"])
        lines.append(f"{names[what]:<40} {median:>8.1f} {runs:>18} {median / count:>12.2f} "
                     f"{stock_s / median:>11.2f}")
    per_assignment = {
        a.name: statistics.median(
            r["per_assignment_s"][a.name] for r in report["runs"] if r["what"] == STOCK)
        for a in assignments
    }
    lines += ["", "stock, per assignment (median s): " + ", ".join(
        f"{name} {s:.1f}" for name, s in per_assignment.items())]
    for what in (COLD, WARM):
        jobs = {a.name: statistics.median(
            r["per_assignment_job_s"].get(a.name, 0.0) for r in report["runs"]
            if r["what"] == what) for a in assignments}
        lines.append(f"{what}, per assignment (median of the sum of its jobs' seconds, "
                     f"{args.workers} workers in parallel; in brackets stock s / these s): "
                     + ", ".join(
                         f"{name} {s:.1f} ({per_assignment[name] / s if s else 0:.1f}x)"
                         for name, s in jobs.items()))
    stock_full = sum(1 for key, w in kinds.items() if not w and scores[key][0] is not None
                     and scores[key][0] == scores[key][1])
    lines += [
        f"correct submissions at full marks with stock: {stock_full}/"
        f"{sum(1 for w in kinds.values() if not w)}",
        "",
        "stock s / s: the throughput ratio against stock (> 1: faster than stock). "
        "Whole commands, start-up included; cold computes Keras's reference outputs, "
        "warm reuses them.",
    ]
    if problems:
        lines += ["", f"PROBLEMS ({len(problems)}):"] + [f"  {p}" for p in problems]
    else:
        lines.append("Scores: ours (cold and warm) agree with stock on every submission.")
    return write_report("autograde_vs_stock", report, "\n".join(lines), problems)


if __name__ == "__main__":
    sys.exit(main())
