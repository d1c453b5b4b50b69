"""Student versions of every assignment, made by stock `nbgrader generate_assignment`.

nbgrader runs in a scratch copy of the course root, so releasing never touches the
repository's gradebook or folders. Every released notebook is checked for solution and
hidden-test markers before it is written to `out`.

Example:

    python -m autograder release --out release/
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COURSE_ROOT = Path(__file__).resolve().parent
NOTEBOOKS = COURSE_ROOT.parent / "notebooks"
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def assignments(notebooks: Path = NOTEBOOKS) -> list[str]:
    """The assignment ids: every folder of `notebooks/` that holds a notebook."""
    return sorted(p.name for p in notebooks.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def nbgrader_env() -> dict:
    """This process's environment with this Python's bin folder first on PATH: nbgrader
    runs `alembic` from PATH when it creates a gradebook."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def release(out: Path, only: list[str] | None = None) -> list[Path]:
    """Write the student version of each assignment to `out/<assignment>/<notebook>.ipynb`.

    Args:
        out: the folder to write to; created if missing.
        only: assignment ids to release (default: all of them).

    Returns:
        The notebooks written.

    Raises:
        ValueError: an unknown assignment id.
        RuntimeError: nbgrader failed, or a released notebook still holds a solution or
            hidden-test marker (nothing is written then).
    """
    known = assignments()
    chosen = known if not only else list(only)
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise ValueError(f"unknown assignment(s) {unknown}; known: {known}")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="rnncourse-release-") as scratch:
        course = Path(scratch)
        shutil.copy(COURSE_ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
        for name in chosen:
            shutil.copytree(NOTEBOOKS / name, course / "source" / name)
        # One nbgrader for all of them: its assignment id is a glob, and the scratch
        # course holds only the chosen assignments (a Python start-up each costs ~1.5 s).
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force",
             f"--CourseDirectory.root={course}"],
            cwd=course, env=nbgrader_env(), capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {' '.join(chosen)} failed:\n"
                               f"{proc.stderr}")
        released = sorted((course / "release").glob("*/*.ipynb"))
        missing = sorted(set(chosen) - {notebook.parent.name for notebook in released})
        if missing:
            raise RuntimeError(f"nbgrader generate_assignment released nothing for {missing}:"
                               f"\n{proc.stderr}")
        for notebook in released:
            text = notebook.read_text(encoding="utf-8")
            leaked = [m for m in LEAK_MARKERS if m in text]
            if leaked:
                raise RuntimeError(f"{notebook.name} still contains {leaked}: not released")
        written = []
        for notebook in released:
            target = out / notebook.parent.name / notebook.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook, target)
            written.append(target)
    return written
