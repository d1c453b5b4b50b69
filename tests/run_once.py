"""Run an expensive step once per test run, even when pytest-xdist spreads its users.

The book build (shared by test_book.py and test_site.py) and the notebook grading are
far too slow to repeat per worker. `--dist loadgroup` would keep their users together,
but pytest-xdist 3.8 groups by rewriting `item._nodeid`, which pytest 9 no longer reads,
so the first worker to arrive computes under a file lock and the others reuse its result.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

# One folder per checkout, so test runs of two clones never wait on each other.
_CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:10]
STATE = Path(tempfile.gettempdir()) / f"rnncourse-pytest-{_CHECKOUT}"


def once_per_run(request, name: str, compute: Callable[[], dict], key: str = "") -> dict:
    """`compute()`'s JSON-serialisable result, computed once per run for this `name`/`key`.

    Args:
        request: the fixture's `pytest.FixtureRequest`.
        name: names the lock and the saved result.
        compute: the expensive step.
        key: anything else that must match for a saved result to be reused.
    """
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None:  # no xdist: this process is the whole run
        return compute()
    run = f"{workerinput['testrunuid']}:{key}"
    STATE.mkdir(exist_ok=True)
    state = STATE / f"{name}.json"
    with open(STATE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        saved = json.loads(state.read_text("utf8")) if state.is_file() else {}
        if saved.get("run") == run:
            return saved["result"]
        result = compute()
        state.write_text(json.dumps({"run": run, "result": result}), "utf8")
        return result
