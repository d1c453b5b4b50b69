"""The process that runs a student's code for the clean verdict (the untrusted side).

The grader (`autograder.clean_run`) starts this file with `python -I`, sends it the
notebook's code, and then asks it to call the student's functions. Nothing here
decides a grade: it only sends back what a function returned, encoded with
`rnncourse.codec`, and the grader compares that with Keras in its own process.
So whatever the student's code does to this process (monkeypatching numpy,
`assert`, `sys.modules` or our modules) cannot change a score.

Before student code runs, an audit hook (which Python cannot remove once added)
restricts the process: no subprocesses, sockets or ctypes; files may be written
only in the working folder; and, for from-scratch assignments, TensorFlow,
Keras, PyTorch and JAX cannot be imported.

Protocol, over the two file descriptors given on the command line: every
message is a 4-byte little-endian length and a `rnncourse.codec` value.

1. grader -> sandbox: `{"setup": [source, ...], "student": [[label, source], ...],
   "from_scratch": bool, "workdir": str, "hidden": [...], "visible": [...]}`; setup
   cells are the instructor's locked cells and run before the hook is installed;
   `hidden` and `visible` are `install_guard`'s folders.
2. sandbox -> grader: `{"cell": label}` before each student cell (so a cell that
   kills the process can be named), then `{"ready": [[label, error], ...]}`.
3. grader -> sandbox: `{"call": name, "args": [...], "kwargs": {...}}`;
   sandbox -> grader: `{"ok": result, "after": [...]}` or `{"error": [type, message]}`.
"""

import os
import struct
import sys


def _read_exactly(fd, n):
    chunks, left = [], n
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def install_guard(workdir, from_scratch, hidden=(), visible=()):
    """An audit hook: what student code may not do in this process.

    Args:
        workdir: the only folder code may write in.
        from_scratch: also forbid TensorFlow, Keras, PyTorch, JAX and ctypes.
        hidden: folders code may not read or list (the course's sources and tests,
            other students' submissions, the grader's cache).
        visible: folders inside `hidden` that stay readable (e.g. the venv).
    """
    writable = [os.path.realpath(workdir) + os.sep]
    hidden = [os.path.realpath(p) + os.sep for p in hidden]
    visible = [os.path.realpath(p) + os.sep for p in visible]
    own_proc = (f"/proc/{os.getpid()}/", "/proc/self/", "/proc/thread-self/")
    blocked_imports = {"tensorflow", "keras", "tf_keras", "torch", "jax", "jaxlib"} \
        if from_scratch else set()
    always_blocked = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
                      "os.spawn", "os.fork", "os.forkpty", "socket.connect", "socket.bind",
                      "pty.spawn")
    path_events = {"os.remove", "os.rename", "os.rmdir", "shutil.rmtree", "os.chmod",
                   "os.chown", "os.symlink", "os.link", "os.truncate", "os.mkdir",
                   "os.replace", "os.utime"}
    realpath = os.path.realpath

    def may_write(path):
        if isinstance(path, int):
            return True
        try:
            full = realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return any((full + os.sep).startswith(root) for root in writable) or \
            full in ("/dev/null",)

    def may_read(path):
        if isinstance(path, int) or path is None:
            return True
        try:
            full = realpath(os.fsdecode(path)) + os.sep
        except (TypeError, ValueError):
            return False
        if full.startswith("/proc/") and full[6:7].isdigit():
            return full.startswith(own_proc)      # not another process's memory
        return not any(full.startswith(root) for root in hidden) or \
            any(full.startswith(root) for root in visible)

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            writing = (mode and any(c in str(mode) for c in "wax+")) or \
                (isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if writing and not may_write(path):
                raise PermissionError(f"the grader does not let code write to {path}")
            if not may_read(path):
                raise PermissionError(f"the grader does not let code read {path}")
        elif event in ("os.kill", "os.killpg", "signal.pthread_kill"):
            if event != "signal.pthread_kill" and args[0] not in (os.getpid(), 0):
                raise PermissionError("the grader does not let code signal other processes")
        elif event in ("os.listdir", "os.scandir", "glob.glob", "os.chdir"):
            if args and not may_read(args[0]):
                raise PermissionError(f"the grader does not let code look in {args[0]}")
        elif event in path_events:
            if not all(may_write(a) for a in args[:2] if isinstance(a, (str, bytes))):
                raise PermissionError(f"the grader does not allow {event} here")
        elif event.startswith(always_blocked):
            raise PermissionError(f"the grader does not allow {event}")
        elif from_scratch and event.startswith("ctypes."):
            raise PermissionError("the grader does not allow ctypes")
        elif event == "import" and args[0].split(".")[0] in blocked_imports:
            raise ImportError(
                f"{args[0]} cannot be used here: this exercise is from scratch (NumPy only)")

    sys.addaudithook(hook)


def main(read_fd, write_fd):
    # Everything this process needs is imported before any student code runs.
    from IPython.core.inputtransformer2 import TransformerManager

    from rnncourse import codec
    from rnncourse.checks import call_from_scratch

    def receive():
        (length,) = struct.unpack("<I", _read_exactly(read_fd, 4))
        return codec.loads(_read_exactly(read_fd, length))

    def send(value):
        try:
            data = codec.dumps(value)
        except codec.EncodeError as err:
            data = codec.dumps({"error": ["EncodeError", str(err)]})
        os.write(write_fd, struct.pack("<I", len(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]

    program = receive()
    os.chdir(program["workdir"])
    namespace = {"__name__": "__main__", "__builtins__": __builtins__,
                 "get_ipython": lambda: _NoShell()}
    transform = TransformerManager().transform_cell
    for source in program["setup"]:
        try:
            exec(compile(transform(source), "<setup>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - a broken setup shows up as failing calls
            pass
    from_scratch = bool(program["from_scratch"])
    install_guard(program["workdir"], from_scratch, program["hidden"], program["visible"])

    errors = []
    for label, source in program["student"]:
        send({"cell": label})
        try:
            exec(compile(transform(source), f"<cell {label}>", "exec"), namespace)
        except BaseException as err:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            errors.append([label, (f"{type(err).__name__}: {err}" if str(err)
                                   else type(err).__name__)[:500]])
    send({"ready": errors})

    while True:
        try:
            request = receive()
        except EOFError:
            return
        name = request["call"]
        if name == "__seed__":      # the test seeded Keras just before the next call
            try:
                namespace["keras"].utils.set_random_seed(int(request["args"][0]))
            except BaseException:  # noqa: BLE001 - a seed that cannot be set changes nothing
                pass
            send({"ok": None})
            continue
        fn = namespace.get(name)
        if not callable(fn):
            send({"error": ["NameError", f"name {name!r} is not defined in your notebook"]})
            continue
        args, kwargs = request["args"], request["kwargs"]
        try:
            if from_scratch:
                result, forbidden = call_from_scratch(fn, args, kwargs)
            else:
                result, forbidden = fn(*args, **kwargs), None
        except BaseException as err:  # noqa: BLE001 - report SystemExit etc. as failures
            builtin = [c.__name__ for c in type(err).__mro__ if c.__module__ == "builtins"]
            send({"error": [type(err).__name__, str(err)[:2000], builtin]})
            continue
        if forbidden:
            send({"error": ["FromScratchViolation",
                            f"{name} calls {forbidden}: this exercise is from scratch, so "
                            "compute it with NumPy only (no TensorFlow, Keras or rnncourse "
                            "inside your function)"]})
            continue
        # Generators and models passed in may have changed in place: send them back.
        after = [a if _changes_in_place(a) else None for a in args]
        send({"ok": result, "after": after})


class _NoShell:
    """Stands in for IPython here: magics and shell settings do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _changes_in_place(value):
    import numpy as np

    from rnncourse.codec import is_keras

    return isinstance(value, np.random.Generator) or is_keras(value, "Model")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
