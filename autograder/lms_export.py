"""Grades in the CSV formats that Canvas and Moodle import.

`python -m autograder export OUT --to canvas` (or `moodle`) reads `OUT/grades.csv`, the
table `autograde` writes (one row per student and assignment), and writes one row per
student with one column per assignment:

- **Canvas** (Grades > Import): the columns `Student`, `ID`, `SIS User ID`,
  `SIS Login ID` and `Section` that Canvas's own export starts with, then the
  assignments, and a `Points Possible` row under the header. Canvas matches a student
  by any one of `ID`, `SIS User ID` or `SIS Login ID`; the student id of nbgrader goes
  into the one chosen with `--canvas-id` (default `SIS Login ID`, since nbgrader ids are
  usually JupyterHub user names). Canvas ignores blank cells, so a grade that does not
  exist stays blank rather than becoming a zero.
- **Moodle** (Grades > Import > CSV file): `Username`, then the assignments; the import
  page maps `Username` to the user field and each assignment column to a grade item.

A submission whose grading failed (`error`) or that was never graded gets a blank cell:
nobody is given points they did not earn, and nobody a zero for the grader's failure.
Every other status keeps the score the clean run gave (`tampered` included).

Example:

>>> rows = [{"student_id": "ann", "assignment_id": "01_forward_pass", "score": "5",
...          "max_score": "5", "status": "graded"}]
>>> print(moodle_csv(rows).strip())
Username,01_forward_pass
ann,5
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.report import _number

CANVAS_ID_COLUMNS = ("SIS Login ID", "SIS User ID", "ID")
NO_GRADE = ("error",)                 # statuses whose score must not be imported


def read_grades(out: Path) -> list[dict]:
    """The rows of `out/grades.csv`. Raises `FileNotFoundError` with a clear message."""
    path = Path(out) / "grades.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: run `python -m autograder "
                                f"autograde SUBMITTED --out {out}` first")
    with path.open(newline="", encoding="utf8") as file:
        rows = list(csv.DictReader(file))
    missing = {"student_id", "assignment_id", "score", "max_score", "status"} - set(
        rows[0] if rows else {})
    if rows and missing:
        raise ValueError(f"{path} lacks the columns {sorted(missing)}")
    return rows


def _table(rows: list[dict]) -> tuple[list[str], list[str], dict, dict]:
    """Students, assignments (sorted), scores by (student, assignment), max by assignment."""
    students = sorted({r["student_id"] for r in rows})
    assignments = sorted({r["assignment_id"] for r in rows})
    scores, points = {}, {}
    for r in rows:
        if r["max_score"] not in ("", None):
            points[r["assignment_id"]] = max(float(r["max_score"]),
                                             points.get(r["assignment_id"], 0.0))
        if r["status"] not in NO_GRADE and r["score"] not in ("", None):
            scores[r["student_id"], r["assignment_id"]] = r["score"]
    return students, assignments, scores, points


def _write(header: list[str], body: list[list[str]]) -> str:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return text.getvalue()


def canvas_csv(rows: list[dict], id_column: str = "SIS Login ID") -> str:
    """Canvas's gradebook import: five identity columns, then one per assignment."""
    if id_column not in CANVAS_ID_COLUMNS:
        raise ValueError(f"id_column must be one of {CANVAS_ID_COLUMNS}, got {id_column!r}")
    students, assignments, scores, points = _table(rows)
    identity = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    body = [["Points Possible", "", "", "", ""]
            + [str(_number(points[a])) if a in points else "" for a in assignments]]
    for student in students:
        ids = {column: "" for column in identity}
        ids["Student"] = student
        ids[id_column] = student
        body.append([ids[c] for c in identity]
                    + [scores.get((student, a), "") for a in assignments])
    return _write(identity + assignments, body)


def moodle_csv(rows: list[dict]) -> str:
    """Moodle's CSV grade import: `Username`, then one column per assignment."""
    students, assignments, scores, _ = _table(rows)
    body = [[student] + [scores.get((student, a), "") for a in assignments]
            for student in students]
    return _write(["Username"] + assignments, body)


__all__ = ["CANVAS_ID_COLUMNS", "canvas_csv", "moodle_csv", "read_grades"]
