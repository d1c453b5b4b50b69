"""Run a submission the way nbgrader does: in a Jupyter kernel, cell by cell.

This is the in-kernel run. Its outputs are what the student sees in the
feedback, and its test results are compared with the clean verdict
(`autograder.clean_run`) to detect tampering. It never decides a score.

The kernel runs in a room (`autograder.jail`), started by `inside/kernel_launcher.py`,
and talks to the grader over Unix sockets in a folder shared with the room (a room
has no network, so no TCP).
Each cell gets `timeout` seconds and is then interrupted; when the next cell runs past
its limit too (the interrupt did not bring the kernel back), the kernel is stopped,
and a kernel that outlives the whole run's budget is killed. Output beyond
`max_output_bytes` per cell is dropped, with a note.

Example:

>>> result = execute(notebook, room, timeout=30)                            # doctest: +SKIP
>>> result.died, result.timed_out                                           # doctest: +SKIP
(False, [])
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.jail import Room

KERNEL_NAME = "rnncourse-grader"
NOTEBOOK_OUTPUT_CELLS = 4       # a notebook keeps at most 4 cells' worth of output
ERROR_CHARS = 10_000            # of an error's message, and of each traceback line
STARTUP_SECONDS = 60


@dataclass
class KernelResult:
    notebook: nbformat.NotebookNode
    died: str = ""                                  # why the kernel died, if it did
    timed_out: list[int] = field(default_factory=list)   # indices of interrupted cells
    completed: list[int] = field(default_factory=list)   # indices of cells that finished
    truncated: list[int] = field(default_factory=list)   # indices of cells whose output was cut
    stuck: bool = False             # stopped because a cell ignored the interrupt
    forged: bool = False            # stopped because the kernel sent unreadable messages


def _kernel_spec_dir(room: Room) -> str:
    """A kernelspec whose command starts our launcher in `room`."""
    spec = room.scratch / "kernelspec" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    argv = room.command([sys.executable, "-I", room.script("kernel_launcher.py"),
                         "-f", "{connection_file}"])
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "rnncourse grader", "language": "python",
        # A signal to our process group would stop at bubblewrap: ask the kernel instead.
        "interrupt_mode": "message"}))
    return str(spec.parent)


class _GradingClient(NotebookClient):
    """nbclient, plus a per-cell output cap and a record of interrupted cells."""

    def __init__(self, *args, max_output_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_output_bytes = max_output_bytes
        self.output_bytes: dict[int, int] = {}
        self.truncated: set[int] = set()
        self.timed_out: list[int] = []
        self.completed: list[int] = []
        self._cell_index = None
        self._timeouts_in_a_row = 0

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        self._cell_index = cell_index
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        self.completed.append(cell_index)     # a cell the kernel died in never gets here
        if cell_index not in self.timed_out:
            self._timeouts_in_a_row = 0
        return result

    async def _async_handle_timeout(self, timeout, cell=None):
        if self._cell_index is not None:
            self.timed_out.append(self._cell_index)
        self._timeouts_in_a_row += 1
        if self._timeouts_in_a_row >= 2:
            # The interrupt did not bring the kernel back (a cell that swallows it, or a
            # kernel whose channels the student broke): every later cell would wait its
            # whole limit too. Stop here.
            raise CellTimeoutError("two cells in a row ran past the time limit")
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        if msg.get("msg_type") == "error":
            # Always kept, whatever was printed before: a test that failed must show it.
            # Its text is the student's, so it is cut to a size that fits a page.
            content = dict(msg.get("content", {}))
            content["evalue"] = str(content.get("evalue", ""))[:ERROR_CHARS]
            content["traceback"] = [str(line)[:ERROR_CHARS]
                                    for line in list(content.get("traceback") or [])[:50]]
            return super().output(outs, {**msg, "content": content}, display_id, cell_index)
        size = len(json.dumps(msg.get("content", {})))
        used = self.output_bytes.get(cell_index, 0) + size
        self.output_bytes[cell_index] = used
        # Per cell, and for the whole notebook (however many cells a student adds).
        if used > self.max_output_bytes or \
                sum(self.output_bytes.values()) > NOTEBOOK_OUTPUT_CELLS * self.max_output_bytes:
            self.truncated.add(cell_index)
            return None
        return super().output(outs, msg, display_id, cell_index)


def execute(notebook, room: Room, *, timeout, max_output_bytes=1 << 20,
            reference_cache=None, hidden=(), visible=(), expected_cells=None) -> KernelResult:
    """Execute `notebook` (changed in place) in a kernel in `room`.

    Args:
        notebook: the notebook to run, as nbformat v4.
        room: the `autograder.jail.Room` of the kernel: its limits, its working folder
            (the only place it may write), and a `sockets/` folder shared with it.
        timeout: seconds per cell before the cell is interrupted.
        max_output_bytes: output kept per cell.
        reference_cache: a file of Keras reference outputs (`rnncourse.reference_cache`).
        hidden, visible: folders the student's code may not read, and exceptions.
        expected_cells: the source notebook's number of code cells; the whole run may
            take `timeout` for each and a few more, however many cells a student adds.

    Returns:
        A `KernelResult`.
    """
    visible = [str(p) for p in visible] + [room.workdir]
    extra = {}
    if reference_cache:
        extra["RNNCOURSE_REFERENCE_CACHE"] = str(reference_cache)
        visible.append(os.path.dirname(os.path.abspath(reference_cache)))
    env = room.env(RNNCOURSE_KERNEL_HIDDEN=os.pathsep.join(str(p) for p in hidden),
                   RNNCOURSE_KERNEL_VISIBLE=os.pathsep.join(visible), **extra)
    sockets = room.scratch / "sockets"      # shared with the room: no TCP in there
    sockets.mkdir(exist_ok=True)
    room.shared_rw.append(sockets)
    if reference_cache:
        room.shared_ro.append(Path(reference_cache).resolve())
    km = AsyncKernelManager(
        kernel_name=KERNEL_NAME, transport="ipc", ip=str(sockets / "kernel"),
        connection_file=str(sockets / "connection.json"),
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[_kernel_spec_dir(room)]))
    client = _GradingClient(
        notebook, km=km, timeout=timeout, startup_timeout=STARTUP_SECONDS, allow_errors=True,
        interrupt_on_timeout=True, max_output_bytes=max_output_bytes,
        # nbclient stops collecting a cell's outputs 4 s after its reply by default; on a
        # busy machine that could drop an error output and change a verdict.
        iopub_timeout=60,
        record_timing=False,    # no clock times: the same submission gives the same file
        error_on_timeout={"ename": "TimeoutError",
                          "evalue": f"this cell ran for more than {timeout:g} s and was stopped",
                          "traceback": []},
        resources={"metadata": {"path": str(room.scratch)}})
    result = KernelResult(notebook)
    code_cells = expected_cells or sum(c.cell_type == "code" for c in notebook.cells)
    budget = STARTUP_SECONDS + (timeout + 5) * (code_cells + 3)
    killed = threading.Event()

    def kill_kernel():
        killed.set()
        with contextlib.suppress(Exception):
            os.killpg(km.provisioner.process.pid, signal.SIGKILL)

    watchdog = threading.Timer(budget, kill_kernel)
    watchdog.start()
    try:
        client.execute(env=env, cwd=str(room.scratch), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    except DeadKernelError:
        result.died = (f"the kernel was stopped after {budget:.0f} s in all (a cell ignored "
                       f"the interrupt after a timeout, or the cells took too long together)"
                       if killed.is_set() else
                       "the kernel died (os._exit, exit(), a crash, or the memory cap)")
    except CellTimeoutError:
        result.stuck = True
        result.died = ("a cell ran past the time limit and the kernel did not come back after "
                       "the interrupt; it was stopped")
    except RuntimeError as err:      # e.g. the kernel could not start
        result.died = f"the kernel failed: {err}"[:500]
    except Exception as err:  # noqa: BLE001 - what the kernel sends is the student's
        # A message jupyter_client cannot parse (bad framing, a bad signature): student
        # code wrote into the kernel's own sockets. That is their run's end, not ours.
        result.forged = True
        result.died = (f"the kernel sent the grader messages it could not read "
                       f"({type(err).__name__}); the kernel run stopped there")
    finally:
        watchdog.cancel()
        # Kill the room, never ask: `shutdown_kernel` first sends an interrupt message,
        # which blocks forever on a kernel whose sockets the student broke.
        kill_kernel()
        with contextlib.suppress(Exception):
            km.provisioner.process.wait(timeout=30)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()
    result.timed_out = sorted(set(client.timed_out))
    result.completed = sorted(set(client.completed) - set(client.timed_out))
    result.truncated = sorted(client.truncated)
    for index in result.truncated:
        notebook.cells[index].outputs.append(nbformat.v4.new_output(
            "stream", name="stdout",
            text=f"\n[output truncated: more than {max_output_bytes // 1024} KiB]\n"))
    return result
