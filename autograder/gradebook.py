"""The single writer: merge grading results into nbgrader's own gradebook.

Jobs never touch the gradebook; they return results, and this module writes them
all from one process, so SQLite never sees two writers (nbgrader #174). The
assignment's structure (notebooks, grade cells, solution cells) is written the way
`nbgrader generate_assignment` would, so formgrader and `nbgrader export` work on
the result. Writing is idempotent: running it twice leaves the same gradebook.

Example:

>>> record("sqlite:///out/gradebook.db", specs, results)   # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import nbgrader.api
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.dbutil import ALEMBIC_DIR
from nbgrader.utils import compute_checksum

from autograder.spec import nbgrader_meta


def alembic_head() -> str:
    """nbgrader's newest gradebook schema revision, read in this process.

    nbgrader stamps a new gradebook with it, found by running `alembic heads` in a
    subprocess (`nbgrader.api.get_alembic_version`): a second Python start, about 1.1 s
    of every run into a fresh output folder. This reads the same migration scripts.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


def _notebook_id(spec) -> str:
    return spec.name.removesuffix(".ipynb")


def _write_structure(gb, assignment_spec):
    assignment_id = assignment_spec.assignment_id
    gb.update_or_create_assignment(assignment_id)
    for spec in assignment_spec.notebooks:
        notebook_id = _notebook_id(spec)
        gb.update_or_create_notebook(notebook_id, assignment_id)
        for cell in spec.notebook.cells:
            meta = nbgrader_meta(cell)
            grade_id = meta.get("grade_id")
            if not grade_id:
                continue
            if meta.get("grade"):
                gb.update_or_create_grade_cell(grade_id, notebook_id, assignment_id,
                                               max_score=float(meta.get("points", 0)),
                                               cell_type=cell.cell_type)
            if meta.get("solution"):
                gb.update_or_create_solution_cell(grade_id, notebook_id, assignment_id)
            gb.update_or_create_source_cell(
                grade_id, notebook_id, assignment_id, cell_type=cell.cell_type,
                locked=bool(meta.get("locked")), source=cell.source,
                checksum=compute_checksum(cell))


def record(db_url: str, specs: dict, results: list[dict]) -> int:
    """Write every result with a score into the gradebook at `db_url`.

    Args:
        db_url: an SQLAlchemy URL (`sqlite:///path/gradebook.db`, `postgresql://...`).
        specs: assignment id -> `AssignmentSpec`, for every assignment in `results`.
        results: the dicts `autograder.job.grade` returns.

    Returns:
        The number of submissions written.
    """
    written = 0
    nbgrader.api.get_alembic_version = alembic_head     # the same answer, 1 s sooner
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        # nbgrader's add_submission trips SQLAlchemy's autoflush warnings; they are benign.
        warnings.simplefilter("ignore")
        for assignment_id in sorted({r["assignment_id"] for r in results} & set(specs)):
            _write_structure(gb, specs[assignment_id])
        for result in results:
            if result["assignment_id"] not in specs or result["status"] == "error":
                continue
            student_id, assignment_id = result["student_id"], result["assignment_id"]
            gb.update_or_create_student(student_id)
            gb.update_or_create_submission(assignment_id, student_id)
            for notebook in result["notebooks"]:
                notebook_id = notebook["notebook"].removesuffix(".ipynb")
                spec = next(s for s in specs[assignment_id].notebooks
                            if _notebook_id(s) == notebook_id)
                for test in spec.tests:
                    grade = gb.find_grade(test.grade_id, notebook_id, assignment_id,
                                          student_id)
                    grade.auto_score = notebook["tests"].get(test.grade_id, {}).get(
                        "score", 0.0)
                    grade.needs_manual_grade = grade.manual_score is not None
                for grade_id in spec.solution_ids:
                    try:
                        comment = gb.find_comment(grade_id, notebook_id, assignment_id,
                                                  student_id)
                    except MissingEntry:
                        continue
                    comment.auto_comment = "; ".join(notebook["notes"])[:4000] or None
            written += 1
        gb.db.commit()
    return written
