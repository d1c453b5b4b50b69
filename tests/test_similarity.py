"""Similarity checks (`autograder/similarity.py`) on the corpus of tests/similarity/.

The corpus's answers are put into the released version of the real notebooks, so the
boilerplate (signatures, docstrings, given cells, visible tests) is the course's own. No
grading run and no TensorFlow: copydetect only reads the code.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import similarity
from autograder.spec import nbgrader_meta

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "similarity"
ASSIGNMENTS = ("01_forward_pass", "02_bptt")
INDEPENDENT = {"01_forward_pass": ("ada", "loops", "vectorised", "einsum"),
               "02_bptt": ("ada", "loops", "vectorised", "upcast")}
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"


def _sections(path: Path) -> dict[str, str]:
    """`# %% <grade_id>` sections of a corpus file (its header is left out)."""
    parts = re.split(r"^# %% (\S+)\n", path.read_text(encoding="utf-8"), flags=re.M)
    return {grade_id: body.strip() + "\n" for grade_id, body in zip(parts[1::2], parts[2::2])}


def _answered(released_cell: str, section: str) -> str:
    """The student's cell: their section, with the released signature and docstring kept."""
    assert released_cell.endswith(STUB), released_cell[-80:]
    head = released_cell[:-len(STUB)]
    def_line = head.splitlines()[0] + "\n"
    assert def_line in section, f"the corpus section lacks the signature {def_line!r}"
    return section.replace(def_line, head, 1)


def build_submissions(root: Path) -> Path:
    """SUBMITTED/<student>/<assignment>/<notebook>.ipynb for the whole corpus, plus two
    students who hand in the released notebook unanswered and one cut-off file."""
    for assignment in ASSIGNMENTS:
        (name, released), = similarity.released_notebooks(assignment)
        for path in sorted((CORPUS / assignment).glob("*.py")):
            notebook = nbformat.reads(nbformat.writes(released), as_version=4)
            for grade_id, section in _sections(path).items():
                cell = next(c for c in notebook.cells
                            if nbgrader_meta(c).get("grade_id") == grade_id)
                cell.source = _answered(cell.source, section)
            folder = root / path.stem / assignment
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / name)
        for blank in ("blank1", "blank2"):
            folder = root / blank / assignment
            folder.mkdir(parents=True)
            nbformat.write(released, folder / name)
        broken = root / "broken" / assignment
        broken.mkdir(parents=True)
        (broken / name).write_text(nbformat.writes(released)[:500], encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def submitted(tmp_path_factory) -> Path:
    return build_submissions(tmp_path_factory.mktemp("submitted"))


@pytest.fixture(scope="module")
def measured(submitted):
    """Every pair's similarity (threshold 0, no minimum), and the notes."""
    notes = []
    by_assignment = similarity.answers(submitted, notes=notes)
    pairs = {}
    for assignment, by_student in by_assignment.items():
        found = similarity.compare_answers(assignment, by_student,
                                           similarity.released_code(assignment),
                                           threshold=0.0, min_matched=0)
        for p in found:
            pairs[assignment, p.student_a, p.student_b] = p
    return pairs, notes, by_assignment


def _sim(pairs, assignment, a, b) -> float:
    a, b = sorted((a, b))
    found = pairs.get((assignment, a, b))
    return found.similarity if found else 0.0


def test_a_disguised_copy_is_flagged_and_independent_solutions_are_not(measured, capsys):
    pairs, _, _ = measured
    with capsys.disabled():
        print(f"\nthreshold {similarity.THRESHOLD}")
        for assignment in ASSIGNMENTS:
            copy = _sim(pairs, assignment, "ada", "copycat")
            independent = {(a, b): _sim(pairs, assignment, a, b)
                           for a, b in itertools.combinations(INDEPENDENT[assignment], 2)}
            independent |= {(a, "copycat"): _sim(pairs, assignment, a, "copycat")
                            for a in INDEPENDENT[assignment] if a != "ada"}
            worst = max(independent, key=independent.get)
            print(f"{assignment}: copy {copy:.2f} (margin {copy - similarity.THRESHOLD:+.2f}); "
                  f"independent at most {independent[worst]:.2f} {worst} "
                  f"(margin {similarity.THRESHOLD - independent[worst]:+.2f})")
            for pair, value in sorted(independent.items()):
                print(f"    {pair[0]:>10} {pair[1]:<10} {value:.2f}")
    for assignment in ASSIGNMENTS:
        copy = _sim(pairs, assignment, "ada", "copycat")
        assert copy >= similarity.THRESHOLD, (
            f"{assignment}: the disguised copy should be at least {similarity.THRESHOLD} "
            f"similar to its original, got {copy:.2f}")
        for a, b in itertools.combinations(INDEPENDENT[assignment], 2):
            value = _sim(pairs, assignment, a, b)
            assert value < similarity.THRESHOLD, (
                f"{assignment}: independent solutions {a} and {b} should be below "
                f"{similarity.THRESHOLD}, got {value:.2f}")


def test_similar_pairs_lists_exactly_the_copies(submitted):
    notes = []
    pairs = similarity.similar_pairs(submitted, notes=notes)
    assert sorted((p.assignment, p.student_a, p.student_b) for p in pairs) == [
        ("01_forward_pass", "ada", "copycat"), ("02_bptt", "ada", "copycat")], pairs
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)
    bptt = next(p for p in pairs if p.assignment == "02_bptt")
    assert set(bptt.overlaps) == {"rnn_backward", "clip_by_global_norm"}
    assert all(v >= similarity.THRESHOLD for v in bptt.overlaps.values()), bptt.overlaps
    assert "def _step_backward" in bptt.text_a and "def backward_one_step" in bptt.text_b
    assert bptt.spans_a and bptt.spans_b


def test_unanswered_notebooks_share_only_boilerplate(measured):
    pairs, _, by_assignment = measured
    for assignment in ASSIGNMENTS:
        assert {"blank1", "blank2"} <= set(by_assignment[assignment])
        value = _sim(pairs, assignment, "blank1", "blank2")
        assert value == 0.0, f"{assignment}: two unanswered notebooks were {value:.2f} alike"
        for student in INDEPENDENT[assignment]:
            assert _sim(pairs, assignment, "blank1", student) == 0.0, student


def test_the_boilerplate_is_what_makes_blank_notebooks_differ_from_copies(submitted):
    """Without the released notebook as boilerplate, the blank pair is identical: the
    boilerplate argument is doing the work, not an accident of the corpus."""
    by_student = similarity.answers(submitted, ["02_bptt"])["02_bptt"]
    blank = {s: by_student[s] for s in ("blank1", "blank2")}
    without = similarity.compare_answers("02_bptt", blank, [], threshold=0.0, min_matched=0)
    assert without and without[0].similarity == pytest.approx(1.0)


def test_a_shared_one_liner_is_too_short_to_be_listed(measured):
    pairs, _, _ = measured
    p = pairs["01_forward_pass", "loops", "partial"]
    assert p.similarity >= similarity.THRESHOLD, "the corpus no longer tests the minimum"
    assert p.matched < similarity.MIN_MATCHED, (p.matched, similarity.MIN_MATCHED)


def test_a_broken_notebook_is_skipped_with_a_note(measured):
    _, notes, by_assignment = measured
    for assignment in ASSIGNMENTS:
        assert "broken" not in by_assignment[assignment]
        assert any(n.startswith(f"broken/{assignment}/") and "not valid JSON" in n
                   for n in notes), notes


def test_render_html_escapes_student_code_and_shows_both_sides():
    pair = similarity.SimilarPair(
        "01_forward_pass", "<b>eve</b>", "mallory", 0.9, {"rnn_forward": 0.8}, 100,
        "x = '<script>alert(1)</script>'\n", "y = 1 & 2\n", ((0, 5),), ((0, 3),))
    rows = [{"student_id": "<b>eve</b>", "assignment_id": "01_forward_pass", "score": "4",
             "max_score": "5", "status": "graded"}]
    page = similarity.render_html([pair], scores=rows)
    assert "<script>" not in page and "<b>eve" not in page
    assert "&lt;script&gt;" in page and "&amp;lt;b&amp;gt;" not in page
    assert "&lt;b&gt;eve&lt;/b&gt; (4/5)" in page
    assert page.count("<pre") == 2 and "<mark>x = &#x27;</mark>" in page
    assert "<mark>y =</mark> 1 &amp; 2" in page
    assert "No pair" in similarity.render_html([])


def test_cli_prints_the_table_and_writes_the_html(submitted, tmp_path):
    out = tmp_path / "similar.html"
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "similarity", str(submitted), "--out", str(out),
         "--assignment", "02_bptt"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["assignment", "student", "A"], result.stdout
    assert [line.split()[:3] for line in lines[1:2]] == [["02_bptt", "ada", "copycat"]]
    assert "broken/02_bptt/bptt.ipynb" in result.stdout + result.stderr
    assert "<pre" in out.read_text(encoding="utf-8")
    strict = subprocess.run(
        [sys.executable, "-m", "autograder", "similarity", str(submitted),
         "--threshold", "1.5"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False)
    assert strict.returncode == 2 and "threshold" in strict.stderr


def test_the_derived_boilerplate_is_the_student_version():
    """What nbgrader generate_assignment releases: no solution, no hidden test, a stub in
    every answer cell (checked against a real release by hand: identical code cells)."""
    from autograder.release import LEAK_MARKERS

    for assignment in ASSIGNMENTS:
        (_, released), = similarity.released_notebooks(assignment)
        text = "".join(c.source for c in released.cells)
        assert not [m for m in LEAK_MARKERS if m in text], assignment
        answers = [c for c in released.cells if nbgrader_meta(c).get("solution")]
        assert answers and all(c.source.endswith(STUB) for c in answers), assignment
        assert set(similarity.released_code(assignment)) >= {c.source for c in answers}


def test_the_page_shows_at_most_max_views_pairs_side_by_side():
    code = "def f(x):\n    return x\n"
    pairs = [similarity.SimilarPair("01_forward_pass", f"a{i:03d}", f"b{i:03d}", 0.9, {}, 100,
                                    code, code) for i in range(similarity.MAX_VIEWS + 5)]
    page = similarity.render_html(pairs)
    assert page.count("<details>") == similarity.MAX_VIEWS
    assert page.count("<tr>") == len(pairs) + 1       # the table still lists every pair
