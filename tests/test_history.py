"""A test cell that the instructor changed after release is not the student's edit.

A scratch git repository holds two versions of a source notebook: the released one, then
one whose visible test was fixed. A submission made from the first release keeps its
test cell as released; the grader must recognise that cell in the course's history (so
the status stays `graded`), and must still call a student's own edit `tampered`.
"""

from __future__ import annotations

import subprocess

import nbformat

from autograder.history import earlier_releases
from autograder.spec import HIDDEN, load_notebook
from autograder.submissions import merge

TEST_V1 = ("assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(5) == 10\n"
           "### END HIDDEN TESTS")
TEST_V2 = ("assert double(2) == 4, 'double(2) should be 4'\n### BEGIN HIDDEN TESTS\n"
           "assert double(5) == 10\n### END HIDDEN TESTS")


def notebook(test_source: str) -> nbformat.NotebookNode:
    def cell(source, **meta):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {"schema_version": 3, **meta}
        return c

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
             grade_id="double", solution=True, grade=False, locked=False),
        cell(test_source, grade_id="test_double", solution=False, grade=True, locked=True,
             points=1),
    ]
    return nb


def released(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What a student holds: the answer typed in, the test as released (no hidden part)."""
    out = nbformat.from_dict(nb)
    out.cells[1].source = HIDDEN.sub("", out.cells[1].source)
    return out


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Instructor",
                    "-c", "user.email=i@example.org", *args], check=True, capture_output=True)


def course_with_a_fixed_test(tmp_path):
    repo = tmp_path / "course"
    path = repo / "notebooks" / "a1" / "a1.ipynb"
    path.parent.mkdir(parents=True)
    git(repo, "init", "-q")
    nbformat.write(notebook(TEST_V1), path)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "release a1")
    nbformat.write(notebook(TEST_V2), path)
    git(repo, "commit", "-qam", "a1: a message for test_double")
    return repo, path


def test_a_test_cell_from_an_earlier_release_is_not_a_students_edit(tmp_path):
    repo, path = course_with_a_fixed_test(tmp_path)
    spec = load_notebook(path)
    merged = merge(released(notebook(TEST_V1)), spec, released_as=earlier_releases(path, repo))
    assert merged.tests_touched == []
    [note] = merged.notes
    assert note.startswith("cell test_double is as released in commit ")
    assert "the current version was used" in note
    # The notebook graded holds the current test, hidden part included.
    assert merged.notebook.cells[1].source == TEST_V2


def test_a_students_own_edit_of_a_test_is_still_tampering(tmp_path):
    repo, path = course_with_a_fixed_test(tmp_path)
    spec = load_notebook(path)
    edited = released(notebook(TEST_V1))
    edited.cells[1].source = "assert True  # nothing to see"
    merged = merge(edited, spec, released_as=earlier_releases(path, repo))
    assert merged.tests_touched == ["test_double"]
    assert merged.notes == ["locked cell test_double was edited; the original was restored"]


def test_without_history_an_old_test_cell_counts_as_edited(tmp_path):
    repo, path = course_with_a_fixed_test(tmp_path)
    spec = load_notebook(path)
    elsewhere = tmp_path / "not-a-repository"
    elsewhere.mkdir()
    for released_as in (None, earlier_releases(path, elsewhere)):
        merged = merge(released(notebook(TEST_V1)), spec, released_as=released_as)
        assert merged.tests_touched == ["test_double"]
