"""The distributed path: the same jobs graded on a Dask cluster (here, a local one)."""

from __future__ import annotations

import pytest
from test_autograde import A1, EXPECTED, read_grades, run_cli

from autograder.demo import write_class

pytestmark = pytest.mark.slow

STUDENTS = ["correct", "one_function_wrong", "patches_check", "truncated_file",
            "os_exit_in_function"]


def test_grading_on_a_dask_cluster_gives_the_same_grades_into_another_gradebook(tmp_path):
    distributed = pytest.importorskip("distributed")
    submitted = tmp_path / "submitted"
    write_class(submitted, kinds=STUDENTS)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        proc = run_cli("autograde", submitted, "--out", tmp_path / "out", "--timeout", 20,
                       "--scheduler", cluster.scheduler_address,
                       "--db", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    grades = read_grades(tmp_path / "out")
    for student in STUDENTS:
        status, score, phrase = EXPECTED[student]
        row = grades[(student, A1)]
        assert (row["status"], float(row["score"])) == (status, score), row
        assert phrase in row["notes"]
    # --db puts nbgrader's gradebook where it says.
    from nbgrader.api import Gradebook

    assert not (tmp_path / "out" / "gradebook.db").exists()
    with Gradebook(f"sqlite:///{tmp_path / 'elsewhere.db'}") as gb:
        assert gb.find_submission(A1, "one_function_wrong").score == 2
