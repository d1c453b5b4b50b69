"""Solution and hidden-test lines, and where they must never appear (what students receive).

A solution line is a line inside a `### BEGIN SOLUTION` block of a source notebook
(a hidden-test line, inside `### BEGIN HIDDEN TESTS`),
compared with whitespace removed, when it is at least 30 characters long (shorter
lines, such as `return h`, are too common to mean anything). A line that a notebook
also shows outside its solutions and hidden tests is not a secret: the assignment gives
it on purpose (a test cell calls `hs = rnn_forward(x, h0, ...)`, the line assignment 2's
answer starts with), so it does not count.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_CHARS = 30
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def secret_lines(root: Path = ROOT / "notebooks") -> dict[str, str]:
    """Every secret line of every source notebook: squeezed line -> where it is.

    Secret: inside a `### BEGIN SOLUTION` or `### BEGIN HIDDEN TESTS` block, at least
    `MIN_CHARS` long, and found nowhere in what the notebooks show (a docstring's
    `>>> check(...)` line contains a hidden test's `check(...)`: that is no secret).
    """
    found, shown = {}, []
    for path in sorted(root.glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf8"))["cells"]:
            block = None
            for line in "".join(cell.get("source", "")).splitlines():
                if "### BEGIN SOLUTION" in line:
                    block = "solution"
                elif "### BEGIN HIDDEN TESTS" in line:
                    block = "hidden-test"
                elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                    block = None
                elif block and len(_squeeze(line)) >= MIN_CHARS:
                    found.setdefault(_squeeze(line),
                                     f"{path.parent.name} ({block}): {line.strip()}")
                elif not block:
                    shown.append(_squeeze(line))
    shown_text = "\n".join(shown)
    return {line: where for line, where in found.items() if line not in shown_text}


def readable(name: str, data: bytes) -> list[str]:
    """The texts a reader can get from one file: as stored, as a browser shows it (an
    HTML page without its tags, where highlighting splits code into spans), and with
    JSON's string escapes undone (a notebook's or a search index's `\\"` and `\\n`)."""
    raw = data.decode("utf8", errors="replace")
    texts = [raw]
    if name.endswith((".html", ".htm", ".xml", ".svg")):
        texts.append(html.unescape(_TAG.sub("", raw)))
    if "\\" in raw:
        texts.append(raw.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\"))
    return texts


def leaked(text: str, lines: dict[str, str]) -> list[str]:
    """The solution lines that appear in `text` (whitespace ignored)."""
    squeezed = _squeeze(text)
    return [where for line, where in lines.items() if line in squeezed]


# An answer can leak without sharing a line with the solution: a chapter that wires a
# working model for an assignment's own task hands it over, whatever its variable names.
# Assignment 6's part B is attention on the dates of `date_dataset`, so no chapter may
# build an attention layer in a page that loads those dates.
_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
_ATTENTION_LAYER = re.compile(r"\b(Attention|AdditiveAttention|MultiHeadAttention)\s*\(")


def wired_answers(page: str) -> list[str]:
    """The code in one MyST page that answers a Keras assignment by its task: an
    attention layer built in a page whose code loads `date_dataset` (assignment 6,
    part B). Returns one line per hit."""
    code = "\n".join(_CODE_CELL.findall(page))
    if "date_dataset" not in code:
        return []
    return [f"builds {match.group(1)}(...) on the dates of assignment 6"
            for match in _ATTENTION_LAYER.finditer(code)]
