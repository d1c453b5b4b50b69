"""A throwaway PostgreSQL server for tests: Debian's binaries, a temporary folder, no network.

`server()` runs `initdb` into a fresh temporary folder, starts `postgres` listening on a
Unix socket in that folder only (`listen_addresses = ''`: no TCP port, so parallel test
workers never collide), creates a database and yields its SQLAlchemy URL. On the way out,
whatever happened, the server is stopped (killed if it will not stop) and the folder
removed. The server is this process's own child, started with a parent-death signal
(`setpriv --pdeathsig=KILL`): if the test process itself is killed, so is the server.

`initdb` and `postgres` refuse to run as root. As root (CI, these machines) they run as
`nobody` through util-linux's `setpriv`, in a folder that `nobody` owns; the socket's
folder is that user's 0700 folder, so only root and `nobody` can reach the server.

Example:

>>> with server() as url:                        # doctest: +SKIP
...     Gradebook(url)      # postgresql://grader@/gradebook?host=/tmp/pg-x1y2
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

TOOLS = ("initdb", "postgres", "createdb")
USER, DATABASE = "grader", "gradebook"
INSTALL_HINT = ("PostgreSQL's server is not installed (no initdb/pg_ctl on PATH or in "
                "/usr/lib/postgresql/*/bin): run `make postgres` (Debian's postgresql package)")


def bin_dir() -> Path | None:
    """The folder holding initdb, postgres and createdb, or None.

    PATH first, then `pg_config --bindir`, then Debian's versioned folders
    (/usr/lib/postgresql/<version>/bin, which Debian does not put on PATH), newest first.
    """
    candidates = []
    for tool in ("initdb", "pg_ctl"):
        on_path = shutil.which(tool)
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                   timeout=30).stdout.strip()
            if found:
                candidates.append(Path(found))

    def version(path: Path) -> tuple:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name))

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in TOOLS):
            return folder
    return None


def _as_owner(argv: list[str], pdeathsig: bool = False) -> list[str]:
    """`argv` run as the unprivileged user when this process is root, else as is; with
    `pdeathsig`, killed when this process dies."""
    prefix = ["setpriv"]
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        prefix += [f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    if pdeathsig:
        prefix.append("--pdeathsig=KILL")
    return [*prefix, "--", *argv] if len(prefix) > 1 else argv


def _run(argv: list[str], log: Path, timeout: float = 120):
    with open(log, "ab") as out:
        proc = subprocess.run(_as_owner(argv), stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.STDOUT, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(argv[0]).name} failed (exit {proc.returncode}):\n"
                           f"{log.read_text(errors='replace')[-3000:]}")


def _wait_until_ready(proc: subprocess.Popen, data: Path, log: Path, timeout: float = 60):
    """Until postmaster.pid says `ready` (what `pg_ctl start -w` waits for)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError):
            lines = (data / "postmaster.pid").read_text().splitlines()
            if len(lines) > 7 and lines[7].strip() == "ready":
                return
        time.sleep(0.05)
    raise RuntimeError(f"postgres did not start (exit {proc.poll()}):\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen):
    """Fast shutdown (SIGINT: backends end, the postmaster exits), else SIGKILL; reaped."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def server():
    """Start a private PostgreSQL server; yield its SQLAlchemy URL; stop and remove it.

    Raises:
        FileNotFoundError: the server's binaries are not installed (`INSTALL_HINT`).
        RuntimeError: initdb, postgres or createdb failed (with their log).
    """
    tools = bin_dir()
    if tools is None:
        raise FileNotFoundError(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="pg-"))    # short: a socket path has 107 bytes
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
    data, log = root / "data", root / "server.log"
    proc = None
    try:
        _run([str(tools / "initdb"), "-D", str(data), "-U", USER, "--auth=trust",
              "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"],
             root / "initdb.log")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{root}'\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                       "max_connections = 20\nshared_buffers = 16MB\n")
        with open(log, "ab") as out:
            proc = subprocess.Popen(_as_owner([str(tools / "postgres"), "-D", str(data)],
                                              pdeathsig=True),
                                    stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        _wait_until_ready(proc, data, log)
        _run([str(tools / "createdb"), "-h", str(root), "-U", USER, DATABASE],
             root / "createdb.log")
        yield f"postgresql://{USER}@/{DATABASE}?host={root}"
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(root, ignore_errors=True)
