"""No chapter wires a model that answers an assignment by its task (tests/leaks.py).

The line-based leak tests (test_site.py, test_release.py, test_student_package.py) catch
a solution's own lines. They cannot see a chapter that trains its own working model for
the assignment's task: chapter 6 once trained the date translator with attention that
assignment 6 grades, and copying it earned the points.
"""

from __future__ import annotations

from pathlib import Path

from leaks import wired_answers

BOOK = Path(__file__).resolve().parents[1] / "book"


def test_no_chapter_builds_attention_on_the_dates_of_assignment_6() -> None:
    pages = sorted(BOOK.glob("*.md"))
    assert len(pages) > 8, f"expected the chapters under {BOOK}; found {len(pages)} pages"
    hits = [f"{page.name}: {hit}" for page in pages
            for hit in wired_answers(page.read_text(encoding="utf8"))]
    assert not hits, (
        "expected no chapter to train assignment 6's answer (attention on the dates of "
        "`date_dataset`); found:\n" + "\n".join(hits) + "\nShow attention on another "
        "task (chapter 4's reversal) and leave wiring it into the dates to the student."
    )


def test_the_scan_flags_attention_on_dates_and_nothing_else() -> None:
    cell = "```{code-cell} ipython3\n%s\n```\n"
    on_dates = cell % "data = date_dataset(10)" + cell % (
        "c, w = layers.AdditiveAttention(name='a')([q, v], return_attention_scores=True)")
    assert wired_answers(on_dates) == [
        "builds AdditiveAttention(...) on the dates of assignment 6"]
    # Attention on another task, and dates without attention, are what chapters teach.
    assert wired_answers(cell % "c = keras.layers.Attention()([q, v])") == []
    assert wired_answers(cell % "data = date_dataset(10)\nGRU(48)(x)") == []
    # Prose about attention next to the dates is no code.
    assert wired_answers("Attention(...) is chapter 4's.\n" + cell % "date_dataset(3)") == []
