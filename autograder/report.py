"""grades.csv and the summary printed at the end of a run.

Example:

>>> print(summary([{"status": "graded", "score": 5.0, "max_score": 5.0}]))
status             count
graded                 1
<BLANKLINE>
scores (percent of max): n=1  min 100  median 100  mean 100  max 100
  90-100% |##################################################| 1
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from pathlib import Path

from autograder.files import write_private
from autograder.job import SEVERITY

COLUMNS = ["student_id", "assignment_id", "score", "max_score", "status", "notes"]
# From least to most severe (autograder.job.SEVERITY is the one list).
STATUSES = list(reversed(SEVERITY))


def _number(value):
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(float(value), 2)


def row(result: dict) -> dict:
    """The grades.csv row of one result."""
    return {"student_id": result["student_id"], "assignment_id": result["assignment_id"],
            "score": _number(result.get("score")), "max_score": _number(result.get("max_score")),
            "status": result["status"], "notes": " | ".join(result.get("notes", []))}


def write_csv(path: Path, rows: list[dict]) -> None:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    write_private(Path(path), text.getvalue())


def summary(rows: list[dict]) -> str:
    """Counts by status and the distribution of scores, as text."""
    counts = Counter(r["status"] for r in rows)
    lines = [f"{'status':<18}{'count':>6}"]
    lines += [f"{status:<18}{counts[status]:>6}" for status in STATUSES if counts[status]]
    percents = [100 * float(r["score"]) / float(r["max_score"]) for r in rows
                if r.get("score") not in (None, "") and r.get("max_score") not in (None, "", 0)]
    lines.append("")
    if not percents:
        lines.append("no scores")
        return "\n".join(lines)
    lines.append(f"scores (percent of max): n={len(percents)}  min {min(percents):.0f}  "
                 f"median {statistics.median(percents):.0f}  "
                 f"mean {statistics.mean(percents):.0f}  max {max(percents):.0f}")
    bins = Counter(min(int(p // 10), 9) for p in percents)
    widest = max(bins.values())
    for b in range(9, -1, -1):
        if bins[b]:
            bar = "#" * max(1, round(50 * bins[b] / widest))
            lines.append(f"  {10 * b:>2}-{10 * b + 10}% |{bar}| {bins[b]}")
    return "\n".join(lines)
