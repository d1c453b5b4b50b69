"""Solution lines, and where they must never appear (what students receive).

A solution line is a line inside a `### BEGIN SOLUTION` block of a source notebook,
compared with whitespace removed, when it is at least 30 characters long (shorter
lines, such as `return h`, are too common to mean anything).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_CHARS = 30
_SPACE = re.compile(r"\s+")


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def solution_lines(root: Path = ROOT / "notebooks") -> dict[str, str]:
    """Every solution line of every source notebook: squeezed line -> where it is."""
    found = {}
    for path in sorted(root.glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf8"))["cells"]:
            inside = False
            for line in "".join(cell.get("source", "")).splitlines():
                if "### BEGIN SOLUTION" in line:
                    inside = True
                elif "### END SOLUTION" in line:
                    inside = False
                elif inside and len(_squeeze(line)) >= MIN_CHARS:
                    found.setdefault(_squeeze(line), f"{path.parent.name}: {line.strip()}")
    return found


def leaked(text: str, lines: dict[str, str]) -> list[str]:
    """The solution lines that appear in `text` (whitespace ignored)."""
    squeezed = _squeeze(text)
    return [where for line, where in lines.items() if line in squeezed]
