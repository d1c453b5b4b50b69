"""Does the book still fit its time budget? (`make bench-book`; a script, not a test.)

Measures, and compares with the budgets:

(a) every chapter (`book/*.md` with a kernelspec) executed from top to bottom in a fresh
    kernel with jupytext + nbclient, the way jupyter-cache runs it at build time:
    < 90 s each, except `04_adding_experiment` (a training experiment): < 300 s.
    The clean build below also records each chapter's execution time in its jupyter-cache;
    that column is shown beside the fresh-kernel one.
(b) a clean `make book` (no `_build`, so every chapter runs): < 10 min.
(c) a no-op `make book` right after it (nothing changed): < 30 s.

The builds run in a scratch copy of the working tree (sharing this .venv), so this repo's
`_build/` and its execution cache are left alone. Cheap measurements are repeated and
reported as medians (`--repeat-*`). Results go to `benchmarks/results/` (gitignored) as
JSON and as the printed table. Exit status 1 when something is over its budget.

    python benchmarks/book_budget.py                  # everything (~2x the chapters' time)
    python benchmarks/book_budget.py --skip-builds    # only (a)
    python benchmarks/book_budget.py --skip-chapters  # only (b) and (c)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from report import write_report  # benchmarks/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

CHAPTER_BUDGET = 90.0
CHAPTER_BUDGETS = {"04_adding_experiment": 300.0}
CLEAN_BUILD_BUDGET = 600.0
NOOP_BUILD_BUDGET = 30.0
# Never copied into the scratch tree (generated, or too big: .venv is symlinked instead).
SKIP = {".venv", "_build", ".git", ".pytest_cache", ".ruff_cache", "__pycache__", "results"}

# The Makefile's environment, for the kernels and the builds. Not MPLBACKEND=Agg: the
# kernels must keep matplotlib's inline backend, or plt.show() draws nothing, figure labels
# go undefined and the clean build fails on its warnings (tests/conftest.py does the same).
ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


def budget_for(name: str) -> float:
    return CHAPTER_BUDGETS.get(name, CHAPTER_BUDGET)


def is_notebook(path: Path) -> bool:
    """True for MyST notebooks (a kernelspec in the front matter); myst-nb executes only those."""
    head = path.read_text(encoding="utf8")[:2000]
    return head.startswith("---") and "kernelspec:" in head.split("\n---", 1)[0]


def execute_chapter(path: Path, timeout: float) -> tuple[float, str]:
    """Run one chapter in a fresh kernel; return (seconds, "" or the error)."""
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.read(path)
    client = NotebookClient(
        notebook,
        timeout=int(timeout),
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
        error = ""
    except Exception as exc:  # report it, keep measuring the other chapters
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
    seconds = time.perf_counter() - start
    stderr = [
        "".join(out.get("text", ""))
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]
    if not error and any(text.strip() for text in stderr):
        error = "wrote to stderr (the build treats that as an error): " + stderr[0].strip()[:120]
    return seconds, error


def scratch_copy() -> Path:
    """A copy of the working tree without generated files, sharing this repo's .venv."""
    scratch = Path(tempfile.mkdtemp(prefix="rnncourse-bench-")) / "rnncourse"
    shutil.copytree(ROOT, scratch, ignore=lambda _dir, names: [n for n in names if n in SKIP])
    (scratch / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return scratch


def make_book(where: Path) -> tuple[float, int, str]:
    """`make book` in `where`; return (seconds, exit status, end of the output)."""
    env = {**os.environ, **ENV}
    start = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", "book"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - start, proc.returncode, (proc.stdout + proc.stderr)[-3000:]


def cached_execution_times(build: Path) -> dict[str, float]:
    """Execution seconds per chapter, as recorded by jupyter-cache during a build."""
    from jupyter_cache import get_cache

    cache_dir = build / "_build" / ".jupyter_cache"
    if not cache_dir.is_dir():
        return {}
    times = {}
    for record in get_cache(cache_dir).list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            times[Path(record.uri).stem] = float(seconds)
    return times


def verdict(seconds: float | None, budget: float) -> str:
    if seconds is None:
        return "-"
    return "ok" if seconds < budget else "OVER BUDGET"


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:8.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-chapters", action="store_true", help="skip (a)")
    parser.add_argument("--skip-builds", action="store_true", help="skip (b) and (c)")
    parser.add_argument("--repeat-chapters", type=int, default=1, metavar="N")
    parser.add_argument("--repeat-clean", type=int, default=1, metavar="N")
    parser.add_argument("--repeat-noop", type=int, default=3, metavar="N")
    parser.add_argument("--only", nargs="*", metavar="CHAPTER", help="chapter names for (a)")
    parser.add_argument("--keep-scratch", action="store_true", help="keep the scratch copy")
    args = parser.parse_args()
    os.environ.update(ENV)
    os.environ.pop("MPLBACKEND", None)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    chapters = sorted(BOOK.glob("*.md"))
    if args.only:
        chapters = [c for c in chapters if c.stem in args.only]
    report: dict = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "chapters": {},
        "builds": {},
    }
    over: list[str] = []

    # (a) every chapter in a fresh kernel
    if not args.skip_chapters:
        for path in chapters:
            name = path.stem
            entry: dict = {"budget_s": budget_for(name)}
            if not is_notebook(path):
                entry["note"] = "not executed (no kernelspec: plain Markdown)"
            else:
                runs, errors = [], []
                for _ in range(args.repeat_chapters):
                    seconds, error = execute_chapter(path, timeout=max(budget_for(name), 300) * 2)
                    runs.append(seconds)
                    if error:
                        errors.append(error)
                entry.update(runs_s=runs, median_s=statistics.median(runs))
                if errors:
                    entry["error"] = errors[0]
            report["chapters"][name] = entry
            print(f"  executed {name}: {fmt(entry.get('median_s'))} s", flush=True)

    # (b) a clean build, then (c) no-op rebuilds, in a scratch copy
    if not args.skip_builds:
        clean_runs, noop_runs, statuses, in_build = [], [], [], {}
        for i in range(args.repeat_clean):
            scratch = scratch_copy()
            print(f"  clean `make book` #{i + 1} in {scratch} ...", flush=True)
            seconds, status, tail = make_book(scratch)
            clean_runs.append(seconds)
            statuses.append(status)
            if status:
                report["builds"]["clean_build_output_tail"] = tail
            in_build = cached_execution_times(scratch)
            if i == args.repeat_clean - 1:
                for _ in range(args.repeat_noop):
                    seconds, status, tail = make_book(scratch)
                    noop_runs.append(seconds)
                    statuses.append(status)
            if not args.keep_scratch:
                shutil.rmtree(scratch.parent, ignore_errors=True)
        report["builds"] = {
            **report["builds"],
            "clean": {
                "runs_s": clean_runs,
                "median_s": statistics.median(clean_runs),
                "budget_s": CLEAN_BUILD_BUDGET,
            },
            "noop": {
                "runs_s": noop_runs,
                "median_s": statistics.median(noop_runs),
                "budget_s": NOOP_BUILD_BUDGET,
            },
            "exit_statuses": statuses,
        }
        for name, seconds in in_build.items():
            report["chapters"].setdefault(name, {"budget_s": budget_for(name)})
            report["chapters"][name]["in_build_s"] = seconds

    # The table
    lines = [
        f"Book budget ({report['when']}, Python {report['python']}, {report['cpus']} CPUs)",
        "",
        f"{'chapter':<24} {'fresh kernel s':>14} {'in build s':>11} {'budget s':>9}  verdict",
    ]
    for name, entry in sorted(report["chapters"].items()):
        worst = max(
            (entry.get(key) for key in ("median_s", "in_build_s") if entry.get(key) is not None),
            default=None,
        )
        status = verdict(worst, entry["budget_s"])
        if entry.get("error"):
            status += f"  (ERROR: {entry['error']})"
        if entry.get("note"):
            status = entry["note"]
        if worst is not None and worst >= entry["budget_s"]:
            over.append(f"chapter {name}: {worst:.1f} s >= {entry['budget_s']:.0f} s")
        lines.append(
            f"{name:<24} {fmt(entry.get('median_s')):>14} {fmt(entry.get('in_build_s')):>11} "
            f"{entry['budget_s']:>9.0f}  {status}"
        )
    if report["builds"]:
        lines.append("")
        lines.append(f"{'build':<24} {'median s':>14} {'runs':>18} {'budget s':>9}  verdict")
        for key, label in (("clean", "clean make book"), ("noop", "no-op make book")):
            build = report["builds"][key]
            runs = ",".join(f"{s:.1f}" for s in build["runs_s"])
            status = verdict(build["median_s"], build["budget_s"])
            if build["median_s"] >= build["budget_s"]:
                over.append(f"{label}: {build['median_s']:.1f} s >= {build['budget_s']:.0f} s")
            lines.append(
                f"{label:<24} {fmt(build['median_s']):>14} {runs:>18} "
                f"{build['budget_s']:>9.0f}  {status}"
            )
        if any(report["builds"]["exit_statuses"]):
            lines.append(
                f"make book exit statuses: {report['builds']['exit_statuses']} (non-zero: the "
                "build has warnings or errors; the times still count). End of the clean "
                "build's output is in the JSON."
            )
    lines.append("")
    lines.append(
        "Budgets: each chapter < 90 s (04_adding_experiment < 300 s), clean build < 10 min, "
        "no-op rebuild < 30 s."
    )
    lines.append("OVER BUDGET: " + "; ".join(over) if over else "All within budget.")
    return write_report("book_budget", report, "\n".join(lines), over)


if __name__ == "__main__":
    sys.exit(main())
