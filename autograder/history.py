"""Was a locked cell released like this before? The course's git history says.

An instructor who fixes a test after releasing an assignment changes the cell that every
student already holds. Without this module, each honest submission would then show that
cell as edited by the student (`tampered`). Here the grader reads the earlier versions of
the source notebook from the course's own git history, which no student can write, and
recognises a cell that one of them released exactly so.

Example:

>>> released_as = earlier_releases(Path("notebooks/01_forward_pass/forward_pass.ipynb"))
>>> released_as("test_rnn_forward", [old_source])                  # doctest: +SKIP
'commit 1dc554a of 2026-11-29'
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat

from autograder.spec import HIDDEN, NOTEBOOKS, nbgrader_meta
from autograder.submissions import normal

MAX_VERSIONS = 200          # the newest commits of the notebook that are read


def _git(repo: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                              text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _released_cells(text: str) -> dict[str, str]:
    """{grade_id: source as released} of the locked cells of one notebook version."""
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable old version released nothing
        return {}
    cells = {}
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade_id") and not meta.get("solution"):
            cells[meta["grade_id"]] = normal(HIDDEN.sub("", cell.source))
    return cells


@functools.lru_cache(maxsize=64)        # per grading process: history does not move
def _versions(notebook: Path, repo: Path) -> list[tuple[str, dict[str, str]]]:
    """(commit of date, {grade_id: released source}) of the notebook's versions, newest
    first."""
    try:
        relative = notebook.resolve().relative_to(repo.resolve())
    except ValueError:
        return []
    log = _git(repo, "log", f"-n{MAX_VERSIONS}", "--format=%h %cs", "--", str(relative))
    found = []
    for line in (log or "").splitlines():
        commit, _, date = line.partition(" ")
        text = _git(repo, "show", f"{commit}:{relative.as_posix()}")
        if text is not None:
            found.append((f"commit {commit} of {date}", _released_cells(text)))
    return found


def earlier_releases(notebook: Path, repo: Path = NOTEBOOKS.parent,
                     ) -> Callable[[str, list[str]], str | None]:
    """A function `(grade_id, sources) -> str | None` for one source notebook.

    It returns the commit (`commit <hash> of <date>`) of the newest version of `notebook`
    in the course's history whose cell `grade_id`, as released, equals every one of
    `sources`; None if none does, or if there is no git history (e.g. on a Dask worker
    without the repository). The history is read on the first call only.

    Args:
        notebook: the source notebook, inside `repo`.
        repo: the course repository (the one that holds `notebooks/`).
    """
    def released_as(grade_id: str, sources: list[str]) -> str | None:
        wanted = {normal(s) for s in sources}
        if len(wanted) != 1:
            return None
        for when, cells in _versions(Path(notebook), Path(repo)):
            if cells.get(grade_id) in wanted:
                return when
        return None

    return released_as
