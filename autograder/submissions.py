"""Finding submissions in nbgrader's layout, and reading them defensively.

`SUBMITTED/<student_id>/<assignment_id>/<notebook>.ipynb` is nbgrader's layout.
Nothing found there is trusted: a file may be truncated, renamed, huge or not a
notebook at all, and its cells may be edited, deleted or duplicated. `merge`
rebuilds the notebook to grade from the instructor's source: the student's
solution cells and the cells they added, with every locked and test cell taken
from the source, and a note for each difference.

Example:

>>> jobs = discover(Path("submitted"), ["01_forward_pass"])     # doctest: +SKIP
>>> jobs[0].student_id, jobs[0].assignment_id                    # doctest: +SKIP
('alice', '01_forward_pass')
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.spec import HIDDEN, NotebookSpec, defined_names, nbgrader_meta, strip_solution

MAX_FILE_BYTES = 200 << 20       # a file this large is not read at all
MAX_NOTEBOOK_BYTES = 20 << 20    # what is left once saved outputs are dropped
MAX_ADDED_CELLS = 100            # code cells a student may add; the rest are not run


@dataclass(frozen=True)
class Job:
    """One student's submission of one assignment: the unit of grading."""

    student_id: str
    assignment_id: str
    folder: str                       # SUBMITTED/<student>/<assignment>

    @property
    def key(self) -> tuple[str, str]:
        return (self.student_id, self.assignment_id)


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "__"))


def discover(submitted: Path, only: list[str] | None = None) -> list[Job]:
    """Every (student, assignment) folder under `submitted`, sorted.

    Args:
        submitted: nbgrader's `submitted/` folder.
        only: keep only these assignment ids.

    Raises:
        FileNotFoundError: `submitted` is not a folder.
    """
    submitted = Path(submitted)
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} is not a folder of submissions")
    jobs = []
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and _visible(p)):
        for folder in sorted(p for p in student.iterdir() if p.is_dir() and _visible(p)):
            if only and folder.name not in only:
                continue
            jobs.append(Job(student.name, folder.name, str(folder)))
    return jobs


def fingerprint(folder: Path) -> str:
    """A digest of every file in a submission folder (what grading depends on)."""
    digest = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(folder)):     # links to folders are not followed
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            if path.is_symlink():       # never followed: it may point anywhere
                digest.update(os.readlink(path).encode())
            elif path.is_file():
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class BadNotebook(Exception):
    """The file is not a notebook that can be graded."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and sanity-check a submitted notebook. Raises BadNotebook with a reason."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BadNotebook(f"{path.name} is {size / 2**20:.0f} MiB, more than the "
                          f"{MAX_FILE_BYTES >> 20} MiB a notebook file may be")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadNotebook(f"{path.name} is not text (UTF-8): is it a notebook?") from None
    except RecursionError:
        raise BadNotebook(f"{path.name} is nested too deeply to be a notebook") from None
    except json.JSONDecodeError as err:
        # A cut-off file fails at its end, or inside a string that runs to its end (the
        # error then points at where that string starts, which may be far back).
        cut = err.pos >= len(raw.rstrip()) - 200 or err.msg.startswith("Unterminated string")
        where = "it ends too early (a half-written or cut-off file?)" if cut else \
            f"line {err.lineno}, column {err.colno}: {err.msg}"
        raise BadNotebook(f"{path.name} is not valid JSON: {where}") from None
    if isinstance(data, dict) and data.get("nbformat") == 3 and "worksheets" in data:
        # An old Jupyter's format: upgrade it (nbgrader metadata is kept), never reject it.
        try:
            data = json.loads(nbformat.writes(nbformat.convert(nbformat.from_dict(data), 4)))
        except Exception as err:  # noqa: BLE001 - nbformat raises many kinds
            raise BadNotebook(f"{path.name} is an nbformat 3 notebook that could not be "
                              f"upgraded: {err}"[:300]) from None
    if isinstance(data, dict) and isinstance(data.get("cells"), list):
        # Saved outputs are never graded (the kernel run makes its own): drop them first,
        # so a notebook saved with large outputs is not refused for its size.
        for cell in data["cells"]:
            if isinstance(cell, dict) and "outputs" in cell:
                cell["outputs"], cell["execution_count"] = [], None
        left = len(json.dumps(data))
        if left > MAX_NOTEBOOK_BYTES:
            raise BadNotebook(f"{path.name} holds {left / 2**20:.0f} MiB of code and text, "
                              f"more than the {MAX_NOTEBOOK_BYTES >> 20} MiB a notebook may")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise BadNotebook(f"{path.name} is JSON but not a notebook (it has no list of cells)")
    for index, cell in enumerate(data["cells"]):
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if not isinstance(cell, dict) or cell.get("cell_type") not in (
                "code", "markdown", "raw") or not (
                isinstance(source, str) or isinstance(source, list)
                and all(isinstance(line, str) for line in source)):
            raise BadNotebook(f"cell {index + 1} of {path.name} is not a notebook cell")
    try:
        notebook = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as err:  # noqa: BLE001 - nbformat raises many kinds
        raise BadNotebook(f"{path.name} could not be read as a notebook: {err}"[:300]) from None
    taken = {c.get("id") for c in data["cells"]}
    for index, (raw, cell) in enumerate(zip(data["cells"], notebook.cells)):
        if isinstance(cell.source, list):
            cell.source = "".join(cell.source)
        if not isinstance(cell.get("metadata"), dict):
            cell.metadata = nbformat.NotebookNode()
        if "id" in cell and raw.get("id") != cell.id:
            # nbformat gave a cell without an id a random one: make it the same on every
            # run, so grading the same file twice writes the same bytes.
            digest = hashlib.sha256(f"{index}:{cell.source}".encode()).hexdigest()
            cell.id = next(digest[i:i + 8] for i in range(0, 56, 8)
                           if digest[i:i + 8] not in taken)
            taken.add(cell.id)
    return notebook


def _grade_ids(notebook) -> set[str]:
    return {nbgrader_meta(c).get("grade_id") for c in notebook.cells} - {None}


def locate(folder: Path, spec: NotebookSpec, taken: set[str]) -> tuple[Path | None, str]:
    """Find the file holding `spec`'s notebook in a submission folder.

    Returns:
        `(path, note)`: the file (None if there is none) and a note when it was found
        under another name (e.g. "Copy of forward_pass.ipynb").
    """
    expected = Path(folder) / spec.name
    if expected.is_symlink():
        return None, f"{spec.name} is a link, not a file: it was not followed"
    if expected.is_file():
        return expected, ""
    wanted = {t.grade_id for t in spec.tests} | set(spec.solution_ids)
    best, best_overlap = None, 0
    for path in sorted(Path(folder).glob("*.ipynb")):
        if path.name in taken or path.is_symlink():
            continue
        try:
            overlap = len(_grade_ids(read_notebook(path)) & wanted)
        except (BadNotebook, OSError):
            continue
        if overlap > best_overlap:
            best, best_overlap = path, overlap
    if best is None:
        return None, f"{spec.name} is missing from the submission"
    return best, (f"{spec.name} was submitted as '{best.relative_to(folder)}'; it was graded "
                  f"under its proper name (please keep the file name next time)")


@dataclass
class Merged:
    """The notebook to grade, and what had to be repaired to get it."""

    notebook: nbformat.NotebookNode
    student_cells: list[tuple[str, str]]     # (label, source) of code the student wrote
    notes: list[str] = field(default_factory=list)
    tests_touched: list[str] = field(default_factory=list)   # test cells edited or deleted


def normal(source: str) -> str:
    """A cell's source with trailing spaces and blank lines left out (they do not count
    as an edit)."""
    return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def _first_added_code_cells(added: dict) -> list:
    """The code cells a student added, up to `MAX_ADDED_CELLS` (in notebook order)."""
    return [c for cells in added.values() for c in cells if c.cell_type == "code"][
        :MAX_ADDED_CELLS]


def _retyped_answers(spec: NotebookSpec, theirs: dict, added: dict) -> dict:
    """Deleted answer cells whose functions the student typed again in a new cell:
    solution grade_id -> that (last such) cell."""
    found = {}
    for grade_id in spec.solution_ids:
        wanted = set(spec.student_names.get(grade_id, []))
        if grade_id in theirs or not wanted:
            continue
        for cell in (c for cells in added.values() for c in cells):
            if cell.cell_type != "code":
                continue
            try:
                if wanted <= set(defined_names(cell.source)):
                    found[grade_id] = cell
            except SyntaxError:
                continue
    return found


def merge(submitted: nbformat.NotebookNode, spec: NotebookSpec,
          released_as=None) -> Merged:
    """Rebuild the notebook to grade from the source and the student's cells.

    Args:
        submitted: the student's notebook.
        spec: its source.
        released_as: `history.earlier_releases(source path)`, if a locked cell that differs
            from the source may be one that an earlier release of the course handed out
            (then it is not the student's edit).
    """
    source_ids = [nbgrader_meta(c).get("grade_id") for c in spec.notebook.cells]
    tests = {t.grade_id: t for t in spec.tests}
    theirs: dict[str, list] = {}
    added: dict[str | None, list] = {}       # anchor grade_id -> cells added after it
    anchor = None
    for cell in submitted.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in source_ids:
            theirs.setdefault(grade_id, []).append(cell)
            anchor = grade_id
        else:
            added.setdefault(anchor, []).append(cell)

    notes, touched, cells, student_cells = [], [], [], []
    retyped = _retyped_answers(spec, theirs, added)

    kept = _first_added_code_cells(added)

    def add_student_cells(after):
        for cell in added.get(after, []):
            if any(cell is found for found in retyped.values()) or \
                    (cell.cell_type == "code" and not any(cell is k for k in kept)):
                continue                # stands in for a deleted answer, or one too many
            cell = copy.deepcopy(cell)
            cell.metadata.pop("nbgrader", None)   # a copied cell must not claim a grade id
            cells.append(cell)
            if cell.cell_type == "code":
                student_cells.append((f"added after {after or 'the start'}", cell.source))

    extra = sum(c.cell_type == "code" for cells in added.values() for c in cells) - len(kept)
    if extra > 0:
        notes.append(f"you added {len(kept) + extra} code cells; only the first "
                     f"{MAX_ADDED_CELLS} were run")
    add_student_cells(None)
    for original in spec.notebook.cells:
        meta = nbgrader_meta(original)
        grade_id = meta.get("grade_id")
        copies = theirs.get(grade_id, [])
        if meta.get("solution"):
            cell = copy.deepcopy(original)
            if copies:
                if len(copies) > 1:
                    notes.append(f"cell {grade_id} appears {len(copies)} times; the last "
                                 f"one was graded")
                cell.source = copies[-1].source
            elif grade_id in retyped:
                notes.append(f"your answer cell {grade_id} was deleted; "
                             f"{', '.join(spec.student_names[grade_id])} was found in a cell "
                             f"you added, and graded there")
                cell.source = retyped[grade_id].source
            else:
                notes.append(f"your answer cell {grade_id} was deleted; it was graded as "
                             f"unanswered")
                cell.source = strip_solution(original.source)
            cell.outputs = [] if cell.cell_type == "code" else cell.get("outputs")
            cells.append(cell)
            if cell.cell_type == "code":
                student_cells.append((grade_id, cell.source))
        else:
            cell = copy.deepcopy(original)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
            if grade_id and meta.get("locked", True):
                released = HIDDEN.sub("", original.source) if grade_id in tests else \
                    original.source
                edited = [c.source for c in copies if normal(c.source) != normal(released)]
                # An edit that an earlier release of the course made is the instructor's.
                when = released_as(grade_id, edited) if edited and released_as else None
                if not copies:
                    notes.append(f"locked cell {grade_id} was deleted; the original was "
                                 f"restored")
                elif when:
                    notes.append(f"cell {grade_id} is as released in {when}, and has "
                                 f"changed since; the current version was used")
                elif edited:
                    notes.append(f"locked cell {grade_id} was edited; the original was "
                                 f"restored")
                elif len(copies) > 1:
                    notes.append(f"cell {grade_id} appears {len(copies)} times; the "
                                 f"original was used once")
                if grade_id in tests and (not copies or (edited and not when)):
                    touched.append(grade_id)
        if grade_id:
            add_student_cells(grade_id)
    notebook = copy.deepcopy(spec.notebook)
    notebook.cells = cells
    return Merged(notebook, student_cells, notes, touched)
