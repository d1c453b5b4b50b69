"""What students install holds no answer.

The wheel of `rnncourse` is built from this checkout, exactly as a student would get
it, and unpacked into a scratch folder. Then:

* it holds the `rnncourse` package and its data only: no `autograder/`, no library of
  mistakes (whose variants, with no mistake switched on, are correct answers);
* every function it defines is run on the cases of every graded function whose
  arguments it accepts, and none that computes with NumPy alone gives Keras's answer
  (the Keras reference functions do, by design: they are the oracle, and calling them
  earns nothing in a from-scratch exercise);
* a named hint still works from it, with no instructor code present: the wheel is built
  from a checkout without the hints table, as `pip install "rnncourse @ git+..."` builds
  it, and setup.py's build step records the table into the wheel.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from leaks import leaked, secret_lines

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

PROBE = r'''
import importlib, inspect, json, os, pkgutil, sys
sys.path.insert(0, os.environ["UNPACKED"])
import numpy as np
import rnncourse
assert rnncourse.__file__.startswith(os.environ["UNPACKED"]), rnncourse.__file__
from rnncourse import reference
from rnncourse.cases import EXERCISES, make_cases
from rnncourse.checks import _close, _flatten

KERAS = tuple(os.path.dirname(importlib.import_module(m).__file__)
              for m in ("tensorflow", "keras"))


def uses_keras(fn, args, kwargs):
    touched = []

    def profile(frame, event, arg):
        if frame.f_code.co_filename.startswith(KERAS):
            touched.append(1)
            sys.setprofile(None)

    sys.setprofile(profile)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.setprofile(None)
    return result, bool(touched)


functions = {}
for info in pkgutil.walk_packages(rnncourse.__path__, "rnncourse."):
    module = importlib.import_module(info.name)
    for name, obj in vars(module).items():
        candidates = [(name, obj)]
        if inspect.isclass(obj) and obj.__module__ == module.__name__:
            candidates += [(f"{name}.{n}", f) for n, f in vars(obj).items()
                           if isinstance(f, (staticmethod, classmethod)) or inspect.isfunction(f)]
        for qualname, fn in candidates:
            fn = getattr(fn, "__func__", fn)
            if inspect.isfunction(fn) and fn.__module__ == module.__name__:
                functions[f"{module.__name__}.{qualname}"] = fn

report = {"functions": len(functions), "tried": 0, "numpy_answers": [], "keras": []}
for exercise in EXERCISES:
    ref, names = getattr(reference, exercise), getattr(reference, exercise).output_names
    for case in make_cases(exercise):
        args, kwargs = case.copy_args()
        expected = _flatten(ref(*args, **kwargs), names)
        for qualname, fn in functions.items():
            try:
                inspect.signature(fn).bind(*case.args, **case.kwargs)
            except (TypeError, ValueError):
                continue
            report["tried"] += 1
            args, kwargs = case.copy_args()
            try:
                with np.errstate(all="ignore"):
                    result, keras = uses_keras(fn, args, kwargs)
                got = _flatten(result, names)
            except Exception:
                continue
            if len(got) == len(expected) and all(
                    _close(e, g, case.dtype) for (_, e), (_, g) in zip(expected, got)):
                (report["keras"] if keras else report["numpy_answers"]).append(
                    f"{qualname} = {exercise} ({case.label})")
print(json.dumps(report))
'''


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    """The student wheel, built from a copy of the checkout, unpacked."""
    scratch = tmp_path_factory.mktemp("student-package")
    source = scratch / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "autograder/__init__.py",
                 "autograder/mistakes.py"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    # As `pip install "rnncourse @ git+..."` gets it: no hints table made by `make venv`.
    shutil.copytree(ROOT / "rnncourse", source / "rnncourse",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.rnnc"))
    assert not list(source.rglob("*.rnnc"))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(scratch / "dist"), str(source)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [wheel] = (scratch / "dist").glob("rnncourse-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(scratch / "unpacked")
    return scratch / "unpacked"


def test_the_wheel_holds_rnncourse_and_its_data_only(unpacked):
    tops = {path.name for path in unpacked.iterdir()}
    assert {name for name in tops if not name.endswith(".dist-info")} == {"rnncourse"}, tops
    files = [p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()]
    assert not [f for f in files if "mistakes" in Path(f).stem and f.endswith(".py")], files
    assert "rnncourse/data/known_mistakes.rnnc" in files, (
        "the recorded hints are not in the wheel: setup.py's build step records them")


def test_no_solution_line_is_anywhere_in_the_wheel(unpacked):
    lines = secret_lines()
    assert len(lines) > 40, "the source notebooks' solutions were not found"
    found = {}
    for path in unpacked.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf8", errors="ignore")
            hits = leaked(text, lines)
            if hits:
                found[path.relative_to(unpacked).as_posix()] = hits[:3]
    assert not found, f"solution lines in the student package: {found}"


def test_no_function_in_the_wheel_computes_a_graded_answer_with_numpy(unpacked, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True,
        timeout=900, check=False,
        env={"UNPACKED": str(unpacked), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg",
             "TF_CPP_MIN_LOG_LEVEL": "3", "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["functions"] > 100 and report["tried"] > 0, report
    assert not report["numpy_answers"], (
        "the student package computes graded answers in NumPy:\n"
        + "\n".join(report["numpy_answers"]))
    # The probe does find answers where they are meant to be: Keras's own functions.
    assert any(line.startswith("rnncourse.reference.rnn_forward ") for line in
               report["keras"]), report["keras"][:5]


def test_a_named_hint_works_from_the_wheel_alone(unpacked, tmp_path):
    script = (
        "import importlib.util, os, sys\n"
        "sys.path.insert(0, os.environ['UNPACKED'])\n"
        "assert importlib.util.find_spec('autograder') is None, 'instructor code found'\n"
        "import numpy as np\n"
        "from rnncourse import reference\n"
        "from rnncourse.cases import make_cases\n"
        "from rnncourse.checks import check\n"
        "def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):\n"
        "    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel)\n"
        "try:\n"
        "    check(rnn_cell_forward, reference.rnn_cell_forward,"
        " make_cases('rnn_cell_forward'))\n"
        "except AssertionError as err:\n"
        "    print(err)\n")
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
        timeout=600, check=False,
        env={"UNPACKED": str(unpacked), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3",
             "HOME": str(tmp_path)})
    assert "Hint (no_bias)" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
