"""The local pool survives a worker process that dies."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.engine import LocalPool
from autograder.submissions import Job


def crash_once(job, settings):
    """Kill this worker process the first time it sees a job marked 'crash'."""
    marker = Path(job.folder) / "crashed"
    if job.student_id.startswith("crash") and not marker.exists():
        marker.write_text("once")
        os._exit(1)
    if job.student_id == "always":
        os._exit(1)
    return job.student_id


def test_a_dead_worker_is_replaced_and_unfinished_jobs_run_again(tmp_path):
    jobs = []
    for student in ("alice", "crash", "bob", "always"):
        folder = tmp_path / student
        folder.mkdir()
        jobs.append(Job(student, "a1", str(folder)))
    pool = LocalPool(2, {}, fn=crash_once)
    try:
        outcome = {}
        for job, future in pool.run(jobs, settings=None):
            error = future.exception()
            outcome[job.student_id] = type(error).__name__ if error else future.result()
    finally:
        pool.close()
    assert outcome == {"alice": "alice", "crash": "crash", "bob": "bob",
                       "always": "BrokenProcessPool"}
