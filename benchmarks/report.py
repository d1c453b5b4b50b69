"""Shared by the benchmark scripts: print a results table and keep it with its raw data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_report(name: str, report: dict, table: str, over: list[str]) -> int:
    """Print `table`, write `results/<name>-<stamp>.{json,txt}`; exit status 1 if over budget."""
    print("\n" + table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    report["over_budget"] = over
    (RESULTS / f"{name}-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"{name}-{stamp}.txt").write_text(table + "\n")
    print(f"\nwritten to benchmarks/results/{name}-{stamp}.{{json,txt}}")
    return 1 if over else 0
