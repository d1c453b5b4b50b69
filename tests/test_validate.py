"""`python -m rnncourse validate`: a student's check before submitting, run for real.

Each test runs the command in a subprocess on a copy of assignment 1 (a fresh kernel
executes it, as the grader does) and reads its report and exit status.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "01_forward_pass" / "forward_pass.ipynb"
MARKS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS",
         "### END HIDDEN TESTS")


def _validate(notebook: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnncourse", "validate", str(notebook),
                           *extra], capture_output=True, text=True, timeout=600, cwd=ROOT)


def _answered(folder: Path, function: str | None = None, body: str = "") -> Path:
    """Assignment 1 as a student would submit it: answers in, hidden tests out.

    With `function`, its answer becomes `body` (indented lines) instead.
    """
    notebook = json.loads(SOURCE.read_text(encoding="utf8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if "### BEGIN HIDDEN TESTS" in source:
            source = source.split("### BEGIN HIDDEN TESTS")[0]
        if function and cell["metadata"]["nbgrader"]["grade_id"] == function:
            head = source.split("### BEGIN SOLUTION")[0].rstrip()
            source = head + "\n" + body
        for mark in MARKS:
            source = source.replace(mark, "")
        cell["source"] = source.splitlines(True)
    path = folder / "forward_pass.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf8")
    return path


@pytest.mark.slow
def test_a_correct_notebook_passes_every_visible_test(tmp_path):
    result = _validate(_answered(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 of 2 visible tests pass (5 of 5 points)" in result.stdout
    assert "FAILED" not in result.stdout
    # The kernel talks over Unix sockets in a private folder: no port to lose to another
    # program, and no warning about unencrypted TCP on the student's terminal.
    assert "TCP" not in result.stderr, result.stderr


@pytest.mark.slow
def test_a_wrong_answer_fails_with_its_hint_and_a_nonzero_status(tmp_path):
    # rnn_forward feeds h0 to every step instead of the previous state.
    notebook = _answered(tmp_path, "rnn_forward", (
        "    steps = [rnn_cell_forward(x[:, t], h0, kernel, recurrent_kernel, bias)\n"
        "             for t in range(x.shape[1])]\n"
        "    return np.stack(steps, axis=1)\n"))
    before = notebook.read_bytes()
    result = _validate(notebook)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("test_rnn_forward") and line.endswith("FAILED")
               for line in lines), result.stdout
    assert "rnn_forward failed on case 1 of 1" in result.stdout
    assert any(line.startswith("test_rnn_cell_forward") and line.endswith("passed")
               for line in lines), result.stdout
    assert "1 of 2 visible tests pass (2 of 5 points)" in result.stdout
    assert notebook.read_bytes() == before          # the student's file is not rewritten


@pytest.mark.slow
def test_an_answer_cell_that_does_not_run_is_named(tmp_path):
    # A mis-indented answer: its test fails with a NameError, and the report says which
    # cell failed first and why, which the NameError alone does not.
    notebook = _answered(tmp_path, "rnn_cell_forward", "        return x_t\n")
    result = _validate(notebook)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cell rnn_cell_forward raised IndentationError" in result.stdout, result.stdout


def test_a_file_that_is_not_a_notebook_is_refused_clearly(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf8")
    result = _validate(broken)
    assert result.returncode == 2
    assert "is not a readable Jupyter notebook" in result.stderr

    missing = _validate(tmp_path / "nowhere.ipynb")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_a_notebook_without_graded_tests_is_refused(tmp_path):
    plain = tmp_path / "plain.ipynb"
    plain.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                 "nbformat_minor": 5}), encoding="utf8")
    result = _validate(plain)
    assert result.returncode == 2 and "has no graded test cells" in result.stderr


def test_a_wrong_argument_gets_usage_and_status_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "rnncourse", "grade", "x.ipynb"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "unknown command 'grade'" in result.stderr
    result = _validate(tmp_path / "x.ipynb", "--timeout", "0")
    assert result.returncode == 2 and "--timeout must be a positive" in result.stderr
