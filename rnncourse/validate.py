"""Check an exercise notebook before submitting it, the way the grader runs it.

`python -m rnncourse validate NOTEBOOK.ipynb` runs the whole notebook from top to
bottom in a fresh kernel (as the autograder does: every cell in order, a time limit
per cell), then reports each graded test cell: passed, or the failure message with
its hint. It exits with status 1 when any visible test fails (unlike
`nbgrader validate`, which exits 0), so scripts and CI can rely on it, and 2 when the
notebook cannot be read or run. The notebook file itself is never changed.

Only the visible tests run: the grader also runs hidden tests, with more cases of
the same kinds.

Example:

    $ python -m rnncourse validate forward_pass.ipynb
    test_rnn_cell_forward    2 pts  passed
    test_rnn_forward         3 pts  FAILED
        AssertionError: rnn_forward failed on case 1 of 1 (...)
        Hint (kernel_transposed): ...
    1 of 2 visible tests pass (2 of 5 points).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CELL_TIMEOUT = 60           # seconds per cell, the grader's default


@dataclass(frozen=True)
class TestResult:
    """The outcome of one graded test cell.

    Attributes:
        grade_id: the cell's nbgrader id, e.g. "test_rnn_forward".
        points: what the cell is worth.
        passed: no error and nothing written to stderr (nbgrader's rule).
        message: why it failed ("" when it passed).
    """

    grade_id: str
    points: float
    passed: bool
    message: str


class NotebookError(Exception):
    """The notebook cannot be read or run."""


def _read(path: Path):
    import nbformat

    try:
        notebook = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
        if notebook.nbformat < 4:
            notebook = nbformat.convert(notebook, 4)   # Jupyter saves old notebooks as 3
        nbformat.validate(notebook)
    except FileNotFoundError:
        raise NotebookError(f"{path}: no such file") from None
    except Exception as err:  # noqa: BLE001 - any reading problem is reported the same way
        raise NotebookError(f"{path} is not a readable Jupyter notebook "
                            f"({type(err).__name__}: {str(err)[:300]})") from None
    return notebook


def _grade_cells(notebook) -> list:
    cells = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            cells.append(cell)
    return cells


def _outcome(cell) -> TestResult:
    meta = cell.metadata["nbgrader"]
    message = ""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
            break
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            message = ("the cell wrote to stderr, which the grader counts as a failure:\n"
                       + "".join(output.get("text", ""))[:2000])
    if not cell.get("outputs") and cell.get("execution_count") is None:
        message = "the cell did not run (an earlier cell stopped the notebook)"
    return TestResult(str(meta.get("grade_id", "?")), float(meta.get("points", 0) or 0),
                      not message, message)


@contextlib.contextmanager
def _kernel_manager():
    """A kernel manager for one run: over Unix sockets in a private folder where there
    are Unix sockets. Jupyter's default, TCP on localhost, warns the student that it is
    unencrypted, and picks ports that another program may take before the kernel binds
    them."""
    from jupyter_client.manager import KernelManager

    if os.name != "posix":
        yield KernelManager(kernel_name="python3")
        return
    with tempfile.TemporaryDirectory(prefix="rnnv") as folder:   # a socket path is short
        yield KernelManager(kernel_name="python3", transport="ipc",
                            ip=os.path.join(folder, "k"))


def _execute(client) -> None:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError) as err:
        # The cells that ran keep their outputs; those after it did not run.
        print(f"note: {type(err).__name__}: {str(err)[:300]}", file=sys.stderr)
    except Exception as err:  # noqa: BLE001 - a kernel that cannot start, for example
        raise NotebookError(f"the notebook could not be run: {type(err).__name__}: "
                            f"{str(err)[:300]}") from None


def validate(path, timeout: float = CELL_TIMEOUT) -> tuple[list[TestResult], list[str]]:
    """Run the notebook at `path` in a fresh kernel and grade its visible tests.

    Args:
        path: the exercise notebook (.ipynb); it is not modified.
        timeout: seconds each cell may run.

    Returns:
        `(tests, cell_errors)`: one `TestResult` per graded test cell, in notebook
        order, and a line for each other cell that raised (an answer cell that does
        not run makes its test fail with a NameError; this says why).

    Raises:
        NotebookError: the file is not a notebook, has no graded tests, or the kernel
            could not run it.
    """
    from nbclient import NotebookClient

    path = Path(path)
    notebook = _read(path)
    if not _grade_cells(notebook):
        raise NotebookError(f"{path} has no graded test cells: is it an exercise notebook "
                            f"of the course?")
    for cell in notebook.cells:           # start clean: saved outputs are not results
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with _kernel_manager() as km:
        client = NotebookClient(notebook, km=km, timeout=timeout, kernel_name="python3",
                                allow_errors=True, interrupt_on_timeout=True,
                                iopub_timeout=60,   # a busy machine must not lose outputs
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        _execute(client)
    errors = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                label = meta.get("grade_id") or f"starting {cell.source[:40]!r}"
                errors.append(f"cell {label} raised {output.get('ename', 'Error')}: "
                              f"{str(output.get('evalue', ''))[:300]}")
    return [_outcome(cell) for cell in _grade_cells(notebook)], errors


def report(results: list[TestResult], cell_errors: list[str] = ()) -> str:
    """The text `main` prints: errors outside the tests, then one line per test with the
    failure messages indented, then a total."""
    width = max(len(r.grade_id) for r in results)
    lines = [f"note: {error}" for error in cell_errors]
    for r in results:
        lines.append(f"{r.grade_id:{width}}  {r.points:g} pts  "
                     f"{'passed' if r.passed else 'FAILED'}")
        lines += ["    " + line for line in r.message.splitlines()]
    passed = [r for r in results if r.passed]
    points = sum(r.points for r in passed)
    total = sum(r.points for r in results)
    lines.append(f"{len(passed)} of {len(results)} visible tests pass ({points:g} of "
                 f"{total:g} points). When graded, hidden tests check more cases of the "
                 f"same kinds.")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse validate",
        description="Run an exercise notebook as the grader does and report every "
                    "visible test. Exit status: 0 all pass, 1 some fail, 2 cannot run.")
    parser.add_argument("notebook", help="the .ipynb file to check")
    parser.add_argument("--timeout", type=float, default=CELL_TIMEOUT,
                        help=f"seconds each cell may run (default {CELL_TIMEOUT})")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        results, cell_errors = validate(args.notebook, args.timeout)
    except NotebookError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report(results, cell_errors))
    return 0 if all(r.passed for r in results) else 1


__all__ = ["NotebookError", "TestResult", "main", "report", "validate"]
