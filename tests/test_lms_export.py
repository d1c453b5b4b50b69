"""Grades exported for Canvas and Moodle: `python -m autograder export OUT --to ...`."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.lms_export import canvas_csv, moodle_csv

ROOT = Path(__file__).resolve().parents[1]
GRADES = """student_id,assignment_id,score,max_score,status,notes
bob,01_forward_pass,2,5,graded,
ann,01_forward_pass,5,5,graded,
ann,02_bptt,4.5,6,tampered,a test passed in the kernel but not in the clean run
cy,01_forward_pass,,5,error,the grader failed
cy,02_bptt,0,6,missing_notebook,
"""


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _export(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "export", str(out), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    (tmp_path / "grades.csv").write_text(GRADES, encoding="utf8")
    return tmp_path


def test_canvas_gets_identity_columns_points_possible_and_one_column_per_assignment(out):
    result = _export(out, "--to", "canvas")
    assert result.returncode == 0, result.stderr
    table = _rows((out / "canvas.csv").read_text(encoding="utf8"))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "01_forward_pass", "02_bptt"]
    assert table[1] == ["Points Possible", "", "", "", "", "5", "6"]
    by_student = {row[0]: row for row in table[2:]}
    assert by_student["ann"] == ["ann", "", "", "ann", "", "5", "4.5"]
    assert by_student["bob"] == ["bob", "", "", "bob", "", "2", ""]       # never graded
    # The grader's failure is no grade (blank: Canvas leaves it alone), not a zero; a
    # missing notebook keeps the zero it earned.
    assert by_student["cy"] == ["cy", "", "", "cy", "", "", "0"]


def test_canvas_id_column_can_be_the_sis_user_id():
    text = canvas_csv([{"student_id": "ann", "assignment_id": "a", "score": "1",
                        "max_score": "2", "status": "graded"}], "SIS User ID")
    assert _rows(text)[2] == ["ann", "", "ann", "", "", "1"]
    with pytest.raises(ValueError, match="id_column must be one of"):
        canvas_csv([], "email")


def test_moodle_gets_username_and_one_column_per_assignment(out):
    result = _export(out, "--to", "moodle", "--file", str(out / "for-moodle.csv"))
    assert result.returncode == 0, result.stderr
    table = _rows((out / "for-moodle.csv").read_text(encoding="utf8"))
    assert table == [["Username", "01_forward_pass", "02_bptt"],
                     ["ann", "5", "4.5"], ["bob", "2", ""], ["cy", "", "0"]]
    assert moodle_csv([]) == "Username\n"


def test_export_without_grades_or_with_a_wrong_format_says_what_to_do(tmp_path):
    result = _export(tmp_path, "--to", "canvas")
    assert result.returncode == 2 and "grades.csv does not exist" in result.stderr
    assert "autograde" in result.stderr
    result = _export(tmp_path, "--to", "blackboard")
    assert result.returncode == 2 and "invalid choice" in result.stderr
