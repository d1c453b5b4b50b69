"""What runs first in a room, before any student code: the job's files, and the guard.

Both processes that run student code (`sandbox.py` for the clean run and
`kernel_launcher.py` for the kernel run) call `populate_workdir()` and then
`install_guard()`. The OS sandbox (`autograder/jail.py`) is the boundary; this
audit hook is the second line behind it (and the only one with
`--unsafe-no-sandbox`).
"""

import os
import shutil
import sys

FORBIDDEN = ("tensorflow", "keras", "tf_keras", "torch", "jax", "jaxlib")


class _Forbidden:
    """What `import tensorflow` gives in a from-scratch sandbox: a module that cannot be
    used. An answer cell that imports it but never uses it still defines its functions;
    a function that uses it fails with this message."""

    def __init__(self, name):
        self.__name__, self.__path__ = name, []

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise ImportError(f"{self.__name__}.{attr} cannot be used here: this exercise is "
                          f"from scratch (NumPy only)")


def stub_forbidden_imports():
    """Make `import tensorflow` (and Keras, PyTorch, JAX) give a `_Forbidden` module."""
    import importlib.abc
    import importlib.machinery

    class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in FORBIDDEN:
                return importlib.machinery.ModuleSpec(name, self)
            return None

        def create_module(self, spec):
            return _Forbidden(spec.name)

        def exec_module(self, module):
            pass

    for name in list(sys.modules):
        if name.split(".")[0] in FORBIDDEN:
            del sys.modules[name]
    finder = Finder()
    sys.meta_path.insert(0, finder)
    return finder


def populate_workdir():
    """Copy the job's own files from the read-only inputs into the working folder."""
    inputs, workdir = os.environ.get("RNNCOURSE_INPUTS"), os.environ.get("RNNCOURSE_WORKDIR")
    if inputs and workdir and os.path.isdir(inputs) and inputs != workdir:
        # Links stay links: inside the room they point at nothing.
        shutil.copytree(inputs, workdir, symlinks=True, dirs_exist_ok=True)
    if workdir:
        os.chdir(workdir)


def install_guard(workdir, from_scratch, hidden=(), visible=(), stub_finder=None):
    """An audit hook: what student code may not do in this process.

    Args:
        workdir: the only folder code may write in.
        from_scratch: also forbid TensorFlow, Keras, PyTorch, JAX and ctypes.
        hidden: folders code may not read or list (the course's sources and tests,
            other students' submissions, the grader's cache).
        visible: folders inside `hidden` that stay readable (e.g. the venv).
        stub_finder: `stub_forbidden_imports()`'s finder: a forbidden import is let
            through while it is first in `sys.meta_path` (it then gives a stub; the room
            hides the real packages anyway).
    """
    writable = [os.path.realpath(workdir) + os.sep]
    hidden = [os.path.realpath(p) + os.sep for p in hidden]
    visible = [os.path.realpath(p) + os.sep for p in visible]
    own_proc = (f"/proc/{os.getpid()}/", "/proc/self/", "/proc/thread-self/")
    blocked_imports = set(FORBIDDEN) \
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
        elif event == "import" and args[0].split(".")[0] in blocked_imports and not (
                stub_finder is not None and args[3] and args[3][0] is stub_finder):
            raise ImportError(
                f"{args[0]} cannot be used here: this exercise is from scratch (NumPy only)")

    sys.addaudithook(hook)
