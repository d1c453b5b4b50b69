"""Shared test setup.

* Tests import `solutions` (correct NumPy answers) from this folder.
* `book_build` / `build_log`: the site is built ONCE per test run and shared by
  test_book.py and test_site.py, even across xdist workers (tests/run_once.py).
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from run_once import once_per_run

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(__file__))

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

# The long files first. `make test` runs `--dist loadfile --no-loadscope-reorder`, which
# hands files out in collection order, two to each worker at the start: worker 1 gets
# the notebooks through stock nbgrader (and the short jail tests), worker 2 the book
# build and the graded class, so the three long ones start at once instead of after a
# queue of short files. Then the rest, by name. The order changes no result.
FIRST = ("test_notebooks.py", "test_book.py", "test_jail.py", "test_autograde.py")


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        name = item.path.name
        return FIRST.index(name) if name in FIRST else len(FIRST)

    items.sort(key=rank)        # stable: within a file, and among the rest, order is kept


@dataclass(frozen=True)
class BookBuild:
    """The result of one `jupyter-book build`: its command, exit status and combined output."""

    cmd: list[str]
    returncode: int
    log: str
    html: Path


def _jupyter_book() -> str:
    """The jupyter-book next to this Python (the .venv), else the one on PATH."""
    local = Path(sys.executable).parent / "jupyter-book"
    found = str(local) if local.exists() else shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed: run `make venv` (it is in the [book] extra)")
    return found


def _build_book() -> BookBuild:
    # The site offers the student notebooks for download, so release them first,
    # exactly as `make book` does (stock nbgrader generate_assignment).
    from autograder.release import release

    shutil.rmtree(ROOT / "book" / "student_notebooks", ignore_errors=True)
    release(ROOT / "book" / "student_notebooks")
    env = dict(os.environ)
    # The same environment as the Makefile: .venv/bin first on PATH (nbgrader, kernels)
    # and TensorFlow's C++ start-up chatter off.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    # Kernels must keep matplotlib's inline backend, or plt.show() draws nothing and
    # figure labels go undefined.
    env.pop("MPLBACKEND", None)
    cmd = [_jupyter_book(), "build", ".", "--builder", "html", "-W", "-n", "--keep-going", "--all"]
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    return BookBuild(cmd=cmd, returncode=proc.returncode, log=proc.stdout + proc.stderr, html=HTML)


@pytest.fixture(scope="session")
def book_build(request: pytest.FixtureRequest) -> BookBuild:
    """Build the site once per session (`make book`'s command plus `--all`).

    `--all` re-reads every page so every warning is re-emitted; the chapters' outputs come
    from the execution cache, so a warm rebuild takes seconds. This fixture does not judge
    the build: test_book.py checks its exit status and warnings, test_site.py only needs
    the HTML (so one chapter's warning does not hide every browser check).
    """
    def build() -> dict:
        result = _build_book()
        return {"cmd": result.cmd, "returncode": result.returncode, "log": result.log}

    return BookBuild(**once_per_run(request, "book-build", build), html=HTML)


@pytest.fixture(scope="session")
def build_log(book_build: BookBuild) -> str:
    """The build's combined stdout and stderr, once it has exited with 0."""
    assert book_build.returncode == 0, (
        f"`{' '.join(book_build.cmd)}` exited with {book_build.returncode}; expected 0. "
        f"End of its output:\n{book_build.log[-4000:]}"
    )
    return book_build.log


@pytest.fixture(scope="session")
def site(book_build: BookBuild) -> Path:
    """The built site's folder, as long as the build produced one (warnings or not)."""
    index = book_build.html / "index.html"
    assert index.is_file(), (
        f"expected {index} after `{' '.join(book_build.cmd)}` (exit {book_build.returncode}). "
        f"End of its output:\n{book_build.log[-4000:]}"
    )
    return book_build.html


@pytest.fixture(scope="module")
def cached_reference():
    """Memoise Keras outputs per (exercise, case), so 150 mistakes cost one Keras run each
    (test_checks.py and test_hints.py)."""
    from rnncourse import reference

    memo = {}

    def get(exercise):
        ref = getattr(reference, exercise)

        def cached(*args, **kwargs):
            key = (exercise, pickle.dumps((args, sorted(kwargs.items()))))
            if key not in memo:
                memo[key] = ref(*args, **kwargs)
            return memo[key]

        cached.__name__ = exercise
        cached.output_names = ref.output_names
        return cached

    return get
