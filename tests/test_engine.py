"""The local pool survives a worker process that dies; long jobs are started first, and
the jobs that need no reference table run while it is computed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from autograder import engine
from autograder.engine import LocalPool, longest_first, needs_references
from autograder.references import SolutionFails
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


def keras_job_first(job, settings, table_path=None):
    """A job that says which table it was given; the Keras one marks that it started."""
    if job.student_id == "keras":
        (Path(job.folder) / "started").write_text("yes")
    return job.student_id, table_path


def test_jobs_without_references_run_while_the_table_is_computed(tmp_path):
    def then():
        # The Keras job runs in a worker while this (the table's computation) waits.
        for _ in range(600):
            if (tmp_path / "started").exists():
                return [Job("scratch", "01_forward_pass", str(tmp_path))], "/out/table.rnnc"
            time.sleep(0.1)
        raise AssertionError("the first job did not start while the table was computed")

    pool = LocalPool(1, fn=keras_job_first)
    try:
        outcome = [future.result() for _, future in pool.run(
            [Job("keras", "06_keras_models", str(tmp_path))], settings=None, then=then)]
    finally:
        pool.close()
    assert sorted(outcome) == [("keras", None), ("scratch", "/out/table.rnnc")]


def test_only_from_scratch_assignments_wait_for_the_reference_table(tmp_path):
    specs = {a: load_assignment(a) for a in ("01_forward_pass", "06_keras_models")}
    assert not needs_references(Job("a", "06_keras_models", str(tmp_path)), specs)
    assert needs_references(Job("a", "01_forward_pass", str(tmp_path)), specs)
    assert needs_references(Job("a", "99_unknown", str(tmp_path)), specs)


def test_a_solution_that_fails_its_own_tests_stops_the_run_before_any_answer_is_compared(
        tmp_path, monkeypatch):
    from autograder.demo import write_class

    def broken(specs, cache_dir, **kwargs):
        raise SolutionFails("01_forward_pass/forward_pass: the source solution fails ...")

    monkeypatch.setattr(engine, "reference_table", broken)
    write_class(tmp_path / "submitted", kinds=["correct"])
    with pytest.raises(SolutionFails):
        engine.autograde(tmp_path / "submitted", tmp_path / "out", workers=1)
    assert not (tmp_path / "out" / ".results").exists()
    assert not (tmp_path / "out" / "grades.csv").exists()
