"""The book keeps one notation (book/notation.md): Keras's row layout, one letter per thing.

These checks read the Markdown sources only (no build, no TensorFlow), so they run in
well under a second and catch a chapter drifting back to another convention.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PAGES = sorted(BOOK.glob("*.md"))
# The column-form weights of other texts (W_x x_t, W_h h_{t-1}, W_y h_t).
COLUMN_LETTERS = re.compile(r"\bW_[xhy]\b")
EQ_LABEL = re.compile(r"^\$\$ \(([\w-]+)\)\s*$", re.MULTILINE)
EQ_REF = re.compile(r"\{eq\}`([\w-]+)`")


def _paragraphs(text: str) -> list[str]:
    return re.split(r"\n\s*\n", text)


def test_chapters_write_weights_in_the_row_layout() -> None:
    """W_x, W_h and W_y appear only where a paragraph translates the column form."""
    found = []
    for page in PAGES:
        if page.name == "notation.md":  # its job is to translate other conventions
            continue
        for paragraph in _paragraphs(page.read_text(encoding="utf8")):
            if COLUMN_LETTERS.search(paragraph) and "column" not in paragraph:
                found.append(f"{page.name}: {paragraph.strip()[:120]!r}")
    assert not found, (
        "expected the row-layout letters of book/notation.md (x_t K + h_{t-1} U + b), "
        "found column-form weights outside a paragraph about the column form:\n" + "\n".join(found)
    )


def test_no_page_uses_K_for_the_keys_of_attention() -> None:
    """K is always a kernel; attention writes its keys k_j one at a time."""
    pattern = re.compile(r"Q\s*K\^\\top")
    found = [
        f"{page.name}: {paragraph.strip()[:120]!r}"
        for page in PAGES
        for paragraph in _paragraphs(page.read_text(encoding="utf8"))
        if pattern.search(paragraph) and "Many texts" not in paragraph
    ]
    assert not found, "expected no QK^T (K is the kernel in this book), found:\n" + "\n".join(found)


def test_every_equation_reference_has_a_label() -> None:
    labels = {label for page in PAGES for label in EQ_LABEL.findall(page.read_text("utf8"))}
    missing = sorted(
        f"{page.name}: {{eq}}`{ref}`"
        for page in PAGES
        for ref in EQ_REF.findall(page.read_text(encoding="utf8"))
        if ref not in labels
    )
    assert not missing, (
        "expected every {eq} reference to name a `$$ (label)` in book/*.md; "
        "missing (renamed or deleted?):\n" + "\n".join(missing)
    )


def test_primer_comes_before_the_numbered_chapters_and_notation_is_listed() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    files = [
        (part.get("numbered", False), chapter["file"])
        for part in toc["parts"]
        for chapter in part["chapters"]
    ]
    order = [name for _, name in files]
    assert "book/keras_primer" in order and "book/notation" in order, order
    assert order.index("book/keras_primer") < order.index("book/01_why_recurrence"), order
    # Unnumbered, so that the chapters keep the numbers 1 to 6 that their prose uses.
    assert (False, "book/keras_primer") in files and (False, "book/notation") in files, files
