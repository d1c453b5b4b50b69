"""`autograde --db postgresql://...` against a real PostgreSQL server.

The tests start their own throwaway server (`tests/postgres.py`: Debian's binaries, a
temporary folder, a Unix socket only) and grade a small class of assignment 1 into it
with the real CLI: one correct student, one with a function wrong, one broken file.
Then the same class again, unchanged (nothing may be regraded), and again after one
student resubmits (only that one is regraded, and the database follows). Every run's
gradebook must hold exactly the scores of its grades.csv, and stock `nbgrader export`,
pointed at the same database, must export them too.

Skipped only when PostgreSQL's server is not installed (`make postgres` installs it).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import postgres
import pytest

from autograder.demo import write_class

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
A1 = "01_forward_pass"
STUDENTS = ("correct", "one_function_wrong", "truncated_file")
EXPECTED = {"correct": ("graded", 5), "one_function_wrong": ("graded", 2),
            "truncated_file": ("invalid_notebook", 0)}
BIN = Path(sys.executable).parent


def _env() -> dict:
    # nbgrader runs `alembic` from PATH when it creates a gradebook (DESIGN.md's traps).
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")


def run_cli(*args) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def read_grades(out: Path) -> dict:
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        return {(r["student_id"], r["assignment_id"]): r for r in csv.DictReader(file)}


def gradebook_contents(url: str) -> dict:
    """(student, assignment) -> score, max score and every grade cell's score, as stored."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(url) as gb:
        for student in gb.students:
            for submission in student.submissions:
                found[(student.id, submission.assignment.name)] = {
                    "score": submission.score, "max_score": submission.max_score,
                    "tests": {(notebook.name, grade.name): grade.score
                              for notebook in submission.notebooks
                              for grade in notebook.grades}}
    return found


def expected_contents(out: Path) -> dict:
    """What the gradebook must hold: grades.csv's scores, and each test's score as the
    saved result has it (a test the result does not list scored nothing)."""
    expected = {}
    for key, row in read_grades(out).items():
        result = json.loads((out / ".results" / key[0] / f"{key[1]}.json").read_text())
        tests = {}
        for notebook in result["notebooks"]:
            name = notebook["notebook"].removesuffix(".ipynb")
            tests |= {(name, grade_id): test["score"]
                      for grade_id, test in notebook["tests"].items()}
        expected[key] = {"score": float(row["score"]), "max_score": float(row["max_score"]),
                         "tests": tests}
    return expected


def _matches(stored: dict, expected: dict) -> bool:
    """The same rows, scores and max scores; every grade cell as the result scored it
    (0 for a test the result does not list, e.g. an invalid notebook's)."""
    return stored.keys() == expected.keys() and all(
        stored[k]["score"] == expected[k]["score"]
        and stored[k]["max_score"] == expected[k]["max_score"]
        and expected[k]["tests"].keys() <= stored[k]["tests"].keys()
        and all(score == expected[k]["tests"].get(test, 0.0)
                for test, score in stored[k]["tests"].items())
        for k in stored)


def _mtimes(out: Path) -> dict:
    return {p.parent.name: p.stat().st_mtime_ns for p in (out / ".results").rglob("*.json")}


def nbgrader_export(url: str, target: Path) -> dict:
    """Stock `nbgrader export`, run in the course root with `--db URL`, read back."""
    proc = subprocess.run([str(BIN / "nbgrader"), "export", f"--db={url}", f"--to={target}"],
                          cwd=ROOT / "autograder", env=_env(), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"nbgrader export failed:\n{proc.stderr[-3000:]}"
    with open(target, newline="", encoding="utf-8") as file:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(file)}


@pytest.fixture(scope="module")
def postgres_url():
    if postgres.bin_dir() is None:
        pytest.skip(postgres.INSTALL_HINT)
    try:
        import psycopg  # noqa: F401 - SQLAlchemy's driver for postgresql:// URLs
    except ImportError:
        pytest.fail("psycopg (SQLAlchemy's PostgreSQL driver) is missing from this Python: "
                    "run `make venv` (it is in the [grade] extra)")
    with postgres.server() as url:
        yield url


@pytest.fixture(scope="module")
def runs(postgres_url, tmp_path_factory):
    """Three CLI runs into one PostgreSQL gradebook: first, unchanged, one resubmitted.
    After each, what grades.csv, the saved results and the database hold."""
    root = tmp_path_factory.mktemp("postgres")
    submitted, out = root / "submitted", root / "out"
    write_class(submitted, kinds=list(STUDENTS))
    args = ("autograde", submitted, "--out", out, "--workers", 2, "--timeout", 10,
            "--memory", 1, "--db", postgres_url)
    found = {}

    def snapshot(name, proc):
        found[name] = {"proc": proc, "grades": read_grades(out), "mtimes": _mtimes(out),
                       "expected": expected_contents(out),
                       "stored": gradebook_contents(postgres_url)}

    snapshot("first", run_cli(*args))
    found["export"] = nbgrader_export(postgres_url, root / "nbgrader-export.csv")
    snapshot("unchanged", run_cli(*args))
    resubmitted = submitted / "one_function_wrong" / A1 / "forward_pass.ipynb"
    shutil.copy(submitted / "correct" / A1 / "forward_pass.ipynb", resubmitted)
    snapshot("resubmitted", run_cli(*args))
    found["out"] = out
    return found


def test_a_run_writes_every_score_into_the_postgresql_gradebook(runs):
    first = runs["first"]
    got = {key[0]: (row["status"], float(row["score"])) for key, row in first["grades"].items()}
    assert got == EXPECTED, first["proc"].stderr[-3000:]
    assert not (runs["out"] / "gradebook.db").exists(), "--db was ignored: SQLite was written"
    assert _matches(first["stored"], first["expected"]), (
        f"PostgreSQL gradebook {first['stored']}\ndiffers from grades.csv and the results "
        f"{first['expected']}")


def test_a_rerun_of_an_unchanged_class_regrades_nothing_and_keeps_the_gradebook(runs):
    first, again = runs["first"], runs["unchanged"]
    assert again["mtimes"] == first["mtimes"], "an unchanged submission was regraded"
    assert again["grades"] == first["grades"]
    assert again["stored"] == first["stored"], "the gradebook changed with nothing to grade"


def test_a_resubmission_is_regraded_alone_and_updated_in_the_gradebook(runs):
    before, after = runs["unchanged"], runs["resubmitted"]
    regraded = {s for s in STUDENTS if after["mtimes"][s] != before["mtimes"][s]}
    assert regraded == {"one_function_wrong"}, f"regraded {regraded}"
    assert after["grades"][("one_function_wrong", A1)]["score"] == "5"
    assert after["stored"][("one_function_wrong", A1)]["score"] == 5.0
    assert _matches(after["stored"], after["expected"]), (
        f"PostgreSQL gradebook {after['stored']}\ndiffers from grades.csv and the results "
        f"{after['expected']}")
    for student in ("correct", "truncated_file"):
        assert after["stored"][(student, A1)] == before["stored"][(student, A1)]


def test_nbgrader_export_reads_the_same_scores_from_the_postgresql_gradebook(runs):
    exported = {key: (float(row["score"]), float(row["max_score"]))
                for key, row in runs["export"].items()}
    expected = {key: (float(row["score"]), float(row["max_score"]))
                for key, row in runs["first"]["grades"].items()}
    assert exported == expected
