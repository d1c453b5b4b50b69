"""Do the assignments fit their time budgets? (a script, not a test)

For every assignment `notebooks/<assignment>/`, measures and compares with the budgets:

(a) each solution (source) notebook executed from top to bottom in a fresh kernel with
    nbclient, the way nbgrader's Validator runs it: < 60 s;
(b) grading one submission with stock nbgrader: `nbgrader autograde <assignment> --force`
    in a scratch course root holding one submission (the student notebook filled in with
    the instructor's solutions, so every hidden test runs to the end): < 20 s. This is
    the whole command, nbgrader's own start-up included, as an instructor runs it.
(c) grading the same correct submission with our CLI, `python -m autograder autograde
    --assignment <a> --workers 1` (sandboxed clean run): < 10 s (issue 11's budget). The
    whole command, into a fresh output folder holding the class's reference table from a
    first run: a class pays for Keras's reference outputs once, not per submission.

Each measurement is repeated (`--repeat`, 3) and reported as a median. The scratch course
roots (tests/notebook_grading.py builds them the same way the tests do) live in a
temporary folder, so the repository is never written to, apart from the results in
`benchmarks/results/` (gitignored): JSON and the printed table. Exit status 1 when
something is over its budget (or fails).

    python benchmarks/grade_budget.py                 # every assignment, 3 runs each
    python benchmarks/grade_budget.py --repeat 1 --only 01_forward_pass
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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
    Assignment,
    build_submission,
    discover_assignments,
    environment,
    generate,
    make_course,
    nbgrader,
    nbgrader_meta,
    read_notebook,
)

EXECUTE_BUDGET = 60.0
GRADE_BUDGET = 20.0
OURS_BUDGET = 10.0
STUDENT = "budget"


def execute_notebook(path: Path, timeout: float = 600) -> tuple[float, str]:
    """Run one notebook in a fresh kernel (in its folder); return (seconds, "" or the
    problem: an error, or output on stderr, which nbgrader scores zero)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=int(timeout),
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
        problem = ""
    except Exception as exc:  # report it, keep measuring
        problem = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
    seconds = time.perf_counter() - start
    stderr = [
        "".join(out.get("text", ""))
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]
    if not problem and any(text.strip() for text in stderr):
        problem = "wrote to stderr: " + stderr[0].strip()[:120]
    return seconds, problem


def solution_runs(assignment: Assignment, scratch: Path, repeat: int) -> dict:
    """(a): every notebook of the assignment, `repeat` times, in a scratch copy."""
    course = make_course(scratch / f"{assignment.name}-execute", assignment)
    out = {}
    for name in assignment.notebooks:
        runs, problems = [], []
        for _ in range(repeat):
            seconds, problem = execute_notebook(
                course / "source" / assignment.name / f"{name}.ipynb"
            )
            runs.append(seconds)
            if problem:
                problems.append(problem)
        out[name] = {"runs_s": runs, "median_s": statistics.median(runs), "problems": problems}
    return out


def grading_runs(assignment: Assignment, scratch: Path, repeat: int) -> dict:
    """(b): one submission (instructor's answers in the student notebook) autograded
    `repeat` times with stock nbgrader; also the score it got (should be full marks)."""
    from nbgrader.api import Gradebook

    course = make_course(scratch / f"{assignment.name}-grade", assignment)
    generate(course, assignment.name)
    target = course / "submitted" / STUDENT / assignment.name
    target.mkdir(parents=True)
    for name in assignment.notebooks:
        notebook = build_submission(
            read_notebook(course / "release" / assignment.name / f"{name}.ipynb"),
            read_notebook(course / "source" / assignment.name / f"{name}.ipynb"),
            {},
        )
        (target / f"{name}.ipynb").write_text(json.dumps(notebook, indent=1), "utf8")
    db = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db) as gradebook:
        gradebook.update_or_create_student(STUDENT)
    runs, problems = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            nbgrader(course, "autograde", assignment.name, "--force", "--student", STUDENT,
                     tcp=True)      # Jupyter's default, as an instructor runs it
        except RuntimeError as exc:
            problems.append(str(exc)[-300:])
        runs.append(time.perf_counter() - start)
    with Gradebook(db) as gradebook:
        submission = gradebook.find_submission(assignment.name, STUDENT)
        score, max_score = submission.score, submission.max_score
    if score < max_score:
        problems.append(f"the instructor's answers scored {score:g}/{max_score:g}")
    graded = sum(
        1
        for name in assignment.notebooks
        for cell in read_notebook(course / "source" / assignment.name / f"{name}.ipynb")["cells"]
        if nbgrader_meta(cell).get("grade")
    )
    return {
        "runs_s": runs,
        "median_s": statistics.median(runs),
        "score": score,
        "max_score": max_score,
        "graded_cells": graded,
        "problems": problems,
    }


def our_grading_runs(assignment: Assignment, scratch: Path, repeat: int) -> dict:
    """(c): one correct submission graded by our CLI, `repeat` times after a first run
    that computes the reference table; also the score (should be full marks)."""
    import csv
    import shutil
    import subprocess

    from autograder.demo import write_class

    submitted = scratch / f"{assignment.name}-ours" / "submitted"
    # The correct student of the demo class (assignment 1 always, plus this one); only
    # this assignment is graded.
    write_class(submitted, kinds=["correct"], other_assignments=[assignment.name])

    def grade(out: Path) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder", "autograde", str(submitted),
                        "--out", str(out), "--workers", "1", "--assignment", assignment.name],
                       cwd=ROOT, env=environment(), capture_output=True, text=True,
                       check=True)
        return time.perf_counter() - start

    first = scratch / f"{assignment.name}-ours" / "first"
    grade(first)
    runs = []
    for k in range(repeat):
        out = scratch / f"{assignment.name}-ours" / f"run{k}"
        shutil.copytree(first / ".cache", out / ".cache")
        runs.append(grade(out))
    with open(out / "grades.csv", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    problems = []
    if float(row["score"]) < float(row["max_score"]) or row["status"] != "graded":
        problems.append(f"the instructor's answers got {row['status']} "
                        f"{row['score']}/{row['max_score']}")
    return {"runs_s": runs, "median_s": statistics.median(runs), "score": float(row["score"]),
            "max_score": float(row["max_score"]), "problems": problems}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="runs per measure")
    parser.add_argument("--only", nargs="*", metavar="ASSIGNMENT", help="assignment folders")
    args = parser.parse_args()
    os.environ.update(environment())  # .venv/bin on PATH (alembic), quiet TensorFlow

    assignments = discover_assignments()
    if args.only:
        assignments = [a for a in assignments if a.name in args.only]
    report: dict = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "repeat": args.repeat,
        "assignments": {},
    }
    over: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rnncourse-grade-budget-") as scratch:
        for assignment in assignments:
            print(f"  {assignment.name}: executing the solution ...", flush=True)
            execute = solution_runs(assignment, Path(scratch), args.repeat)
            print(f"  {assignment.name}: autograding one submission ...", flush=True)
            grade = grading_runs(assignment, Path(scratch), args.repeat)
            print(f"  {assignment.name}: grading it with our CLI ...", flush=True)
            ours = our_grading_runs(assignment, Path(scratch), args.repeat)
            report["assignments"][assignment.name] = {"execute": execute, "grade": grade,
                                                      "ours": ours}

    measures = []  # (assignment, measure, entry, budget)
    for name, entry in report["assignments"].items():
        for notebook, run in entry["execute"].items():
            measures.append((name, f"execute {notebook}.ipynb", run, EXECUTE_BUDGET))
        grade = entry["grade"]
        score = f"{grade['score']:g}/{grade['max_score']:g}"
        measures.append((name, f"autograde 1 submission ({score})", grade, GRADE_BUDGET))
        ours = entry["ours"]
        score = f"{ours['score']:g}/{ours['max_score']:g}"
        measures.append((name, f"our CLI, 1 submission ({score})", ours, OURS_BUDGET))
    width = max([len("assignment")] + [len(m[0]) for m in measures])
    lines = [
        f"Grading budget ({report['when']}, Python {report['python']}, {report['cpus']} CPUs, "
        f"load average {report['load_average'][0]:.1f}, median of {args.repeat} run(s))",
        "",
        f"{'assignment':<{width}} {'measure':<34} {'median s':>8} {'runs s':>16} "
        f"{'budget s':>8}  verdict",
    ]
    for name, measure, entry, budget in measures:
        runs = ",".join(f"{s:.1f}" for s in entry["runs_s"])
        ok = entry["median_s"] < budget and not entry["problems"]
        status = "ok" if ok else ("OVER BUDGET" if entry["median_s"] >= budget else "FAILED")
        if entry["problems"]:
            status += "  (" + entry["problems"][0].splitlines()[-1][:100] + ")"
        if not ok:
            over.append(f"{name} {measure}: {entry['median_s']:.1f} s (budget {budget:.0f} s)")
        lines.append(
            f"{name:<{width}} {measure:<34} {entry['median_s']:>8.1f} {runs:>16} "
            f"{budget:>8.0f}  {status}"
        )
    lines += [
        "",
        f"Budgets: solution notebook < {EXECUTE_BUDGET:.0f} s; grading one submission with "
        f"stock `nbgrader autograde` (start-up included) < {GRADE_BUDGET:.0f} s, with our "
        f"CLI (the class's reference table reused) < {OURS_BUDGET:.0f} s.",
        "OVER BUDGET or FAILED: " + "; ".join(over) if over else "All within budget.",
    ]
    return write_report("grade_budget", report, "\n".join(lines), over)


if __name__ == "__main__":
    sys.exit(main())
