"""What an assignment is, read from its nbgrader source notebook.

The source notebook (in `notebooks/<assignment>/`) is the only truth about an
assignment: which cells students answer (solution cells), which cells grade
them (test cells, with their hidden tests), how many points each is worth, and
which locked cells set the scene. Everything the grader trusts comes from here,
never from a submission.

Example:

>>> spec = load_assignment("01_forward_pass")
>>> [t.grade_id for t in spec.notebooks[0].tests]
['test_rnn_cell_forward', 'test_rnn_forward']
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.release import NOTEBOOKS, assignments

HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)
SOLUTION = re.compile(r"([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[ \t]*", re.S)
TF_IMPORT = re.compile(r"\b(import_tensorflow|import tensorflow|import keras|from keras)\b")


@dataclass(frozen=True)
class TestCell:
    grade_id: str
    points: float
    source: str            # with its hidden tests: the grader's copy
    visible_source: str    # as released to students

    @property
    def hidden_source(self) -> str | None:
        """The hidden tests, if they all come after the visible ones (then the visible
        part and this, run in turn, are the whole cell); None if they are mixed in."""
        found = HIDDEN.search(self.source)
        if found is None:
            return ""
        tail = self.source[found.start():]
        return tail if not HIDDEN.sub("", tail).strip() else None


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of an assignment."""

    name: str                       # e.g. "forward_pass.ipynb"
    notebook: nbformat.NotebookNode  # the source, with solutions and hidden tests
    tests: list[TestCell]
    solution_ids: list[str]         # grade_ids of the cells students write
    student_names: dict[str, list[str]]  # solution grade_id -> the names it defines
    setup_sources: list[str]        # locked code cells that are not tests, in order
    from_scratch: bool              # True unless the notebook itself uses Keras

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)

    def cell(self, grade_id: str):
        for cell in self.notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return cell
        raise KeyError(grade_id)


@dataclass(frozen=True)
class AssignmentSpec:
    assignment_id: str
    notebooks: list[NotebookSpec] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        return sum(nb.max_score for nb in self.notebooks)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def defined_names(source: str) -> list[str]:
    """The top-level functions, classes and variables a cell defines."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return names


def strip_solution(source: str) -> str:
    """The source as nbgrader releases it (for checksums and 'unchanged' detection)."""
    return SOLUTION.sub(r"\1# YOUR CODE HERE\n\1raise NotImplementedError()", source)


def load_notebook(path: Path) -> NotebookSpec:
    notebook = nbformat.read(path, as_version=4)
    tests, solution_ids, student_names, setup = [], [], {}, []
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code":
            continue
        if meta.get("grade") and not meta.get("solution"):
            tests.append(TestCell(meta["grade_id"], float(meta.get("points", 0)),
                                  cell.source, HIDDEN.sub("", cell.source)))
        elif meta.get("solution"):
            solution_ids.append(meta["grade_id"])
            student_names[meta["grade_id"]] = defined_names(cell.source)
        else:
            setup.append(cell.source)
    uses_keras = any(TF_IMPORT.search(s) for s in setup)
    return NotebookSpec(path.name, notebook, tests, solution_ids, student_names, setup,
                        from_scratch=not uses_keras)


def load_assignment(assignment_id: str, notebooks: Path = NOTEBOOKS) -> AssignmentSpec:
    """Read `notebooks/<assignment_id>/*.ipynb`. Raises ValueError for an unknown id."""
    known = assignments(notebooks)
    if assignment_id not in known:
        raise ValueError(f"unknown assignment {assignment_id!r}; known: {known}")
    paths = sorted((notebooks / assignment_id).glob("*.ipynb"))
    return AssignmentSpec(assignment_id, [load_notebook(p) for p in paths])
