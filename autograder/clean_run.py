"""The clean verdict: the instructor's tests, run where student code cannot reach.

The test cells (hidden tests included) run here, in the grader's own process,
with `check`, `reference` and NumPy that student code never touched. Each name a
solution cell defines is replaced by a proxy that calls the student's function
in a separate sandbox process (`autograder/inside/sandbox.py`, in a room of
`autograder/jail.py`) and decodes what comes
back with `rnncourse.codec`, which can carry arrays, numbers, containers, random
generators and Keras models, but never code. Monkeypatching, `sys.modules`
tricks, lying ndarray subclasses and silenced tracebacks all stay in the
sandbox, so they cannot raise a score.

Example:

>>> spec = load_assignment("01_forward_pass").notebooks[0]           # doctest: +SKIP
>>> outcomes = run_tests(spec, student_cells, workdir, timeout=30)   # doctest: +SKIP
>>> outcomes["test_rnn_forward"].passed                              # doctest: +SKIP
True
"""

from __future__ import annotations

import builtins
import contextlib
import io
import os
import select
import struct
import subprocess
import sys
import time
from dataclasses import dataclass

import numpy as np

from autograder.jail import Room
from rnncourse import codec
from rnncourse.calls import REPEAT_HOOK

MAX_REPLY_BYTES = 64 << 20      # a reply is arrays of test cases, or a small model
SEND_SECONDS = 30               # a process that stops reading is the student's failure
MAX_RESTARTS = 50       # each restart also costs the test's own time limit
STARTUP_CELL_BUDGET = 3  # all student cells together: this many cell time limits


FORGED = "wrote into the grader's channel (a message it did not ask for)"


class CellTimeout(BaseException):
    """A test cell ran past its time limit."""


class SandboxDied(RuntimeError):
    """The student's process ended (os._exit, a crash, or the memory cap)."""


class CallTimeout(RuntimeError):
    """The student's function did not return in time."""


@dataclass
class TestOutcome:
    grade_id: str
    points: float
    passed: bool
    message: str       # the error, for feedback ("" when passed)
    output: str        # what the test printed
    timed_out: bool = False
    visible_passed: bool = False   # the part students see (what the kernel runs) passed


class Sandbox:
    """A student's code in its own process, restarted when it dies.

    Args:
        setup: the instructor's locked code cells (run before the guard is installed).
        student: `(label, source)` of each cell the student wrote, in order.
        from_scratch: forbid TensorFlow, Keras, PyTorch and JAX in the process.
        room: the `autograder.jail.Room` the process runs in (its limits, its folders).
        cell_timeout: seconds each student cell may take to run.
        hidden, visible: folders the student's code may not read, and exceptions.
    """

    def __init__(self, setup, student, *, from_scratch, room: Room, cell_timeout,
                 hidden=(), visible=()):
        self.hidden, self.visible = [str(p) for p in hidden], [str(p) for p in visible]
        self.setup, self.student = list(setup), list(student)
        self.from_scratch, self.room, self.workdir = from_scratch, room, room.workdir
        self.cell_timeout = cell_timeout
        self.proc = None
        self._out = self._in = -1       # the pipe to the process and the one from it
        self.skipped: dict[str, str] = {}    # cell label -> why it was left out
        self.cell_errors: list[list[str]] = []
        self.restarts = 0
        self.seed = None
        self._garbled = False       # a reply could not be read: the stream is not trusted

    # --- process ---------------------------------------------------------------------
    def _start(self):
        self._launch()
        return self._wait_ready()

    def _launch(self):
        """Start the process and send it the cells; `_wait_ready` waits for its start-up."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        argv = self.room.command([sys.executable, "-I", self.room.script("sandbox.py"),
                                  str(to_child_r), str(from_child_w)])
        self.proc = subprocess.Popen(
            argv, pass_fds=(to_child_r, from_child_w), cwd=self.room.scratch,
            env=self.room.env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self._out, self._in = to_child_w, from_child_r
        os.set_blocking(self._out, False)        # writes wait in select, with a deadline
        self._garbled = False
        self._buffer = bytearray()
        self.started = time.monotonic()
        cells = [(label, src) for label, src in self.student if label not in self.skipped]
        self._send({"setup": self.setup, "student": cells, "from_scratch": self.from_scratch,
                    "workdir": self.workdir, "hidden": self.hidden,
                    "visible": self.visible + [self.workdir]})

    def _wait_ready(self):
        current = None
        # Start-up imports NumPy (and TensorFlow for Keras assignments) before any cell.
        deadline = time.monotonic() + 60 + self.cell_timeout
        # However many cells there are, running them all may take only this long.
        overall = time.monotonic() + 60 + STARTUP_CELL_BUDGET * self.cell_timeout
        while True:
            try:
                message = self._receive(min(deadline, overall))
            except (SandboxDied, CallTimeout) as err:
                self.kill()
                if current is None:
                    raise SandboxDied(f"the grading process could not start: {err}") from None
                if time.monotonic() >= overall:
                    raise SandboxDied(
                        f"your cells took more than {overall - self.started:.0f} s in all to "
                        f"run, before any test") from None
                why = ("ran past the time limit" if isinstance(err, CallTimeout)
                       else "ended the Python process")
                self.skipped[current] = why
                return self._restart()
            if isinstance(message, dict) and "cell" in message and not self._garbled:
                current = str(message["cell"])[:200]
                deadline = time.monotonic() + self.cell_timeout
            elif isinstance(message, dict) and "ready" in message and not self._garbled:
                self.cell_errors = _cell_errors(message["ready"])
                return None
            else:
                # Student code wrote into the channel: that cell is left out, like a crash.
                self.kill()
                if current is None:
                    raise SandboxDied("the grading process could not start: it sent "
                                      "something unexpected")
                self.skipped[current] = FORGED
                return self._restart()

    def _restart(self):
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise SandboxDied("your code ended the Python process too many times")
        return self._start()

    def kill(self):
        # Forget the process and its descriptors first: if this is interrupted (the
        # test's deadline fires), a second call must not close the same numbers again,
        # by then perhaps another file's.
        proc, fds = self.proc, (self._out, self._in)
        self.proc, self._out, self._in = None, -1, -1
        if proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, 9)
            proc.wait()
            for fd in fds:
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)

    close = kill

    # --- messages --------------------------------------------------------------------
    def _send(self, value):
        data = codec.dumps(value)
        view = memoryview(struct.pack("<I", len(data)) + data)
        deadline = time.monotonic() + SEND_SECONDS
        try:
            while view:     # write first (most messages go at once), wait only when full
                try:
                    view = view[os.write(self._out, view[:1 << 16]):]
                    continue
                except BlockingIOError:
                    pass
                wait = deadline - time.monotonic()
                _, ready, _ = select.select([], [self._out], [], max(wait, 0))
                if not ready:
                    raise SandboxDied("your code stopped reading from the grader")
        except OSError:
            raise SandboxDied("your code ended the Python process") from None

    def _read(self, n, deadline):
        # Buffered: one read usually brings a whole small reply (header and payload), and
        # the sampler test makes tens of thousands of calls.
        while len(self._buffer) < n:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise CallTimeout("ran past the time limit")
            ready, _, _ = select.select([self._in], [], [], wait)
            if not ready:
                continue
            chunk = os.read(self._in, max(n - len(self._buffer), 1 << 16))
            if not chunk:
                raise SandboxDied("your code ended the Python process")
            self._buffer += chunk
        data, self._buffer = bytes(self._buffer[:n]), self._buffer[n:]
        return data

    def _receive(self, deadline):
        (length,) = struct.unpack("<I", self._read(4, deadline))
        if length > MAX_REPLY_BYTES:
            raise SandboxDied(f"the reply was {length} bytes, more than the grader accepts")
        data = self._read(length, deadline)
        try:
            # A from-scratch function has no business returning a Keras model, and loading
            # one is the only decoding step that is more than reading numbers.
            return codec.loads(data, allow_keras=not self.from_scratch)
        except codec.DecodeError as err:
            self._garbled = True    # perhaps forged: nothing after it is trusted
            return {"error": ["TypeError", f"the grader could not read the result: {err}"]}

    # --- calls -----------------------------------------------------------------------
    def call(self, name, args, kwargs, timeout, repeat=None):
        if self.proc is None:
            self._restart()
        try:
            if self.seed is not None:
                # The test seeded Keras before this call: seed the student's process too.
                self._send({"call": "__seed__", "args": [self.seed], "kwargs": {}})
                self._receive(time.monotonic() + timeout)
                self.seed = None
            request = {"call": name, "args": list(args), "kwargs": dict(kwargs)}
            if repeat is not None:
                request["repeat"] = int(repeat)
            self._send(request)
            reply = self._receive(time.monotonic() + timeout)
        except BaseException:       # a timeout, a death, or CellTimeout mid-call
            self.kill()
            raise
        if self._garbled or not isinstance(reply, dict) or not ("ok" in reply or
                                                                "error" in reply):
            self.kill()             # the next call starts a fresh process
            if not (isinstance(reply, dict) and "error" in reply):
                reply = {"error": ["RuntimeError", "the grading process sent a message the "
                                   "grader did not ask for"]}
        return reply


def _cell_errors(reply) -> list[list[str]]:
    """The sandbox's list of `[cell label, error]`, as text, whatever it sent."""
    if not isinstance(reply, (list, tuple)):
        return []
    return [[str(item[0])[:200], str(item[1])[:500]] for item in reply[:1000]
            if isinstance(item, (list, tuple)) and len(item) == 2]


def _builtin_exception(names):
    for name in names:
        cls = getattr(builtins, str(name), None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            return cls
    return RuntimeError


class _Deadline:
    """A test's time limit, checked at every call of a student's function.

    The calls are the only part of a test that can hang (the instructor's own code runs
    here, the student's in the sandbox), and each call waits at most for the time left.
    No timer thread injects an exception (`PyThreadState_SetAsyncExc`): in CPython 3.11
    that can leave the thread spinning at its next function call while a profiler is
    set (as `check` sets one), which failed a later, honest student's test.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self):
        return self.end - time.monotonic()

    def check(self):
        if self.remaining() <= 0:
            raise CellTimeout


def _proxy(sandbox: Sandbox, name: str, deadline_box: list):
    """A stand-in for the student's function `name` that runs it in the sandbox.

    It also offers `rnncourse.calls.repeat_calls` a way to make n calls in one exchange.
    """

    def call(args, kwargs, repeat=None):
        deadline = deadline_box[0] if deadline_box else None
        if deadline is not None:
            deadline.check()
        timeout = deadline.remaining() if deadline is not None else 60
        # The grader's own work (encoding, waiting) is not the student's: hide it from
        # check()'s from-scratch profiler. The sandbox runs that check on the real call.
        profiler = sys.getprofile()
        sys.setprofile(None)
        try:
            reply = sandbox.call(name, args, kwargs, timeout, repeat=repeat)
        except codec.EncodeError as err:
            raise RuntimeError(f"the grader could not send the arguments: {err}") from None
        except CallTimeout:
            if deadline is not None:
                raise CellTimeout from None     # the test's time ran out in this call
            raise TimeoutError(f"{name} did not return within the time limit") from None
        except SandboxDied as err:
            raise RuntimeError(f"{name}: {err}") from None
        finally:
            sys.setprofile(profiler)
        if not isinstance(reply, dict):
            raise RuntimeError(f"{name}: the grading process sent something unexpected")
        if "error" in reply:
            kind, message, bases = (list(reply["error"]) + [[]])[:3]
            cls = _builtin_exception([kind, *(bases or [])])
            text = message if cls.__name__ == kind else f"{kind}: {message}"
            raise cls(text)
        for before, after in zip(args, reply.get("after") or []):
            if isinstance(before, np.random.Generator) and \
                    isinstance(after, np.random.Generator):
                before.bit_generator.state = after.bit_generator.state
            elif after is not None and hasattr(before, "set_weights"):
                before.set_weights(after.get_weights())
        return reply.get("ok")

    def student_function(*args, **kwargs):
        return call(args, kwargs)

    def repeat(n, args, kwargs):
        results = call(tuple(args), dict(kwargs), repeat=n)
        if not isinstance(results, list) or len(results) != n:
            raise RuntimeError(f"{name}: the grading process sent something unexpected")
        return results

    student_function.__name__ = student_function.__qualname__ = name
    setattr(student_function, REPEAT_HOOK, repeat)
    return student_function


def _seed_recorder(namespace, sandbox):
    """Make `keras.utils.set_random_seed` in the tests seed the student's process too."""
    keras = namespace.get("keras")
    if keras is None:
        return
    original = keras.utils.set_random_seed

    def set_random_seed(seed):
        sandbox.seed = int(seed)
        return original(seed)

    namespace["keras"] = _KerasView(keras, set_random_seed)


class _KerasView:
    """`keras`, except that `keras.utils.set_random_seed` also seeds the sandbox."""

    def __init__(self, keras, set_random_seed):
        self._keras = keras
        self.utils = _Override(keras.utils, set_random_seed=set_random_seed)

    def __getattr__(self, name):
        return getattr(self._keras, name)


class _Override:
    def __init__(self, module, **overrides):
        self._module, self._overrides = module, overrides

    def __getattr__(self, name):
        return self._overrides.get(name) or getattr(self._module, name)


@contextlib.contextmanager
def _recording(into: dict | None):
    """Add the reference calls made inside the block to `into` (if not None)."""
    if into is None:
        yield
        return
    from rnncourse import reference_cache

    with reference_cache.recording() as calls:
        try:
            yield
        finally:
            into.update(calls)


def run_tests(spec, student_cells, room: Room, *, timeout, hidden=(), visible=(),
              visible_calls: dict | None = None):
    """Run every test cell of `spec` against the student's code in a sandbox.

    Args:
        spec: the notebook's `autograder.spec.NotebookSpec`.
        student_cells: `(label, source)` of the student's code cells, in order.
        room: the `autograder.jail.Room` the student's code runs in.
        timeout: seconds per test cell (and per student cell at start-up).
        hidden, visible: folders the student's code may not read, and exceptions.
        visible_calls: if given, receives the Keras reference calls that the setup
            and the visible tests make (`rnncourse.reference_cache`'s table format):
            all that a kernel, which runs only those, may be handed.

    Returns:
        `(outcomes, sandbox_notes)`: a `TestOutcome` per test grade_id, and notes on
        student cells that were left out because they ended the process or hung.
    """
    sandbox = Sandbox(spec.setup_sources, student_cells, from_scratch=spec.from_scratch,
                      room=room, cell_timeout=timeout, hidden=hidden, visible=visible)
    namespace = {"__name__": "__main__"}
    deadline_box: list = []
    outcomes = {}
    try:
        # The sandbox starts (imports NumPy, perhaps TensorFlow, runs the student's
        # cells) while this process runs the setup: the two start-ups overlap.
        try:
            sandbox._launch()
        except SandboxDied:
            sandbox.kill()          # the first call starts it again, or reports why not
        with contextlib.redirect_stdout(io.StringIO()), _recording(visible_calls):
            for source in spec.setup_sources:
                exec(compile(source, "<setup>", "exec"), namespace)
        _seed_recorder(namespace, sandbox)
        for names in spec.student_names.values():
            for name in names:
                namespace[name] = _proxy(sandbox, name, deadline_box)
        try:
            # Start outside any test's time limit: a student cell may itself be slow.
            if sandbox.proc is not None:
                sandbox._wait_ready()
        except SandboxDied:
            pass                    # every call will report it
        for test in spec.tests:
            printed = io.StringIO()
            passed, message, timed_out, visible_passed = True, "", False, False
            # The visible part first: the kernel runs only that, so a test that passes
            # there must pass here too (else `tampered`). Then the hidden tests.
            hidden = test.hidden_source
            parts = [test.visible_source, test.source if hidden is None else hidden]
            try:
                deadline_box[:] = [_Deadline(timeout)]
                with contextlib.redirect_stdout(printed):
                    with _recording(visible_calls):
                        exec(compile(parts[0], f"<{test.grade_id}>", "exec"), namespace)
                    visible_passed = True
                    if parts[1].strip():
                        exec(compile(parts[1], f"<{test.grade_id}>", "exec"), namespace)
            except CellTimeout:
                passed, timed_out = False, True
                message = f"TimeoutError: the test ran past its limit of {timeout:g} s"
            except Exception as err:  # noqa: BLE001 - every failure is a lost test
                passed, message = False, f"{type(err).__name__}: {err}"
                if isinstance(err, TimeoutError):
                    timed_out = True
            outcomes[test.grade_id] = TestOutcome(test.grade_id, test.points, passed,
                                                  message, printed.getvalue()[-20000:],
                                                  timed_out, visible_passed)
    finally:
        sandbox.close()
    notes = [f"cell {label} {why}; it was left out of the clean run"
             for label, why in sandbox.skipped.items()]
    return outcomes, notes, sandbox.cell_errors
