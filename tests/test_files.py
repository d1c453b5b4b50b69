"""The grader writes only to files it creates itself (`autograder/files.py`)."""

from __future__ import annotations

import os

import pytest

from autograder.files import UnsafeTarget, link_private, write_private


def test_a_file_is_written_whole_and_replaced_whole(tmp_path):
    target = tmp_path / "out" / "grades.csv"
    write_private(target, "first\n")
    write_private(target, b"second\n")
    assert target.read_text() == "second\n"
    assert sorted(os.listdir(target.parent)) == ["grades.csv"]      # no temporary left


def test_a_linked_file_shares_its_source_and_replaces_the_target_whole(tmp_path):
    source, target = tmp_path / "tex-chtml-full.js", tmp_path / "out" / "mathjax" / "mj.js"
    source.write_text("MathJax")
    write_private(target, "old")
    link_private(source, target)
    assert target.read_text() == "MathJax" and os.stat(target).st_ino == os.stat(source).st_ino
    assert sorted(os.listdir(target.parent)) == ["mj.js"]          # no temporary left


@pytest.mark.parametrize("write", [write_private, link_private])
@pytest.mark.parametrize("plant", ["fifo", "link", "folder"])
def test_something_planted_at_the_target_is_refused_not_opened(tmp_path, plant, write):
    target, elsewhere = tmp_path / "grades.csv", tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    {"fifo": lambda: os.mkfifo(target), "link": lambda: target.symlink_to(elsewhere),
     "folder": target.mkdir}[plant]()
    with pytest.raises(UnsafeTarget, match="not a regular file"):
        # A FIFO would hang an open(): this returns.
        write(target, "grades") if write is write_private else write(elsewhere, target)
    assert elsewhere.read_text() == "untouched"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
