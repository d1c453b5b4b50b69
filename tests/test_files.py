"""The grader writes only to files it creates itself (`autograder/files.py`)."""

from __future__ import annotations

import os

import pytest

from autograder.files import UnsafeTarget, write_private


def test_a_file_is_written_whole_and_replaced_whole(tmp_path):
    target = tmp_path / "out" / "grades.csv"
    write_private(target, "first\n")
    write_private(target, b"second\n")
    assert target.read_text() == "second\n"
    assert sorted(os.listdir(target.parent)) == ["grades.csv"]      # no temporary left


@pytest.mark.parametrize("plant", ["fifo", "link", "folder"])
def test_something_planted_at_the_target_is_refused_not_opened(tmp_path, plant):
    target, elsewhere = tmp_path / "grades.csv", tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    {"fifo": lambda: os.mkfifo(target), "link": lambda: target.symlink_to(elsewhere),
     "folder": target.mkdir}[plant]()
    with pytest.raises(UnsafeTarget, match="not a regular file"):
        write_private(target, "grades")      # a FIFO would hang an open(): this returns
    assert elsewhere.read_text() == "untouched"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
