"""The local pool survives a worker process that dies; long jobs are started first."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.engine import LocalPool, longest_first
from autograder.spec import load_assignment
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


def test_jobs_that_train_models_start_first_and_the_rest_keep_their_order(tmp_path):
    specs = {a: load_assignment(a) for a in ("01_forward_pass", "06_keras_models")}
    pending = [(Job(student, assignment, str(tmp_path)), None)
               for student in ("ann", "bob", "cy") for assignment in
               ("01_forward_pass", "06_keras_models", "99_unknown")]
    order = [(job.student_id, job.assignment_id) for job, _ in longest_first(pending, specs)]
    assert order == [("ann", "06_keras_models"), ("bob", "06_keras_models"),
                     ("cy", "06_keras_models"),
                     ("ann", "01_forward_pass"), ("ann", "99_unknown"),
                     ("bob", "01_forward_pass"), ("bob", "99_unknown"),
                     ("cy", "01_forward_pass"), ("cy", "99_unknown")]
