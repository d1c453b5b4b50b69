"""The exercise notebooks, through stock nbgrader: solutions pass, blanks fail, mutants are
told apart from correct answers.

For every assignment folder `notebooks/<assignment>/` (found at collection time, so a new
notebook is covered as soon as it exists), in a scratch copy of the course root
(tests/notebook_grading.py does the work, the repository is never written to):

* the source notebook, executed as it is, passes every test (nbgrader's Python
  `Validator`, all cells: no error and no stderr anywhere);
* the generated student notebook fails every graded test, because of the missing
  solution (`NotImplementedError`), not because of something else;
* the mutation corpus `tests/mutants/<function>/{wrong,correct}_*.py`, dropped into student
  submissions and graded by stock `nbgrader autograde`: every wrong mutant loses points on
  its function's test cell, every correct one keeps full marks, and a wrong function
  costs no points in another function's cell whose version is correct.

All of it runs once per session (module fixture `graded`): every step is a subprocess
(nbgrader, or a Python running the Validator), run on 3 threads, each assignment in its own
course roots and gradebooks (at most 5 submissions per `nbgrader autograde` run, so the
long assignments split evenly). Three threads, not two, on a 2-core machine: a step spends
much of its time waiting (kernel start-up, TensorFlow's import), and 3 finished the five
assignments in ~200 s where 2 took ~245 s. The results table is written to
benchmarks/results/mutation_table.txt (and shown in failure messages).
Keras's outputs for every test case are computed once, by the code our CLI uses for its
reference table, which runs every solution against live Keras and fails if one fails its
own tests: the stock Validator and autograde steps look them up through
`RNNCOURSE_REFERENCE_CACHE` instead of importing TensorFlow in every kernel, and our CLI
finds the same table in its output folder.
`RNNCOURSE_MUTANTS=/some/dir` grades another corpus; `RNNCOURSE_GRADING_WORKERS` sets the
number of threads.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from notebook_grading import (
    MIN_CORRECT,
    MIN_WRONG,
    MUTANTS,
    RESULTS,
    corpus_problems,
    discover_assignments,
    discover_mutants,
    excerpt,
    format_table,
    run_all,
)
from run_once import once_per_run

from autograder.jail import ONE_THREAD

ASSIGNMENTS = {a.name: a for a in discover_assignments()}
FUNCTIONS = [
    pytest.param(a.name, function, id=f"{a.name}-{function}")
    for a in ASSIGNMENTS.values()
    for function in a.function_names
]
TABLE = RESULTS / "mutation_table.txt"
# Every test that needs the notebooks executed: one worker under `--dist loadgroup`.
SLOW = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def _needed(session: pytest.Session) -> list[str]:
    """The assignments of this module's selected tests (all of them, unless -k says less)."""
    names = set()
    for item in session.items:
        if item.module is not None and item.module.__name__ == __name__:
            callspec = getattr(item, "callspec", None)
            if callspec is not None and "assignment" in callspec.params:
                names.add(callspec.params["assignment"])
    return sorted(names)


def _grade(names: list[str]) -> dict:
    workers = int(os.environ.get("RNNCOURSE_GRADING_WORKERS", "3"))
    start = time.perf_counter()
    # One thread per process, as our grader runs every job (autograder/jail.py says why):
    # stock nbgrader's kernels then compute as ours do, and 3 grading threads do not fight
    # for 2 cores. Only while grading: the book, built in this process's children, keeps
    # TensorFlow's defaults, as `make book` has them.
    with tempfile.TemporaryDirectory(prefix="rnncourse-grading-") as scratch, \
            mock.patch.dict(os.environ, ONE_THREAD):
        timings: dict = {}
        results = run_all([ASSIGNMENTS[n] for n in names], Path(scratch), workers=workers,
                          timings=timings, share_references=True)
    seconds = time.perf_counter() - start
    graded = {name: dataclasses.asdict(result) for name, result in results.items()}
    rows = [row for r in graded.values() for row in (r["mutation"] or {}).get("rows", [])]
    lines = [
        f"Mutation table: {len(names)} assignment(s) graded in {seconds:.0f} s: stock nbgrader "
        f"steps {timings.get('stock', 0):.0f} s on {workers} threads, then our CLI's one run "
        f"over the same submissions {timings.get('ours', 0):.0f} s. Mutants from {MUTANTS}.",
        "Keras's reference outputs computed once for both graders"
        + (f" FAILED, so both ran Keras live: {timings['references_error']}"
           if timings.get("references_error") else "."),
        "",
        format_table(rows),
        "",
        "Wall time per step (s):",
    ]
    for name, r in graded.items():
        steps = ", ".join(f"{step} {s:.0f}" for step, s in r["seconds"].items())
        count = (r["mutation"] or {}).get("submissions", 0)
        lines.append(f"  {name}: {steps} ({count} submissions)")
    lines.append("Our CLI, per assignment: jobs, kernel runs, sum of the jobs' wall times (s):")
    for name, row in sorted(timings.get("ours_jobs", {}).items()):
        lines.append(f"  {name}: {row['jobs']} jobs, {row['kernel_runs']} kernel runs, "
                     f"{row['seconds']:.0f} s")
    table = "\n".join(lines)
    RESULTS.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(table + "\n", encoding="utf8")
    return {"results": graded, "table": table}


@pytest.fixture(scope="module")
def graded(request: pytest.FixtureRequest) -> dict:
    """Every selected assignment, generated, validated and mutation-graded, once per run.

    Under pytest-xdist this module's tests may still land on both workers (see
    tests/conftest.py on loadgroup), so the grading is guarded like the book build: a file
    lock (tests/run_once.py); the first worker grades, the other reuses it.
    """
    names = _needed(request.session)
    outcome = once_per_run(request, "notebook-grading", lambda: _grade(names),
                           key=",".join(names))
    workerinput = getattr(request.config, "workerinput", None)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if workerinput is None and capture is not None:
        with capture.global_and_fixture_disabled():
            print("\n" + outcome["table"] + f"\n(also in {TABLE})")
    return outcome


def _result(graded: dict, assignment: str, step: str) -> dict:
    """The assignment's results, once `step` (and generating, which it needs) went well."""
    result = graded["results"][assignment]
    errors = {
        name: error
        for name, error in result["errors"].items()
        if name == "generate_assignment" or name.startswith(step)
    }
    assert not errors, f"{assignment}: " + "\n".join(
        f"{name} failed:\n{error}" for name, error in errors.items()
    )
    return result


def _rows(graded: dict, assignment: str, function: str, kind: str) -> list[dict]:
    result = _result(graded, assignment, "autograde")
    return [
        row
        for row in result["mutation"]["rows"]
        if row["function"] == function and row["kind"] == kind
    ]


def _with_table(graded: dict, assignment: str, message: str) -> str:
    rows = (graded["results"][assignment]["mutation"] or {}).get("rows", [])
    return (
        f"{message}\n\nThe mutation table of {assignment} (all assignments: {TABLE}):\n"
        + format_table(rows)
    )


def _describe(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        score = "not graded" if row["score"] is None else f"{row['score']:g}/{row['max_score']:g}"
        lines.append(f"  {row['variant']} ({row['description']}) as {row['student']}: {score}")
        lines += [f"      {line[:300]}" for line in excerpt(row["problem"])]
    return "\n".join(lines)


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS), ids=str)
@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_source_notebook_passes_all_its_tests(graded: dict, assignment: str) -> None:
    found = _result(graded, assignment, "validate source notebook")["source_validation"]
    report = []
    for notebook, result in found.items():
        for cell in result.get("failed", []):
            first = cell["source"].splitlines()[0] if cell["source"] else ""
            report.append(f"{notebook}.ipynb, cell `{first}`:\n{cell['raw_error'][-1500:]}")
        for key in ("changed", "type_changed"):
            if result.get(key):
                report.append(f"{notebook}.ipynb: the Validator reports {key} cells")
    assert not report, (
        f"{assignment}: the instructor's notebook, executed as it is, should pass every test "
        "and write nothing to stderr (nbgrader scores such a cell zero). The Validator found:\n"
        + "\n\n".join(report)
    )


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS), ids=str)
@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_student_notebook_fails_every_graded_test(graded: dict, assignment: str) -> None:
    result = _result(graded, assignment, "validate student notebook")
    failed: dict[str, str] = {}
    for notebook, found in result["student_validation"].items():
        assert not found.get("changed") and not found.get("type_changed"), (
            f"{assignment}/{notebook}.ipynb: the Validator says the generated student notebook "
            f"has changed cells: {found}"
        )
        failed.update({cell["source"]: cell["raw_error"] for cell in found.get("failed", [])})
    grade_cells = result["student_grade_cells"]
    assert grade_cells, f"{assignment}: the student notebook has no graded cells"
    passing = [gid for gid, source in grade_cells.items() if source not in failed]
    assert not passing, (
        f"{assignment}: in the student notebook (no solutions), these graded tests pass, so "
        f"they give points for nothing: {passing}. A test cell must assert on the student's "
        "function (and must not end with a number, which nbgrader reads as partial credit)."
    )
    unrelated = {
        gid: failed[source][-600:]
        for gid, source in grade_cells.items()
        if "NotImplementedError" not in failed[source]
    }
    assert not unrelated, (
        f"{assignment}: these graded tests fail in the student notebook, but not because the "
        "solution is missing (no NotImplementedError), so something else is broken:\n"
        + "\n".join(f"{gid}:\n{error}" for gid, error in unrelated.items())
    )


@pytest.mark.parametrize("assignment, function", FUNCTIONS)
def test_mutation_corpus_is_complete(assignment: str, function: str) -> None:
    problems = corpus_problems(function, discover_mutants(function))
    assert not problems, (
        f"{assignment}: the mutation corpus of `{function}` is not complete (at least "
        f"{MIN_WRONG} wrong and {MIN_CORRECT} correct versions, each a self-contained "
        "`def` with a first-line `# wrong: ...` or `# correct: ...` comment):\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("assignment, function", FUNCTIONS)
@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_every_wrong_mutant_loses_points(graded: dict, assignment: str, function: str) -> None:
    rows = _rows(graded, assignment, function, "wrong")
    if not rows:
        pytest.skip(f"no wrong mutants of {function} (see test_mutation_corpus_is_complete)")
    escaped = [row for row in rows if row["score"] is None or row["score"] >= row["max_score"]]
    assert not escaped, _with_table(
        graded,
        assignment,
        f"{assignment}: these wrong versions of `{function}` kept full marks on "
        f"test_{function} (the hidden tests should catch them):\n{_describe(escaped)}",
    )


@pytest.mark.parametrize("assignment, function", FUNCTIONS)
@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_every_correct_mutant_keeps_full_marks(
    graded: dict, assignment: str, function: str
) -> None:
    rows = _rows(graded, assignment, function, "correct")
    if not rows:
        pytest.skip(f"no correct mutants of {function} (see test_mutation_corpus_is_complete)")
    lost = [row for row in rows if row["score"] is None or row["score"] < row["max_score"]]
    assert not lost, _with_table(
        graded,
        assignment,
        f"{assignment}: these correct versions of `{function}` lost points on "
        f"test_{function}:\n{_describe(lost)}",
    )


@pytest.mark.parametrize("assignment, function", FUNCTIONS)
@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_a_wrong_function_costs_no_points_elsewhere(
    graded: dict, assignment: str, function: str
) -> None:
    rows = [r for r in _rows(graded, assignment, function, "correct") if r["wrong_elsewhere"]]
    if not rows:
        pytest.skip(f"no submission puts a correct {function} next to a wrong other function")
    lost = [row for row in rows if row["score"] is None or row["score"] < row["max_score"]]
    assert not lost, _with_table(
        graded,
        assignment,
        f"{assignment}: a correct `{function}` lost points on test_{function} because another "
        f"function in the same submission was wrong (partial credit must be per function):\n"
        + "\n".join(
            f"  next to wrong {', '.join(row['wrong_elsewhere'])}:\n" + _describe([row])
            for row in lost
        ),
    )


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS), ids=str)
@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_our_autograder_agrees_with_stock_nbgrader_on_every_mutant(
    graded: dict, assignment: str
) -> None:
    """The clean verdict (autograder/) gives every honest submission the score stock
    nbgrader gives it, and never calls an honest submission tampered."""
    rows = _result(graded, assignment, "autograde")["mutation"]["rows"]
    assert rows
    disagree = [row for row in rows if row["ours_score"] != row["score"]]
    assert not disagree, _with_table(graded, assignment, "our autograder disagrees with "
                                     "stock nbgrader:\n" + "\n".join(
        f"  {r['student']} {r['variant']}: stock {r['score']}, ours {r['ours_score']} "
        f"({r['ours_status']}: {r.get('ours_notes')})" for r in disagree))
    flagged = sorted({(r["student"], r["ours_status"]) for r in rows
                      if r["ours_status"] != "graded"})
    assert not flagged, f"honest submissions got another status: {flagged}"
