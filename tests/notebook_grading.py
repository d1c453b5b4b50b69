"""Run the assignments through stock nbgrader in scratch course roots (no writes to the repo).

Used by tests/test_notebooks.py (what `make test` proves about the notebooks) and by
benchmarks/grade_budget.py (how long solving and grading take). Everything here works on a
*copy* of the course: `autograder/nbgrader_config.py` plus `notebooks/<assignment>/` copied
to `<scratch>/course/source/<assignment>/`, one course root per assignment, so that several
`nbgrader autograde` runs never share one SQLite gradebook.

Per assignment (`grade_assignment`):

1. `nbgrader generate_assignment` makes the student version in `release/`.
2. nbgrader's Python `Validator` (never `nbgrader validate`: it exits 0 when tests fail)
   executes the source notebook (it must pass) and the student notebook (every graded
   test must fail).
3. The mutation corpus `tests/mutants/<function>/{wrong,correct}_*.py` becomes student
   submissions: each submission is the student notebook with the solution cells replaced,
   one mutant per function (partial credit is per function, and the mutants are
   self-contained), the instructor's solution where a function has no mutant left. They go
   to `submitted/<student>/<assignment>/`, and stock `nbgrader autograde <assignment>`
   grades them; the scores are read back from the gradebook.

`run_all` runs those steps for several assignments at once on a small thread pool (each
step is a subprocess: nbgrader, or a Python running the Validator), the autograde runs
first because they are the long ones. Every result is plain JSON-able data.

Command line (used internally, handy by hand):
    python tests/notebook_grading.py validate [--all] NOTEBOOK   # Validator result as JSON
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONFIG = ROOT / "autograder" / "nbgrader_config.py"
# RNNCOURSE_MUTANTS points the harness at another corpus (for developing mutants elsewhere).
MUTANTS = Path(os.environ.get("RNNCOURSE_MUTANTS", ROOT / "tests" / "mutants"))
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent  # the .venv's bin: nbgrader, alembic, python

MIN_WRONG = 4
MIN_CORRECT = 2
AUTOGRADE_TIMEOUT = 120  # seconds per cell (nbgrader's ExecutePreprocessor.timeout)
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
KERNEL_NOTICE = "Kernel is running over TCP without encryption"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


# What nbclient says when a kernel did not come up (e.g. it lost a race for its ports).
KERNEL_NEVER_STARTED = "Kernel didn't respond in"


def environment(references: Path | None = None) -> dict[str, str]:
    """The Makefile's environment: .venv/bin first on PATH (nbgrader runs `alembic` from
    PATH), TensorFlow's C++ start-up chatter off; with `references`, the file of Keras's
    outputs that `rnncourse.reference` looks calls up in before running Keras."""
    env = dict(os.environ)
    if references is not None:
        env["RNNCOURSE_REFERENCE_CACHE"] = str(references)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env.setdefault("MPLBACKEND", "Agg")
    return env


# ---------------------------------------------------------------------------------------
# What is there: assignments, their functions, the mutants
# ---------------------------------------------------------------------------------------


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf8"))


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


@dataclass(frozen=True)
class Assignment:
    """One folder `notebooks/<name>/` and the graded functions of its notebooks."""

    name: str
    folder: Path
    notebooks: tuple[str, ...]  # notebook names without .ipynb
    functions: tuple[tuple[str, str], ...]  # (function, notebook), in notebook order

    @property
    def function_names(self) -> list[str]:
        return [function for function, _ in self.functions]


def graded_functions(notebook: dict) -> list[str]:
    """Solution cells `grade_id == NAME` that have a graded test cell `grade_id == test_NAME`."""
    solutions = [
        nbgrader_meta(c)["grade_id"]
        for c in notebook["cells"]
        if nbgrader_meta(c).get("solution") and not nbgrader_meta(c).get("grade")
    ]
    tests = {
        nbgrader_meta(c)["grade_id"] for c in notebook["cells"] if nbgrader_meta(c).get("grade")
    }
    return [name for name in solutions if f"test_{name}" in tests]


def discover_assignments(root: Path = NOTEBOOKS) -> list[Assignment]:
    """Every `notebooks/*/` folder holding at least one notebook."""
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        paths = sorted(folder.glob("*.ipynb"))
        if not paths:
            continue
        functions = []
        for path in paths:
            functions += [(f, path.stem) for f in graded_functions(read_notebook(path))]
        found.append(
            Assignment(folder.name, folder, tuple(p.stem for p in paths), tuple(functions))
        )
    return found


@dataclass(frozen=True)
class Mutant:
    """One file `tests/mutants/<function>/<kind>_<what>.py`."""

    function: str
    name: str  # the file's stem, e.g. wrong_no_bias
    kind: str  # "wrong" or "correct"
    source: str

    @property
    def description(self) -> str:
        first = self.source.lstrip().splitlines()[0] if self.source.strip() else ""
        return first.lstrip("#").strip()


def discover_mutants(function: str, root: Path | None = None) -> list[Mutant]:
    """The function's mutants, correct ones first, each kind sorted by name."""
    folder = (root or MUTANTS) / function
    mutants = []
    for kind in ("correct", "wrong"):
        for path in sorted(folder.glob(f"{kind}_*.py")):
            mutants.append(Mutant(function, path.stem, kind, path.read_text(encoding="utf8")))
    return mutants


def corpus_problems(function: str, mutants: list[Mutant]) -> list[str]:
    """Why a function's corpus is not good enough yet (an empty list when it is)."""
    problems = []
    wrong = [m for m in mutants if m.kind == "wrong"]
    correct = [m for m in mutants if m.kind == "correct"]
    if len(wrong) < MIN_WRONG or len(correct) < MIN_CORRECT:
        problems.append(
            f"{function}: {len(wrong)} wrong and {len(correct)} correct mutants in "
            f"{MUTANTS / function}; need at least {MIN_WRONG} wrong_*.py and "
            f"{MIN_CORRECT} correct_*.py"
        )
    for m in mutants:
        if not m.source.lstrip().startswith(f"# {m.kind}:"):
            problems.append(f"{m.function}/{m.name}.py: first line should be '# {m.kind}: ...'")
        if not re.search(rf"^def {re.escape(function)}\(", m.source, flags=re.MULTILINE):
            problems.append(f"{m.function}/{m.name}.py: defines no top-level `def {function}(`")
    return problems


# ---------------------------------------------------------------------------------------
# Course roots, nbgrader, the Validator
# ---------------------------------------------------------------------------------------


def make_course(where: Path, assignment: Assignment) -> Path:
    """A scratch course root `<where>/course` holding the config and this assignment."""
    course = Path(where) / "course"
    (course / "source").mkdir(parents=True, exist_ok=True)
    shutil.copy2(CONFIG, course / "nbgrader_config.py")
    shutil.copytree(
        assignment.folder,
        course / "source" / assignment.name,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        dirs_exist_ok=True,
    )
    return course


def tail(text: str, lines: int = 25) -> str:
    """The last lines of a log, and its first traceback (nbgrader names a failed student
    at the very end, long after the traceback that says why)."""
    kept = [line for line in text.splitlines() if KERNEL_NOTICE not in line]
    first = next((i for i, line in enumerate(kept) if "Traceback" in line), None)
    if first is not None and first < len(kept) - lines:
        return "\n".join(kept[first:first + 40] + ["[...]"] + kept[-lines:])
    return "\n".join(kept[-lines:])


@contextlib.contextmanager
def unix_socket_kernels():
    """Options that make Jupyter's kernels talk over Unix sockets in a private folder.

    Over TCP, jupyter_client picks five free ports, frees them, and the kernel binds them
    a moment later; with many kernels starting at once (this suite grades three
    assignments side by side, beside the book), another process can take a port in
    between, and the kernel dies with `Address already in use`. Socket files in a folder
    of our own cannot be taken. The folder is short: a socket path has at most 107 bytes.

    Yields:
        traitlets options for the command line, e.g. `--KernelManager.transport=ipc`.
    """
    folder = tempfile.mkdtemp(prefix="nbk", dir="/tmp")
    try:
        yield ["--KernelManager.transport=ipc", f"--KernelManager.ip={folder}/k"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def nbgrader(course: Path, *args: str, timeout: float = 1800, check: bool = True,
             references: Path | None = None, tcp: bool = False) -> subprocess.CompletedProcess:
    """Stock nbgrader, run from the course root, its kernels on Unix sockets
    (`unix_socket_kernels`) unless `tcp` (Jupyter's default, which the benchmarks time);
    raises with its output when it fails (unless `check` is false). `references`: see
    `environment`."""
    sockets = contextlib.nullcontext([]) if tcp else unix_socket_kernels()
    with sockets as kernel_options:
        proc = subprocess.run(
            [str(BIN / "nbgrader"), *args, *kernel_options],
            cwd=course,
            env=environment(references),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if check and proc.returncode != 0:
        nbgrader_failed(proc, args, course)
    return proc


def nbgrader_failed(proc: subprocess.CompletedProcess, args, course: Path):
    raise RuntimeError(
        f"`{' '.join(args)}` in {course} exited with {proc.returncode}:\n"
        + tail(proc.stdout + proc.stderr)
    )


def generate(course: Path, assignment: str) -> None:
    nbgrader(course, "generate_assignment", assignment, "--force")


def validate(path: Path, *, validate_all: bool = False, timeout: float = 900,
             references: Path | None = None) -> dict:
    """nbgrader's Python Validator on one notebook, in a fresh Python: its result dict
    (`{}` when every test passes; `failed`/`changed`/`type_changed` lists otherwise).
    `references`: see `environment`."""
    cmd = [sys.executable, __file__, "validate", str(path)] + (["--all"] if validate_all else [])
    with unix_socket_kernels() as kernel_options:
        proc = subprocess.run(
            cmd + kernel_options, env=environment(references), capture_output=True, text=True,
            timeout=timeout, check=False,
        )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"the Validator crashed on {path} (exit {proc.returncode}):\n"
            + tail(proc.stdout + proc.stderr)
        )
    return json.loads(lines[-1])


def reference_table(assignments: list[Assignment], cache: Path) -> Path:
    """Keras's outputs for every reference call that the source notebooks of `assignments`
    make (visible and hidden tests), as our CLI computes them before grading
    (`autograder.references`, which also fails when a solution fails its own tests), saved
    in the folder `cache`: a CLI run with `--out cache.parent` finds and reuses the file.
    Computed in a fresh Python, because the clean run's timers need a main thread.

    Returns:
        The table's path (the value of `RNNCOURSE_REFERENCE_CACHE` that uses it).
    """
    names = sorted(a.name for a in assignments)
    proc = subprocess.run([sys.executable, __file__, "references", str(cache), *names],
                          env=environment(), capture_output=True, text=True, timeout=900,
                          check=False)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"computing the reference table failed (exit {proc.returncode}):\n"
                           + tail(proc.stdout + proc.stderr))
    return Path(lines[-1])


def _references_main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))      # run as a script: the course's own `autograder`
    from autograder.references import reference_table as compute
    from autograder.spec import load_assignment

    _, path, _ = compute([load_assignment(name) for name in argv[1:]], Path(argv[0]))
    print(path)
    return 0


def _validate_main(argv: list[str]) -> int:
    from nbgrader.validator import Validator
    from traitlets.config import Config

    path = Path(argv[0]).resolve()
    config = Config()
    # As autograder/nbgrader_config.py: a busy machine must not crash a validation. The
    # cell limit is the one the autograde steps get (nbgrader's default is 30 s; a
    # training cell on a loaded machine can take longer, and speed is not what is tested).
    config.Execute.iopub_timeout = 60
    config.Execute.timeout = AUTOGRADE_TIMEOUT
    for option in argv[1:]:         # from `unix_socket_kernels`
        if option.startswith("--KernelManager."):
            name, value = option.removeprefix("--KernelManager.").split("=", 1)
            config.KernelManager[name] = value
    result = Validator(validate_all="--all" in argv, config=config).validate(str(path))
    print(json.dumps(result))
    return 0


# ---------------------------------------------------------------------------------------
# Submissions from mutants, autograde, scores
# ---------------------------------------------------------------------------------------


def strip_solution_markers(source: str) -> str:
    """The instructor's answer as a student would type it: the solution without its markers."""
    lines = source.splitlines()
    kept = [line for line in lines if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
    return "\n".join(kept)


def plan_submissions(
    functions: list[str], mutants: dict[str, list[Mutant]]
) -> list[dict[str, Mutant | None]]:
    """One mutant per function per submission; `None` = the instructor's solution.

    As many submissions as the longest variant list. Function i's list (correct ones
    first) is rotated by the number of correct mutants of the functions before it, so that
    the correct versions of one function mostly sit next to wrong versions of the others:
    those submissions show whether a wrong function costs points elsewhere.
    """
    count = max((len(mutants.get(f, [])) for f in functions), default=0)
    plans: list[dict[str, Mutant | None]] = [{} for _ in range(count)]
    shift = 0
    for function in functions:
        variants: list[Mutant | None] = list(mutants.get(function, []))
        variants += [None] * (count - len(variants))
        for i, variant in enumerate(variants):
            plans[(i + shift) % count][function] = variant
        shift += sum(1 for m in mutants.get(function, []) if m.kind == "correct")
    return plans


def build_submission(student: dict, source: dict, plan: dict[str, Mutant | None]) -> dict:
    """The student notebook with every solution cell filled in: the planned mutant's source,
    else the instructor's solution (markers removed)."""
    answers = {
        nbgrader_meta(c)["grade_id"]: strip_solution_markers(cell_source(c))
        for c in source["cells"]
        if nbgrader_meta(c).get("solution")
    }
    notebook = json.loads(json.dumps(student))
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        mutant = plan.get(meta["grade_id"])
        cell["source"] = mutant.source if mutant is not None else answers[meta["grade_id"]]
    return notebook


def cell_problem(cell: dict) -> str:
    """A short account of why a graded cell lost points (its error, or what it wrote to
    stderr), from the executed notebook."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = ANSI.sub("", str(output.get("evalue", ""))).strip()
            return f"{output.get('ename')}: {value}"
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            return "stderr: " + ANSI.sub("", cell_source({"source": output.get("text", "")}))
    return ""


def student_id(index: int) -> str:
    return f"mutants{index + 1:02d}"


def autograde_mutants(
    course: Path, assignment: Assignment, plans: dict[str, dict[str, Mutant | None]],
    references: Path | None = None,
) -> dict:
    """Write the planned submissions (student id -> plan), autograde them with stock
    nbgrader in `course`, read the scores from its gradebook. With `references` (a table
    of Keras's outputs, `reference_table`), the test cells look the oracle up instead of
    importing TensorFlow in every kernel; a call missing from it still runs Keras."""
    from nbgrader.api import Gradebook, MissingEntry

    if not plans:
        return {"rows": [], "seconds": 0.0, "submissions": 0, "log": ""}
    notebook_of = dict(assignment.functions)
    for sid, plan in plans.items():
        target = course / "submitted" / sid / assignment.name
        target.mkdir(parents=True, exist_ok=True)
        for name in assignment.notebooks:
            notebook = build_submission(
                read_notebook(course / "release" / assignment.name / f"{name}.ipynb"),
                read_notebook(course / "source" / assignment.name / f"{name}.ipynb"),
                {f: v for f, v in plan.items() if notebook_of[f] == name},
            )
            (target / f"{name}.ipynb").write_text(json.dumps(notebook, indent=1), "utf8")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for sid in plans:
            gradebook.update_or_create_student(sid)

    start = time.perf_counter()
    args = ["autograde", assignment.name, f"--ExecutePreprocessor.timeout={AUTOGRADE_TIMEOUT}"]
    limit = AUTOGRADE_TIMEOUT * 10 * max(1, len(plans))
    proc = nbgrader(course, *args, timeout=limit, check=False, references=references)
    log = proc.stdout + proc.stderr
    failed = re.findall(r"error processing assignment '[^']+' for student '([^']+)'", log)
    if proc.returncode != 0 and failed and all(
            KERNEL_NEVER_STARTED in part for part in log.split("Traceback")[1:]):
        # A kernel that never started is the machine's failure, not a verdict: Jupyter's
        # TCP kernels race for ports when many start at once. Grade those students again.
        for sid in failed:
            proc = nbgrader(course, *args, f"--student={sid}", timeout=limit,
                            references=references)
    elif proc.returncode != 0:
        nbgrader_failed(proc, args, course)
    seconds = time.perf_counter() - start

    rows = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for sid, plan in plans.items():
            wrong_here = sorted(f for f, m in plan.items() if m is not None and m.kind == "wrong")
            for function, variant in plan.items():
                notebook = notebook_of[function]
                try:
                    grade = gradebook.find_grade(f"test_{function}", notebook, assignment.name, sid)
                    score, max_score = grade.score, grade.max_score
                except MissingEntry:
                    score, max_score = None, None
                graded = course / "autograded" / sid / assignment.name / f"{notebook}.ipynb"
                problem = ""
                if graded.is_file():
                    for cell in read_notebook(graded)["cells"]:
                        if nbgrader_meta(cell).get("grade_id") == f"test_{function}":
                            problem = cell_problem(cell)
                rows.append(
                    {
                        "assignment": assignment.name,
                        "student": sid,
                        "notebook": notebook,
                        "function": function,
                        "variant": variant.name if variant else "(instructor solution)",
                        "kind": variant.kind if variant else "solution",
                        "description": variant.description if variant else "",
                        "score": score,
                        "max_score": max_score,
                        "wrong_elsewhere": [f for f in wrong_here if f != function],
                        "problem": problem,
                    }
                )
    for row in rows:
        row["verdict"] = verdict(row)
    return {
        "rows": rows,
        "seconds": seconds,
        "submissions": len(plans),
        "log": tail(proc.stdout + proc.stderr, 40),
        "course": str(course),
    }


def ours_out(scratch: Path) -> Path:
    """Where `grade_with_our_autograder` has our CLI write (its `--out`)."""
    return scratch / "ours"


def grade_with_our_autograder(courses: list[Path], scratch: Path, workers: int = 2) -> dict:
    """Every course root's submissions, graded by one `python -m autograder autograde` run
    (sandboxed, clean verdict; one reference table for all): (student id, assignment) ->
    its result (the JSON the CLI keeps in OUT/.results)."""
    submitted, out = scratch / "ours-submitted", ours_out(scratch)
    for course in courses:
        for folder in (course / "submitted").glob("*/*"):
            shutil.copytree(folder, submitted / folder.parent.name / folder.name)
    if not submitted.is_dir():
        return {}
    subprocess.run(
        [sys.executable, "-m", "autograder", "autograde", str(submitted), "--out", str(out),
         "--workers", str(workers), "--timeout", str(AUTOGRADE_TIMEOUT)],
        cwd=ROOT, env=environment(), capture_output=True, text=True,
        timeout=AUTOGRADE_TIMEOUT * 60, check=False)
    results = {}
    for path in (out / ".results").glob("*/*.json"):
        results[(path.parent.name, path.stem)] = json.loads(path.read_text(encoding="utf8"))
    return results


def job_seconds(out: Path) -> dict[str, float]:
    """Per assignment, the sum of the wall times of our CLI's jobs in `out` (OUT/.timing):
    worker-seconds, which the workers spend in parallel."""
    spent: dict[str, float] = {}
    for path in (out / ".timing").glob("*/*.json"):
        with contextlib.suppress(OSError, ValueError, TypeError):
            seconds = float(json.loads(path.read_text(encoding="utf8"))["wall_seconds"] or 0)
            spent[path.stem] = spent.get(path.stem, 0.0) + seconds
    return spent


def ours_job_seconds(results: dict, out: Path) -> dict[str, dict]:
    """Per assignment, from our CLI's run: jobs, kernel runs and `job_seconds`, to see
    where its time goes."""
    seconds = job_seconds(out)
    summary: dict[str, dict] = {}
    for (_, assignment), result in results.items():
        row = summary.setdefault(assignment, {"jobs": 0, "kernel_runs": 0,
                                              "seconds": seconds.get(assignment, 0.0)})
        row["jobs"] += 1
        row["kernel_runs"] += sum(bool(n.get("kernel_run")) for n in result.get("notebooks", []))
    return summary


def ours_verdict(result: dict | None, notebook: str, function: str) -> dict:
    """Our autograder's score and status for one function of one submission."""
    if result is None:
        return {"ours_score": None, "ours_status": "not graded"}
    for graded_notebook in result.get("notebooks", []):
        if graded_notebook["notebook"] == f"{notebook}.ipynb":
            test = graded_notebook["tests"].get(f"test_{function}", {})
            return {"ours_score": test.get("score"), "ours_status": result["status"],
                    "ours_notes": result.get("notes", [])}
    return {"ours_score": None, "ours_status": result["status"],
            "ours_notes": result.get("notes", [])}


def verdict(row: dict) -> str:
    score, max_score = row["score"], row["max_score"]
    if score is None:
        return "NOT GRADED"
    full = score >= max_score
    if row["kind"] == "wrong":
        return "caught" if not full else "NOT CAUGHT (full marks)"
    if row["kind"] == "correct":
        if full:
            return "full marks"
        if row["wrong_elsewhere"]:
            return "LOST POINTS next to wrong " + ", ".join(row["wrong_elsewhere"])
        return "LOST POINTS"
    # The instructor's solution only fills a gap: not judged (it may call a mutated function).
    return "filler, full marks" if full else "filler, lost points (not judged)"


def excerpt(problem: str) -> list[str]:
    """The first line of a failure and its named hint (rnncourse.check's `Hint (...)`)."""
    lines = [line.strip() for line in problem.splitlines() if line.strip()]
    hints = [line for line in lines[1:] if line.startswith("Hint")]
    return lines[:1] + hints[:1]


def format_table(rows: Iterable[dict], width: int = 150) -> str:
    rows = list(rows)
    header = (
        f"{'assignment':<22} {'function':<26} {'variant':<34} {'student':<10} {'score':>9}  verdict"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        if row["score"] is None:
            score = "-"
        else:
            score = f"{row['score']:g}/{row['max_score']:g}"
        lines.append(
            f"{row['assignment']:<22} {row['function']:<26} {row['variant']:<34} "
            f"{row['student']:<10} {score:>9}  {row['verdict']}"
        )
        if row["problem"] and row["kind"] != "solution":
            lines += [" " * 24 + "> " + line[:width] for line in excerpt(row["problem"])]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Everything for several assignments, on a small pool of threads (each step a subprocess)
# ---------------------------------------------------------------------------------------


@dataclass
class AssignmentResult:
    name: str
    source_validation: dict | None = None
    student_validation: dict | None = None
    student_grade_cells: dict[str, str] = field(default_factory=dict)  # grade_id -> source
    mutation: dict | None = None  # all parts' rows, once every part is graded
    parts: dict[int, dict] = field(default_factory=dict)  # autograde_mutants() per part
    errors: dict[str, str] = field(default_factory=dict)  # step -> what went wrong
    seconds: dict[str, float] = field(default_factory=dict)  # step -> wall time


def _run_pool(workers: int, first: list[tuple[int, Callable[[], list]]]) -> None:
    """Run tasks on `workers` threads, lowest priority number first; a task returns its
    follow-up tasks as (priority, callable) pairs."""
    counter = itertools.count()
    ready: list = [(p, next(counter), fn) for p, fn in first]
    heapq.heapify(ready)
    lock = threading.Condition()
    running = 0

    def worker() -> None:
        nonlocal running
        while True:
            with lock:
                while not ready and running:
                    lock.wait()
                if not ready:
                    lock.notify_all()
                    return
                _, _, fn = heapq.heappop(ready)
                running += 1
            follow = fn()
            with lock:
                running -= 1
                for p, nxt in follow:
                    heapq.heappush(ready, (p, next(counter), nxt))
                lock.notify_all()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# Priorities: generating unblocks the rest; autograde is the long step, so it starts as early
# as it can; the validations fill the gaps.
REFERENCES, GENERATE, AUTOGRADE, VALIDATE_SOURCE, VALIDATE_STUDENT = -1, 0, 1, 2, 3


class SharedReferences:
    """The reference table of a whole `run_all`, computed by one task; the autograde
    steps wait for it (`path()`), and grade without it (Keras live) if it failed."""

    def __init__(self, assignments: list[Assignment], cache: Path):
        self.assignments, self.cache = assignments, cache
        self._done = threading.Event()
        self._path: Path | None = None
        self.error = ""

    def compute(self) -> list:
        try:
            self._path = reference_table(self.assignments, self.cache)
        except Exception as exc:  # the source validation reports a failing solution
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._done.set()
        return []

    def path(self) -> Path | None:
        self._done.wait()
        return self._path


def _step(result: AssignmentResult, name: str, fn: Callable[[], list]) -> Callable[[], list]:
    """`fn` with its wall time and any exception recorded in `result` (the tests report it)."""

    def run() -> list:
        start = time.perf_counter()
        try:
            return fn()
        except Exception as exc:
            result.errors[name] = f"{type(exc).__name__}: {exc}"
            return []
        finally:
            result.seconds[name] = time.perf_counter() - start

    return run


def _assignment_tasks(
    assignment: Assignment,
    result: AssignmentResult,
    scratch: Path,
    mutants_root: Path | None,
    chunk: int,
    references: SharedReferences | None = None,
) -> list[tuple[int, Callable[[], list]]]:
    """The first tasks for one assignment (generating queues the steps that need it)."""
    course = make_course(scratch / assignment.name, assignment)
    # The source notebooks run in a course root of their own (a notebook may write files).
    source_course = make_course(scratch / f"{assignment.name}-source", assignment)

    def validate_source() -> list:
        result.source_validation = {}
        table = references.path() if references is not None else None
        for name in assignment.notebooks:
            path = source_course / "source" / assignment.name / f"{name}.ipynb"
            found = validate(path, validate_all=True, references=table)
            if found:
                result.source_validation[name] = found
        return []

    def validate_student() -> list:
        result.student_validation = {}
        for name in assignment.notebooks:
            path = course / "release" / assignment.name / f"{name}.ipynb"
            for cell in read_notebook(path)["cells"]:
                if nbgrader_meta(cell).get("grade"):
                    grade_id = nbgrader_meta(cell)["grade_id"]
                    result.student_grade_cells[grade_id] = cell_source(cell).strip()
            result.student_validation[name] = validate(path)
        return []

    def autograde(part: int, where: Path, plans: dict) -> Callable[[], list]:
        def run() -> list:
            table = references.path() if references is not None else None
            result.parts[part] = autograde_mutants(where, assignment, plans, table)
            return []

        return run

    def generate_then() -> list:
        generate(course, assignment.name)
        corpus = {f: discover_mutants(f, mutants_root) for f in assignment.function_names}
        plans = plan_submissions(assignment.function_names, corpus)
        # Large assignments are graded in parts (each its own course root and gradebook,
        # copied from this one), so that the threads share the work evenly.
        parts = -(-len(plans) // max(1, chunk)) if plans else 0
        size = -(-len(plans) // parts) if parts else 0
        tasks = []
        for part in range(parts):
            share = {
                student_id(i): plans[i]
                for i in range(part * size, (part + 1) * size)
                if i < len(plans)
            }
            where = course
            if part > 0:  # a copy of the generated course root, gradebook included
                where = scratch / f"{assignment.name}-part{part + 1}"
                shutil.copytree(course, where)
            name = "autograde" if parts == 1 else f"autograde {part + 1}/{parts}"
            tasks.append((AUTOGRADE, _step(result, name, autograde(part, where, share))))
        tasks.append(
            (VALIDATE_STUDENT, _step(result, "validate student notebook", validate_student))
        )
        return tasks

    return [
        (GENERATE, _step(result, "generate_assignment", generate_then)),
        (VALIDATE_SOURCE, _step(result, "validate source notebook", validate_source)),
    ]


def run_all(
    assignments: list[Assignment],
    scratch: Path,
    *,
    workers: int = 3,
    mutants_root: Path | None = None,
    chunk: int = 5,
    timings: dict | None = None,
    share_references: bool = False,
) -> dict[str, AssignmentResult]:
    """Generate, validate (source and student) and autograde the mutants of every
    assignment (at most `chunk` submissions per `nbgrader autograde` run), each in its own
    course roots under `scratch`. `timings`, if given, gets the wall time of the stock
    nbgrader steps and of our CLI's one run over the same submissions.

    With `share_references`, Keras's outputs are computed once (`reference_table`, which
    runs every solution against live Keras and fails if one fails its own tests) and
    looked up afterwards: by the stock Validator and autograde steps through
    `RNNCOURSE_REFERENCE_CACHE`, by our CLI in its output folder. If computing it fails,
    they all run Keras live. Off in the benchmarks, which time stock nbgrader as an
    instructor runs it."""
    results = {a.name: AssignmentResult(a.name) for a in assignments}
    first = []
    references = None
    if share_references:
        references = SharedReferences(assignments, ours_out(scratch) / ".cache")
        first.append((REFERENCES, references.compute))
    for assignment in assignments:
        result = results[assignment.name]
        first += _assignment_tasks(assignment, result, scratch, mutants_root, chunk,
                                   references)
    start = time.perf_counter()
    _run_pool(workers, first)
    middle = time.perf_counter()
    courses = [Path(part["course"]) for r in results.values() for part in r.parts.values()]
    ours = grade_with_our_autograder(courses, scratch)
    if timings is not None:
        timings.update(stock=middle - start, ours=time.perf_counter() - middle,
                       ours_jobs=ours_job_seconds(ours, ours_out(scratch)))
        if references is not None and references.error:
            timings["references_error"] = references.error
    for result in results.values():
        for part in result.parts.values():
            for row in part["rows"]:
                row.update(ours_verdict(ours.get((row["student"], row["assignment"])),
                                        row["notebook"], row["function"]))
        if result.parts:
            parts = [result.parts[k] for k in sorted(result.parts)]
            result.mutation = {
                "rows": [row for part in parts for row in part["rows"]],
                "seconds": sum(part["seconds"] for part in parts),
                "submissions": sum(part["submissions"] for part in parts),
                "log": "\n".join(part["log"] for part in parts),
            }
            result.parts = {}
        elif "generate_assignment" not in result.errors and not any(
            step.startswith("autograde") for step in result.errors
        ):
            result.mutation = {"rows": [], "seconds": 0.0, "submissions": 0, "log": ""}
    return results


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "validate":
        sys.exit(_validate_main(sys.argv[2:]))
    if len(sys.argv) >= 3 and sys.argv[1] == "references":
        sys.exit(_references_main(sys.argv[2:]))
    print(__doc__)
    sys.exit(2)
