"""The sandbox that runs student functions for the clean verdict, and its guard."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.clean_run import FORGED, CallTimeout, Sandbox, SandboxDied
from autograder.jail import Limits, Room

SETUP = ["import numpy as np"]


def sandbox(tmp_path, *cells, from_scratch=True, hidden=(), timeout=10, isolated=True):
    """A started sandbox; its room is removed by `box.close()` (see `close`)."""
    (tmp_path / "inputs").mkdir(exist_ok=True)
    (tmp_path / "room").mkdir(exist_ok=True)
    room = Room(tmp_path / "room", tmp_path / "inputs", Limits(memory_bytes=2 << 30),
                isolated=isolated)
    student = [(f"cell{i}", source) for i, source in enumerate(cells)]
    box = Sandbox(SETUP, student, from_scratch=from_scratch, room=room, cell_timeout=timeout,
                  hidden=hidden, visible=[room.workdir])
    box._start()
    return box


def call(box, name, *args, timeout=10):
    return box.call(name, args, {}, timeout)


def test_a_function_runs_in_the_sandbox_and_its_result_comes_back(tmp_path):
    box = sandbox(tmp_path, "def double(x):\n    return 2 * x, {'n': x.shape}")
    try:
        reply = call(box, "double", np.arange(3.0))
        value, extra = reply["ok"]
        assert np.array_equal(value, [0.0, 2.0, 4.0]) and extra == {"n": (3,)}
    finally:
        box.close()


@pytest.mark.parametrize("source, error", [
    ("import subprocess\nsubprocess.run(['true'])", "subprocess.Popen"),
    ("import os\nos.system('true')", "os.system"),
    ("import socket\nsocket.create_connection(('127.0.0.1', 9))", "socket.connect"),
    ("import tensorflow as tf\ntf.constant(1)", "from scratch"),
    ("open('/tmp/rnncourse-sandbox-probe.txt', 'w')", "write to"),
    ("import ctypes\nctypes.CDLL(None)", "ctypes"),
])
def test_the_guard_refuses(tmp_path, source, error):
    # The guard is the second line: tested alone here, the room in test_jail.py.
    box = sandbox(tmp_path, source, isolated=False)
    try:
        [(label, message)] = box.cell_errors
        assert "PermissionError" in message or "ImportError" in message, message
        assert error in message, message
    finally:
        box.close()


def test_the_guard_hides_folders_but_not_the_working_folder(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "answers.txt").write_text("42")
    cells = [f"open({str(secret / 'answers.txt')!r}).read()",
             f"import os\nos.listdir({str(secret)!r})",
             "open('mine.txt', 'w').write('ok')\nMINE = open('mine.txt').read()"]
    box = sandbox(tmp_path, *cells, "def mine():\n    return MINE", hidden=[secret],
                  isolated=False)
    try:
        errors = dict(box.cell_errors)
        assert "read" in errors["cell0"] and "look in" in errors["cell1"]
        assert "cell2" not in errors
        assert call(box, "mine")["ok"] == "ok"
    finally:
        box.close()


def test_keras_is_allowed_when_the_assignment_is_not_from_scratch(tmp_path):
    box = sandbox(tmp_path, "import sys\nHAS = 'keras' in sys.modules or True",
                  from_scratch=False)
    try:
        assert box.cell_errors == []
    finally:
        box.close()


def test_errors_come_back_with_their_builtin_type(tmp_path):
    box = sandbox(tmp_path, "def bad(t):\n    raise ValueError(f'temperature {t} must be > 0')",
                  "def leave():\n    raise SystemExit(3)")
    try:
        assert call(box, "bad", -1.0)["error"][:2] == ["ValueError", "temperature -1.0 must be > 0"]
        kind, _, builtin = call(box, "leave")["error"]
        assert kind == "SystemExit" and "BaseException" in builtin
        assert call(box, "nothing_here")["error"][0] == "NameError"
    finally:
        box.close()


def test_a_function_that_ends_the_process_or_hangs_is_reported(tmp_path):
    box = sandbox(tmp_path, "import os\ndef die():\n    os._exit(1)",
                  "def hang():\n    while True:\n        pass", "def fine():\n    return 1")
    try:
        with pytest.raises(SandboxDied):
            call(box, "die")
        with pytest.raises(CallTimeout):
            call(box, "hang", timeout=1)
        assert call(box, "fine")["ok"] == 1     # restarted with the same cells
    finally:
        box.close()


def test_a_cell_that_ends_the_process_is_left_out_and_the_rest_still_runs(tmp_path):
    box = sandbox(tmp_path, "def fine():\n    return 'still here'", "import os\nos._exit(0)")
    try:
        assert box.skipped == {"cell1": "ended the Python process"}
        assert call(box, "fine")["ok"] == "still here"
    finally:
        box.close()


# Student code that writes a message of its own into every file descriptor it has.
FORGE = ("def forge():\n    import os, struct\n    for fd in range(3, 64):\n        try:\n"
         "            os.write(fd, struct.pack('<I', 9) + b'not-codec')\n"
         "        except OSError:\n            pass\n    return 1\n")


def test_a_cell_that_writes_into_the_channel_is_left_out_not_believed(tmp_path):
    box = sandbox(tmp_path, "def fine():\n    return 'still here'", FORGE + "forge()\n")
    try:
        assert box.skipped == {"cell1": FORGED}
        assert call(box, "fine")["ok"] == "still here"
    finally:
        box.close()


def test_a_forged_reply_to_a_call_fails_that_call_and_the_next_one_is_clean(tmp_path):
    box = sandbox(tmp_path, FORGE, "def fine():\n    return 'still here'")
    try:
        assert "error" in call(box, "forge")
        assert call(box, "fine")["ok"] == "still here"
    finally:
        box.close()


def test_a_process_that_stops_reading_fails_the_call_within_its_deadline(tmp_path, monkeypatch):
    import autograder.clean_run as clean_run

    monkeypatch.setattr(clean_run, "SEND_SECONDS", 1)
    # The student's own process stops itself (SIGSTOP) just after start-up.
    box = sandbox(tmp_path, "def stall(x):\n    return 0\n",
                  "import os, signal, threading\nthreading.Timer(0.5, os.kill, "
                  "(os.getpid(), signal.SIGSTOP)).start()\n")
    try:
        import time

        time.sleep(1.5)
        with pytest.raises(SandboxDied, match="stopped reading"):
            call(box, "stall", np.zeros(1 << 20))     # 8 MiB: more than a pipe holds
    finally:
        box.close()


SAMPLER = """
def draw(probs, rng):
    return int(rng.choice(len(probs), p=probs))

def fails_on_third(counter):
    global CALLS
    CALLS = globals().get("CALLS", 0) + 1
    if CALLS == 3:
        raise ValueError("third call")
    return CALLS
"""


def test_repeat_calls_is_the_plain_loop_made_in_one_exchange(tmp_path):
    from autograder.clean_run import _proxy
    from rnncourse.calls import repeat_calls

    box = sandbox(tmp_path, SAMPLER, from_scratch=False)
    try:
        draw = _proxy(box, "draw", [])
        probs = np.array([0.1, 0.6, 0.3])
        here = np.random.default_rng(7)
        there = np.random.default_rng(7)
        expected = [int(here.choice(3, p=probs)) for _ in range(500)]
        assert repeat_calls(draw, 500, probs, there) == expected
        # The generator advanced as in the loop: the next draws agree too.
        assert draw(probs, there) == int(here.choice(3, p=probs))
        # The first exception propagates, as in the loop.
        counted = _proxy(box, "fails_on_third", [])
        with pytest.raises(ValueError, match="third call"):
            repeat_calls(counted, 5, [])
        with pytest.raises(ValueError, match="between 0"):
            repeat_calls(draw, -1, probs, there)
    finally:
        box.close()


def test_a_timed_out_test_costs_the_next_student_nothing(tmp_path):
    # The regression: a test that ran out of time, then, in the same grading process,
    # another student's test. Its function is checked under check()'s profiler; it must
    # pass at once (an exception injected by a timer thread once left CPython spinning
    # there until that test's own time ran out too).
    import time
    from types import SimpleNamespace

    from autograder.clean_run import run_tests
    from autograder.spec import TestCell

    test = TestCell("test_f", 1.0, source="", visible_source=(
        "from rnncourse.checks import call_from_scratch\n"
        "result, forbidden = call_from_scratch(f, (2,), {})\n"
        "assert result == 4 and forbidden is None\n"))
    spec = SimpleNamespace(setup_sources=SETUP, student_names={"f": ["f"]}, tests=[test],
                           from_scratch=True)
    outcomes = {}
    for student, body in [("hangs", "while True:\n        pass"), ("right", "return 2 * x")]:
        (tmp_path / student / "inputs").mkdir(parents=True)
        (tmp_path / student / "room").mkdir()
        room = Room(tmp_path / student / "room", tmp_path / student / "inputs",
                    Limits(memory_bytes=2 << 30))
        start = time.monotonic()
        result, _, _ = run_tests(spec, [("f", f"def f(x):\n    {body}\n")], room, timeout=3)
        outcomes[student] = (result["test_f"].passed, result["test_f"].timed_out,
                             time.monotonic() - start)
        room.close()
    assert outcomes["hangs"][:2] == (False, True)
    assert outcomes["right"][:2] == (True, False), outcomes
