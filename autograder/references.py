"""Keras's reference outputs for a grading run, computed once and checked.

Every test cell of the from-scratch assignments compares a student's function
with `rnncourse.reference` on fixed, seeded cases. So before grading, the
instructor's own solutions are run through the clean run once, recording every
reference output (`rnncourse.reference_cache`). That run is also a self-test:
if a solution fails its own tests, grading stops before any student's answer is
compared with it (the run computes the table while its workers grade the Keras
assignments, which do not use it; `autograder.engine`).

The table is stored under the output folder, keyed by the notebooks, the
rnncourse sources and the Keras version, so later runs reuse it. Beside it, the
visible table holds only the calls that the setup cells and the visible tests make:
the kernel run, where student code runs, gets that one, so no hidden case's input
or Keras output is ever within a student's reach.

Example:

>>> table, path, visible_path = reference_table(specs, Path("out/.cache"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import rnncourse
from autograder import clean_run, jail
from autograder.spec import nbgrader_meta
from rnncourse import reference_cache


class SolutionFails(RuntimeError):
    """The instructor's solution does not pass its own tests."""


def _key(specs) -> str:
    digest = hashlib.sha256()
    for spec in specs:
        for notebook in spec.notebooks:
            digest.update(repr([c.source for c in notebook.notebook.cells]).encode())
    for path in sorted(Path(rnncourse.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    from importlib.metadata import version

    digest.update(f"{version('keras')} {version('tensorflow')}".encode())
    return digest.hexdigest()[:16]


def solution_cells(notebook_spec) -> list[tuple[str, str]]:
    return [(nbgrader_meta(c)["grade_id"], c.source) for c in notebook_spec.notebook.cells
            if nbgrader_meta(c).get("solution")]


def table_paths(specs, cache_dir: Path) -> tuple[Path, Path]:
    """Where `reference_table` keeps the table of `specs` and its visible part.

    Example:

    >>> path, visible_path = table_paths(specs, Path("out/.cache"))    # doctest: +SKIP
    """
    path = Path(cache_dir) / f"reference-{_key(specs)}.rnnc"
    return path, path.with_name(path.stem + "-visible.rnnc")


def reference_table(specs, cache_dir: Path, *, timeout: float = 300, isolated: bool = True):
    """Record the reference outputs of every from-scratch notebook in `specs`.

    Returns:
        `(table, path, visible_path)`: the table (key -> encoded outputs), the file it
        is saved in, and the file of its visible part (for the kernels).

    Raises:
        SolutionFails: a source solution fails one of its own tests.
    """
    path, visible_path = table_paths(specs, cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and visible_path.exists():
        return reference_cache.load(path), path, visible_path
    table: dict[str, bytes] = {}
    visible: dict[str, bytes] = {}
    for spec in specs:
        for notebook in spec.notebooks:
            if not notebook.from_scratch:
                continue
            with tempfile.TemporaryDirectory() as scratch, \
                    reference_cache.recording() as recorded:
                (Path(scratch) / "inputs").mkdir()
                (Path(scratch) / "room").mkdir()
                room = jail.Room(Path(scratch) / "room", Path(scratch) / "inputs",
                                 isolated=isolated)
                try:
                    outcomes, _, _ = clean_run.run_tests(notebook, solution_cells(notebook),
                                                         room, timeout=timeout,
                                                         visible_calls=visible)
                finally:
                    room.close()
            failed = [o for o in outcomes.values() if not o.passed]
            if failed:
                raise SolutionFails(
                    f"{spec.assignment_id}/{notebook.name}: the source solution fails "
                    f"{failed[0].grade_id}: {failed[0].message[:500]}")
            table.update(recorded)
    reference_cache.save(visible, visible_path)
    reference_cache.save(table, path)       # last: its presence means both are complete
    return table, path, visible_path
