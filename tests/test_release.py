"""`python -m autograder release` writes student versions with nothing to give away."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from leaks import leaked, secret_lines

from autograder.release import LEAK_MARKERS, assignments

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(*args):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)


def test_release_writes_every_assignment_without_solutions_or_hidden_tests(tmp_path):
    result = _run("release", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = sorted(tmp_path.glob("*/*.ipynb"))
    expected = sorted(p.relative_to(ROOT / "notebooks") for p in ROOT.glob("notebooks/*/*.ipynb"))
    assert [p.relative_to(tmp_path) for p in written] == expected
    lines = secret_lines()
    for path in written:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        text = "".join("".join(cell["source"]) for cell in notebook["cells"])
        assert not [m for m in LEAK_MARKERS if m in text], path
        assert not leaked(text, lines), (path, leaked(text, lines))
        assert "raise NotImplementedError()" in text, path
        assert not any(c.get("outputs") for c in notebook["cells"]), path


def test_release_of_an_unknown_assignment_fails_clearly(tmp_path):
    result = _run("release", "--out", str(tmp_path), "--assignment", "99_nope")
    assert result.returncode == 1
    assert "unknown assignment(s) ['99_nope']" in result.stderr
    assert not list(tmp_path.iterdir())


def test_assignments_are_discovered_from_notebooks():
    assert assignments()[0] == "01_forward_pass"
    assert len(assignments()) == len(list(ROOT.glob("notebooks/*/*.ipynb")))
