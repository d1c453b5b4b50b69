"""The one door to where student code runs: an OS sandbox built with bubblewrap.

Every process that runs student code (the clean run's sandbox, the grading kernel,
and anything they start) is started through `Room.command`, and nothing else in the
grader runs student code. Inside a room:

- the file system shows only `/usr`, a few files of `/etc`, the Python installation
  and the venv, the `rnncourse` package and the grader's inside scripts, all
  read-only; the job's own inputs read-only at `/inputs`; and one writable scratch
  folder `/job` (a tmpfs of at most `Limits.disk_bytes`). The course repository, the
  instructor's sources, other submissions, the output folder and the grader's own
  code are absent, not merely guarded;
- no network (a new network namespace), its own PID namespace, uid 65534 with no
  capabilities, a new session, and `--die-with-parent`;
- limits on heap, processes, open files and the size of any file written
  (`Limits`); as root, also a `pids` cgroup, since the kernel does not count a
  namespace's processes against `RLIMIT_NPROC` when they map to root;
- killing the process that `command` starts kills the whole tree: bubblewrap's
  init of the PID namespace dies with it, and the kernel then kills every process
  in that namespace.

The audit hook in `autograder/inside/guard.py` stays inside as a second line.

Where bubblewrap cannot start (not installed, no user namespaces), `check()` says
why and `autograde` refuses to grade, unless the instructor passes
`--unsafe-no-sandbox`: then `Room(..., isolated=False)` runs the same command
directly, with the limits and the audit hook only, and every row says so.

Example:

>>> room = Room(Path("/tmp/job-1"), inputs=Path("submitted/alice/01"))   # doctest: +SKIP
>>> subprocess.Popen(room.command([sys.executable, "-I", "x.py"]), env=room.env())
... # doctest: +SKIP
>>> room.close()                                                         # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

INSIDE = Path(__file__).with_name("inside")     # the scripts that run in a room
GRADER_INSIDE = "/grader"                       # where they appear inside
WORKDIR = "/job"                                # the writable scratch folder inside
INPUTS = "/inputs"                              # the job's own files, read-only
# One thread per process for the numeric libraries: a grading run keeps every core busy
# with jobs in parallel (one per worker), and a job's small models gain little from
# threads of their own. Extra threads then only fight for the cores (TensorFlow's pools
# spin while they wait). The kernel, the sandbox and the grader's workers (which train
# the models of the clean run) all use it, so both runs compute alike.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}

UID = 65534                                     # "nobody"
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives", "fonts")
PIDS_CGROUPS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))
INSTALL_HINT = ("install Debian's bubblewrap (`sudo apt-get install bubblewrap`, or "
                "`make sandbox`), or pass --unsafe-no-sandbox to grade without it")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create its namespaces on this machine."""


@dataclass(frozen=True)
class Limits:
    """What one process tree running student code may use.

    Args:
        memory_bytes: heap cap of each process (`RLIMIT_DATA`; `RLIMIT_AS` would break
            TensorFlow, which reserves address space it never uses).
        processes: processes and threads (`RLIMIT_NPROC`, and `pids.max` as root).
        open_files: open file descriptors per process.
        file_bytes: the largest file it may write.
        disk_bytes: all it may write to `/job` and `/tmp`, each (tmpfs size).
    """

    memory_bytes: int = 3 << 30
    processes: int = 256
    open_files: int = 512
    file_bytes: int = 64 << 20
    disk_bytes: int = 256 << 20


def _bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def check() -> str | None:
    """None if a room can be built here; otherwise why not (for the refusal message)."""
    bwrap = _bwrap()
    if bwrap is None:
        return f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    probe = [bwrap, "--unshare-all", "--uid", str(UID), "--gid", str(UID), "--die-with-parent",
             *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--", "/bin/true"]
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap could not start ({err}): {INSTALL_HINT}"
    if proc.returncode != 0:
        return (f"bubblewrap cannot create namespaces here ({proc.stderr.strip()[:300]}); "
                f"user namespaces may be disabled: {INSTALL_HINT}")
    return None


def _system_binds() -> list[str]:
    """/usr read-only, and /bin, /lib... as they are on the host (links on Debian)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _python_dirs() -> list[Path]:
    """The interpreter, the venv and the rnncourse package (however it is installed)."""
    import rnncourse

    dirs = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
            Path(rnncourse.__file__).resolve().parent]
    kept: list[Path] = []
    for path in dirs:
        if not any(path == k or k in path.parents for k in kept):
            kept = [k for k in kept if path not in k.parents] + [path]
    return kept


def not_from_scratch() -> list[Path]:
    """What a from-scratch room hides, so that no trick inside can load it: the
    installed folders of TensorFlow, Keras, PyTorch and JAX. (The library of NumPy
    mistakes, which can build a correct function, is in `autograder/`: in no room.)"""
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])
    names = ("tensorflow", "keras", "tf_keras", "torch", "jax", "jaxlib", "tensorboard")
    return [site / name for name in names if (site / name).is_dir()]


def _new_cgroup(processes: int) -> Path | None:
    """A `pids` cgroup for one room, where the grader may make one (root); else None."""
    for root in PIDS_CGROUPS:
        if not (root / "cgroup.procs").exists() or not os.access(root, os.W_OK):
            continue
        if root.name != "pids" and "pids" not in (root / "cgroup.controllers").read_text():
            continue
        group = root / f"rnncourse-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(processes))
            return group
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
    return None


class Room:
    """One job's sandbox: scratch space on the host, and the command that enters it.

    Args:
        scratch: an empty host folder the room may use (removed by `close`).
        inputs: the job's own files (a copy of the submission's folder without
            notebooks); student code sees them at `/inputs` and copied into `/job`.
        limits: a `Limits`.
        isolated: False only for `--unsafe-no-sandbox`: no namespaces, limits only.
        shared_rw: host folders that both sides use (the kernel's sockets), bound
            writable at the same path.
        shared_ro: host files or folders bound read-only at the same path.
        hide: host folders shown empty and files shown blank inside (see
            `not_from_scratch`).
    """

    def __init__(self, scratch: Path, inputs: Path, limits: Limits = Limits(), *,
                 isolated: bool = True, shared_rw=(), shared_ro=(), hide=()):
        self.scratch, self.inputs, self.limits = Path(scratch), Path(inputs), limits
        self.isolated = isolated
        self.shared_rw = [Path(p) for p in shared_rw]
        self.shared_ro = [Path(p) for p in shared_ro]
        self.hide = [Path(p) for p in hide]
        if isolated and check() is not None:
            raise SandboxUnavailable(check())
        self.cgroup = _new_cgroup(limits.processes) if isolated else None
        if isolated:
            self.workdir = WORKDIR
            self.inputs_inside = INPUTS
            self.grader_inside = GRADER_INSIDE
        else:
            # No namespaces: the scratch folder itself is the working folder.
            (self.scratch / "job").mkdir(parents=True, exist_ok=True)
            self.workdir = str(self.scratch / "job")
            self.inputs_inside = str(self.inputs)
            self.grader_inside = str(INSIDE)

    def script(self, name: str) -> str:
        """The path, as seen inside, of `autograder/inside/<name>`."""
        return f"{self.grader_inside}/{name}"

    def env(self, **extra) -> dict:
        """The environment of the process started in the room: nothing of the grader's."""
        # OpenBLAS's core type is set on processors where older builds compute wrong
        # results: a room must keep it.
        keep = ("LANG", "LC_ALL", "PYTHONHASHSEED", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        work = self.workdir
        env.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME=work, TMPDIR=work,
                   MPLCONFIGDIR=work, MPLBACKEND="Agg", IPYTHONDIR=work,
                   JUPYTER_RUNTIME_DIR=work, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore",
                   PYTHONDONTWRITEBYTECODE="1", RNNCOURSE_INPUTS=self.inputs_inside,
                   RNNCOURSE_WORKDIR=work, **ONE_THREAD)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def command(self, argv: list[str]) -> list[str]:
        """`argv`, to be run in the room (pass it to Popen with `env=self.env()`)."""
        limits = self.limits
        enter = [sys.executable, "-I", "-S", str(Path(__file__).resolve()),
                 str(limits.memory_bytes), str(limits.processes), str(limits.open_files),
                 str(limits.file_bytes), str(self.cgroup or ""), "--"]
        if not self.isolated:
            return enter + list(argv)
        bwrap = [_bwrap(), "--unshare-all", "--uid", str(UID), "--gid", str(UID),
                 "--hostname", "grader", "--die-with-parent", "--new-session",
                 "--cap-drop", "ALL", *_system_binds()]
        for name in ETC:
            if (Path("/etc") / name).exists():
                bwrap += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
        # /tmp first: the host's scratch folders below may live under /tmp.
        bwrap += ["--size", str(limits.disk_bytes), "--tmpfs", "/tmp"]
        for path in _python_dirs() + self.shared_ro:
            bwrap += ["--ro-bind", str(path), str(path)]
        for path in self.shared_rw:
            bwrap += ["--bind", str(path), str(path)]
        for path in self.hide:
            if path.is_dir():
                bwrap += ["--size", "4096", "--tmpfs", str(path), "--remount-ro", str(path)]
            else:
                bwrap += ["--ro-bind", "/dev/null", str(path)]
        bwrap += ["--ro-bind", str(INSIDE.resolve()), GRADER_INSIDE,
                  "--ro-bind", str(self.inputs), INPUTS,
                  "--proc", "/proc", "--dev", "/dev",
                  "--size", str(limits.disk_bytes), "--tmpfs", WORKDIR,
                  "--remount-ro", "/", "--chdir", WORKDIR, "--"]
        return enter + bwrap + list(argv)

    def close(self):
        """Kill what is left in the room, remove its cgroup and its scratch folder."""
        if self.cgroup is not None:
            _remove_cgroup(self.cgroup)
            self.cgroup = None
        shutil.rmtree(self.scratch, ignore_errors=True)


def _remove_cgroup(group: Path, attempts: int = 100):
    for _ in range(attempts):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:         # not empty: kill what is left, give it time to exit
            with contextlib.suppress(OSError, ValueError):
                for pid in (group / "cgroup.procs").read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.05)


def sweep_cgroups():
    """Remove the cgroups of rooms whose grader was killed before it could (a run's
    start calls this). A cgroup in use is not empty, so rmdir leaves it; one made in the
    last minute may be about to receive its process (another run's), so it is left too."""
    for root in PIDS_CGROUPS:
        with contextlib.suppress(OSError):
            for group in root.glob("rnncourse-*"):
                with contextlib.suppress(OSError):
                    if time.time() - group.stat().st_mtime > 60:
                        group.rmdir()


def _tasks_of(uid: int) -> int:
    """Threads that `uid` runs now (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError):
                with open(f"/proc/{entry}/status") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
                if int(fields["Uid"].split()[0]) == uid:
                    count += int(fields["Threads"])
    return count


def _enter(argv: list[str]):
    """Apply the limits to this process, join the cgroup, and become `argv`.

    Run as `python -I -S jail.py MEMORY PROCESSES FILES FILE_BYTES CGROUP -- COMMAND...`;
    the limits are inherited by bubblewrap and everything it starts.
    """
    import resource

    memory, processes, files, file_bytes, cgroup = argv[:5]
    command = argv[argv.index("--") + 1:]
    with contextlib.suppress(OSError):      # already a session leader (the kernel's case)
        os.setsid()
    if cgroup:
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    # RLIMIT_NPROC counts every task of the real uid: as a user, allow what runs already.
    # As root it does not apply at all; the cgroup does that job.
    processes = int(processes) + (_tasks_of(os.getuid()) if os.getuid() else 0)
    for limit, value in ((resource.RLIMIT_DATA, int(memory)),
                         (resource.RLIMIT_NPROC, processes),
                         (resource.RLIMIT_NOFILE, int(files)),
                         (resource.RLIMIT_FSIZE, int(file_bytes)),
                         (resource.RLIMIT_CORE, 0)):
        if value or limit == resource.RLIMIT_CORE:
            resource.setrlimit(limit, (value, value))
    os.execv(command[0], command)


if __name__ == "__main__":
    _enter(sys.argv[1:])
