"""The OS sandbox itself (`autograder/jail.py`), without the audit hook behind it.

A probe runs inside a room as plain Python, as hostile as it likes, and tries
every route it knows to the course repository, a classmate's submission and the
output folder: names, directory descriptors, `/proc/self/root`, `/proc/1/root`,
links it makes itself. It also tries the network, other processes, and leaving a
process behind. Each test asserts what the probe found.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from processes import processes_with

from autograder import jail

ROOT = Path(__file__).resolve().parents[1]
SECRET = ROOT / "notebooks" / "01_forward_pass" / "forward_pass.ipynb"

pytestmark = pytest.mark.skipif(jail.check() is not None, reason=str(jail.check()))


def run_in_room(tmp_path, source, *, limits=None, timeout=60, inputs=None):
    """Run Python `source` in a fresh room; return its stdout and the room (closed)."""
    (tmp_path / "room").mkdir()
    inputs = inputs or tmp_path / "inputs"
    inputs.mkdir(exist_ok=True)
    room = jail.Room(tmp_path / "room", inputs, limits or jail.Limits())
    try:
        proc = subprocess.run(room.command([sys.executable, "-I", "-c", source]),
                              env=room.env(), cwd=room.scratch, capture_output=True,
                              text=True, timeout=timeout)
    finally:
        room.close()
    return proc, room


PROBE = textwrap.dedent("""\
    import json, os
    found = {}

    def attempt(name, fn):
        try:
            found[name] = repr(fn())[:200]
        except OSError as err:
            found[name] = None

    def read_via_dirfd(path):
        fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
        return os.read(os.open(path.lstrip("/"), os.O_RDONLY, dir_fd=fd), 100)

    def list_via_fd(path):
        fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
        sub = os.open(path.lstrip("/"), os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        return os.listdir(sub)

    def via_link(path):
        os.symlink(path, "/job/link")
        return open("/job/link", "rb").read(100)

    for label, path in TARGETS.items():
        attempt(label + " listed", lambda: os.listdir(path))
        attempt(label + " listed by fd", lambda: list_via_fd(path))
        attempt(label + " via /proc/self/root", lambda: os.listdir("/proc/self/root" + path))
        attempt(label + " via /proc/1/root", lambda: os.listdir("/proc/1/root" + path))
    attempt("solution opened", lambda: open(SECRET, "rb").read(100))
    attempt("solution opened by dir_fd", lambda: read_via_dirfd(SECRET))
    attempt("solution opened through a link", lambda: via_link(SECRET))
    attempt("inputs written", lambda: open("/inputs/data.csv", "w").write("changed"))
    found["uid"] = os.getuid()
    found["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    found["inputs"] = sorted(os.listdir("/inputs"))
    print(json.dumps(found))
""")


def test_the_course_other_submissions_and_the_output_are_absent_by_every_route(tmp_path):
    classmate = tmp_path / "submitted" / "bob" / "01_forward_pass"
    classmate.mkdir(parents=True)
    (classmate / "forward_pass.ipynb").write_text("{}")
    out = tmp_path / "out" / ".results"
    out.mkdir(parents=True)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "data.csv").write_text("1,2\n")
    targets = {"repository": str(ROOT), "notebooks": str(ROOT / "notebooks"),
               "grader": str(ROOT / "autograder"), "classmate": str(classmate),
               "output": str(out)}
    assert all(Path(p).is_dir() for p in targets.values()) and SECRET.is_file()
    source = f"TARGETS = {targets!r}\nSECRET = {str(SECRET)!r}\n" + PROBE
    proc, _ = run_in_room(tmp_path, source)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout)
    # The repository's folder itself is there, since the venv and rnncourse are mounted
    # at their own paths inside it, but it holds nothing else (not notebooks/, not
    # autograder/). Every other target is absent by every route.
    for route, what in found.items():
        if route.startswith("repository") and what is not None:
            assert set(eval(what)) <= {".venv", "rnncourse"}, (route, what)
    reached = {route: what for route, what in found.items() if what is not None
               and not route.startswith("repository") and route[0].islower()
               and route not in ("uid", "pids", "inputs")}
    assert not reached, f"the room reached: {reached}"
    assert found["uid"] == jail.UID
    assert found["pids"][0] == 1 and len(found["pids"]) <= 3, found["pids"]
    assert found["inputs"] == ["data.csv"], "the job's own files are there, read-only"


def test_a_socket_cannot_reach_a_port_opened_outside(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    server.settimeout(0.1)
    source = textwrap.dedent(f"""\
        import socket
        for host in ("127.0.0.1", "::1", "10.0.2.2"):
            try:
                socket.create_connection((host, {port}), timeout=2)
                print("connected", host)
            except OSError as err:
                print("refused", host, err.errno)
        """)
    try:
        proc, _ = run_in_room(tmp_path, source)
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
    assert "connected" not in proc.stdout and proc.stdout.count("refused") == 3, proc.stdout


def test_no_process_outlives_its_room(tmp_path):
    """Daemons (a new session, a double fork) and a process blocked on a FIFO are all
    gone once the room's first process is killed."""
    marker = f"rnncourse-survivor-{os.getpid()}-{time.monotonic_ns()}"
    source = textwrap.dedent(f"""\
        import os, subprocess, sys, time
        nap = ["-c", "import time; time.sleep(1000)", "{marker[:10]}" + "{marker[10:]}"]
        subprocess.Popen([sys.executable, *nap], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, *nap])
            os._exit(0)
        os.mkfifo("/job/fifo")
        time.sleep(0.5)
        print("started", flush=True)
        open("/job/fifo").read()
        time.sleep(1000)
        """)
    (tmp_path / "room").mkdir()
    (tmp_path / "inputs").mkdir()
    room = jail.Room(tmp_path / "room", tmp_path / "inputs")
    proc = subprocess.Popen(room.command([sys.executable, "-I", "-c", source]),
                            env=room.env(), cwd=room.scratch, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "started"
        assert len(processes_with(marker)) == 2       # the daemons are running
        os.killpg(proc.pid, signal.SIGKILL)             # what the grader does at the end
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_with(marker) == [], "a process outlived its room"
    finally:
        proc.kill()
        room.close()


def test_disk_files_and_processes_are_capped(tmp_path):
    limits = jail.Limits(file_bytes=8 << 20, disk_bytes=32 << 20, processes=64)
    source = textwrap.dedent("""\
        import os, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        def write(path, size):
            try:
                with open(path, "wb") as f:
                    f.write(b"x" * size)
                return "wrote"
            except OSError as err:
                return f"refused {err.errno}"
        print(write("/job/big", 16 << 20))                 # over the file cap
        print([write(f"/job/f{i}", 6 << 20) for i in range(8)][-1])   # over the disk cap
        print(write("/tmp/big", 16 << 20))
        print(write("/usr/evil", 10))                      # read-only
        children = 0
        try:
            for _ in range(200):
                if os.fork() == 0:
                    import time; time.sleep(30); os._exit(0)
                children += 1
        except OSError as err:
            print("fork refused after", children)
        """)
    proc, _ = run_in_room(tmp_path, source, limits=limits)
    lines = proc.stdout.splitlines()
    assert lines[0] == "refused 27", lines          # EFBIG
    assert lines[1] == "refused 28", lines          # ENOSPC: the tmpfs is full
    assert lines[2] == "refused 27", lines
    assert lines[3].startswith("refused"), lines
    assert lines[4].startswith("fork refused after"), lines
    assert int(lines[4].split()[-1]) < 64, lines


def test_memory_is_capped(tmp_path):
    source = "import numpy as np\ntry:\n    np.ones(2**30)\nexcept MemoryError:\n" \
             "    print('MemoryError')\n"
    proc, _ = run_in_room(tmp_path, source, limits=jail.Limits(memory_bytes=1 << 30))
    assert proc.stdout.strip() == "MemoryError", proc.stdout + proc.stderr[-500:]


def test_the_room_and_its_cgroup_are_removed(tmp_path):
    (tmp_path / "room").mkdir()
    (tmp_path / "inputs").mkdir()
    room = jail.Room(tmp_path / "room", tmp_path / "inputs")
    subprocess.run(room.command(["/bin/true"]), env=room.env(), cwd=room.scratch, check=True)
    cgroup = room.cgroup
    room.close()
    assert not (tmp_path / "room").exists()
    assert cgroup is None or not cgroup.exists()


def test_without_bubblewrap_the_grader_refuses_and_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(jail, "_bwrap", lambda: None)
    jail.check.cache_clear()
    try:
        reason = jail.check()
        assert "bubblewrap" in reason and "--unsafe-no-sandbox" in reason
        with pytest.raises(jail.SandboxUnavailable, match="apt-get install bubblewrap"):
            jail.Room(tmp_path, tmp_path)
    finally:
        jail.check.cache_clear()
