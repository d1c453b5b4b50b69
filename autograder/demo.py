"""A demo class: generated submissions, correct, partly wrong, broken and hostile.

`make grade` grades this class; `tests/test_autograde.py` grades it too and checks
every status and score. Each kind below is one student. The submissions start
from the released student notebooks (what students download) and the source's
solutions, and change them the way real students, broken uploads and cheaters do.

Example:

    python -m autograder demo --out demo/submitted
"""

from __future__ import annotations

import functools
import json
import random
import shutil
import textwrap
from pathlib import Path

from autograder.release import release
from autograder.spec import load_assignment, nbgrader_meta

A1 = "01_forward_pass"
A1_NOTEBOOK = "forward_pass.ipynb"



@functools.cache
def solution(grade_id: str) -> str:
    """The source's answer cell `grade_id` of assignment 1 (the instructor's solution)."""
    spec = load_assignment(A1).notebooks[0]
    return spec.cell(grade_id).source


def wrong_forward() -> str:
    """A plausible mistake: the recurrent kernel transposed (right only when symmetric)."""
    wrong = solution("rnn_forward").replace("h, kernel, recurrent_kernel, bias)",
                                            "h, kernel, recurrent_kernel.T, bias)")
    if wrong == solution("rnn_forward"):
        raise RuntimeError("the solution of rnn_forward changed: update demo.wrong_forward")
    return wrong


# Wrong, and shaped right, so only the values can catch it.
ZERO_FORWARD = '''\
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    return np.zeros((x.shape[0], x.shape[1], h0.shape[1]), dtype=x.dtype)
'''


def _cells(nb, **answers):
    """Put `answers` (grade_id -> source) into the solution cells of notebook dict `nb`."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def _dump(nb) -> bytes:
    return json.dumps(nb, indent=1).encode()


def _a1(nb, forward=None, cell=None, prefix=""):
    """Assignment 1 answered: `prefix` is code placed before the rnn_forward answer."""
    return _cells(nb, rnn_cell_forward=cell or solution("rnn_cell_forward"),
                  rnn_forward=prefix + (forward or solution("rnn_forward")))


def _add_cell(nb, index, source):
    nb = json.loads(json.dumps(nb))
    nb["cells"].insert(index, {"cell_type": "code", "metadata": {}, "source": source,
                               "outputs": [], "execution_count": None})
    return nb


def _index(nb, grade_id):
    for i, cell in enumerate(nb["cells"]):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


# --- the kinds of submission ---------------------------------------------------------
# Each returns {file name: bytes or ("symlink", target)} for the student's assignment-1
# folder.

def correct(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb))}


def correct_vectorised_helper(nb, **_):
    helper = "def _step(x_t, h, k, rk, b):\n    return np.tanh(x_t @ k + h @ rk + b)\n"
    nb = _add_cell(_a1(nb, cell="def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, "
                          "bias):\n    return _step(x_t, h_prev, kernel, recurrent_kernel, "
                          "bias)\n"), 2, helper)
    return {A1_NOTEBOOK: _dump(nb)}


def correct_with_stderr_warnings(nb, **_):
    noisy = ("import sys, warnings\n"
             "warnings.warn('this is only a warning')\n"
             "print('debug output on stderr', file=sys.stderr)\n")
    cell = "import sys, warnings\n\n" + solution("rnn_cell_forward").replace(
        "    return",
        "    print('step', file=sys.stderr)\n    warnings.warn('careful')\n    return")
    return {A1_NOTEBOOK: _dump(_a1(nb, cell=cell, prefix=noisy))}


# Honest students whose notebooks come in odd shapes: each keeps full marks.
def correct_nbformat3(nb, **_):
    """Saved by an old Jupyter, in nbformat 3."""
    import nbformat

    old = nbformat.convert(nbformat.from_dict(_a1(nb)), 3)
    return {A1_NOTEBOOK: nbformat.writes(old, version=3).encode()}


def correct_with_cell_magics(nb, **_):
    """Times one answer with `%%time` and silences the other with `%%capture`."""
    return {A1_NOTEBOOK: _dump(_a1(nb, cell="%%time\n" + solution("rnn_cell_forward"),
                                   prefix="%%capture\n"))}


def correct_with_large_outputs(nb, **_):
    """Saved with 30 MiB of outputs (a long debugging print)."""
    nb = _a1(nb)
    big = {"output_type": "stream", "name": "stdout", "text": "x" * (30 << 20)}
    nb["cells"][_index(nb, "rnn_forward")]["outputs"] = [big]
    return {A1_NOTEBOOK: _dump(nb)}


def correct_imports_tensorflow(nb, **_):
    """Imports TensorFlow at the top of an answer cell, out of habit, and never uses it."""
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix="import tensorflow as tf\n\n"))}


def correct_retyped_in_a_new_cell(nb, **_):
    """Deleted the answer cell by mistake and typed the function again in a new cell."""
    nb = _a1(nb)
    index = _index(nb, "rnn_cell_forward")
    del nb["cells"][index]
    return {A1_NOTEBOOK: _dump(_add_cell(nb, index, solution("rnn_cell_forward")))}


def renamed_copy(nb, **_):
    return {f"Copy of {A1_NOTEBOOK}": _dump(_a1(nb))}


def one_function_wrong(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=wrong_forward()))}


def unanswered(nb, **_):
    return {A1_NOTEBOOK: _dump(nb)}


def truncated_file(nb, **_):
    data = _dump(_a1(nb))
    return {A1_NOTEBOOK: data[: len(data) // 2]}


def not_a_notebook(nb, **_):
    return {A1_NOTEBOOK: b'{"hello": "this is JSON, but not a notebook"}'}


def binary_garbage(nb, **_):
    return {A1_NOTEBOOK: bytes(random.Random(0).randrange(256) for _ in range(4096))}


def missing_notebook(nb, **_):
    return {"answers.txt": b"I forgot to upload the notebook\n"}


def deleted_answer_cell(nb, **_):
    nb = _a1(nb)
    del nb["cells"][_index(nb, "rnn_cell_forward")]
    return {A1_NOTEBOOK: _dump(nb)}


def duplicated_answer_cell(nb, **_):
    nb = _a1(nb, forward=wrong_forward())
    fixed = json.loads(json.dumps(nb["cells"][_index(nb, "rnn_forward")]))
    fixed["source"] = solution("rnn_forward")
    nb["cells"].insert(_index(nb, "rnn_forward") + 1, fixed)   # the later copy is right
    return {A1_NOTEBOOK: _dump(nb)}


def edited_test_cell(nb, **_):
    nb = _a1(nb, forward=ZERO_FORWARD)
    nb["cells"][_index(nb, "test_rnn_forward")]["source"] = "pass  # all good\n"
    return {A1_NOTEBOOK: _dump(nb)}


def deleted_test_cell(nb, **_):
    nb = _a1(nb, forward=ZERO_FORWARD)
    del nb["cells"][_index(nb, "test_rnn_forward")]
    return {A1_NOTEBOOK: _dump(nb)}


def infinite_loop_at_top_level(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix="while True:\n    pass\n\n"))}


def infinite_loop_in_function(nb, **_):
    forward = ("def rnn_forward(x, h0, kernel, recurrent_kernel, bias):\n"
               "    while True:\n        try:\n            pass\n"
               "        except BaseException:\n            pass\n")
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=forward))}


def os_exit_at_top_level(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix="import os\nos._exit(0)\n\n"))}


def os_exit_in_function(nb, **_):
    forward = ("def rnn_forward(x, h0, kernel, recurrent_kernel, bias):\n"
               "    import os\n    os._exit(3)\n")
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=forward))}


def system_exit(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix="import sys\nsys.exit('bye')\n\n"))}


def memory_bomb(nb, **_):
    forward = ("def rnn_forward(x, h0, kernel, recurrent_kernel, bias):\n"
               "    hog = np.ones((8, 2**30))      # 64 GiB\n"
               "    return hog[:x.shape[0], :x.shape[1]]\n")
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=forward))}


def memory_bomb_list(nb, **_):
    # Blocks of 256 MiB: the cap is reached in a few allocations however busy the machine.
    prefix = "hog = []\nwhile True:\n    hog.append(bytearray(2**28))\n\n"
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix=prefix))}


def megabytes_of_output(nb, **_):
    # rnn_forward is wrong too, so that the notebook also runs in a kernel (full marks in
    # the clean run would make that unnecessary).
    prefix = "for _ in range(200_000):\n    print('spam ' * 20)\n\n"
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=ZERO_FORWARD, prefix=prefix))}


HOSTILE_PREFIXES = {
    # Each is wrong code plus a trick that would make naive in-kernel tests pass.
    "patches_numpy": """\
import numpy
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.abs = lambda x, *a, **k: numpy.zeros(numpy.shape(x))
numpy.absolute = numpy.abs
""",
    "patches_numpy_allclose": """\
import numpy
numpy.allclose = lambda *a, **k: True
""",
    "patches_check": """\
import rnncourse, rnncourse.checks
rnncourse.checks.check = lambda *a, **k: None
rnncourse.check = rnncourse.checks.check
check = rnncourse.checks.check
""",
    "patches_assert_helpers": """\
import rnncourse.checks as _checks
_checks._compare = lambda expected, got, dtype: None
_checks._close = lambda *a: True
""",
    "replaces_sys_modules": """\
import sys, types
_fake = types.ModuleType('rnncourse.checks')
_fake.check = lambda *a, **k: None
sys.modules['rnncourse.checks'] = _fake
sys.modules['rnncourse'].check = _fake.check
check = _fake.check
""",
    "replaces_import": """\
import builtins, types
_real_import = builtins.__import__
def _import(name, *args, **kwargs):
    module = _real_import(name, *args, **kwargs)
    if name.startswith('rnncourse'):
        fake = types.SimpleNamespace(**vars(module))
        fake.check = lambda *a, **k: None
        return fake
    return module
builtins.__import__ = _import
import rnncourse
check = lambda *a, **k: None
""",
    "silences_tracebacks": """\
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
ip.showsyntaxerror = lambda *a, **k: None
""",
}

LYING_ARRAY = '''\
class Agreeable(np.ndarray):
    """An array that says it equals everything."""
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool).view(Agreeable)
    def __ne__(self, other):
        return np.zeros(np.shape(other), dtype=bool)
    def __sub__(self, other):
        return np.zeros(np.shape(other))
    def __rsub__(self, other):
        return np.zeros(np.shape(other))
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast_shapes(*[np.shape(i) for i in inputs]))
    def __abs__(self):
        return np.zeros(self.shape)

def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    return np.zeros((x.shape[0], x.shape[1], h0.shape[1])).view(Agreeable)
'''

CALLS_KERAS = '''\
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    from rnncourse import reference as _oracle
    return _oracle.rnn_forward(x, h0, kernel, recurrent_kernel, bias)
'''


def _hostile(prefix):
    def build(nb, **_):
        return {A1_NOTEBOOK: _dump(_a1(nb, forward=ZERO_FORWARD, prefix=prefix))}

    return build


def lying_ndarray_subclass(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=LYING_ARRAY))}


def calls_keras(nb, **_):
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=CALLS_KERAS))}


def writes_outside_its_folder(nb, canary="/tmp/rnncourse-canary.txt", **_):
    prefix = textwrap.dedent(f"""\
        for _path in [{canary!r}]:
            try:
                with open(_path, 'w') as _f:
                    _f.write('overwritten by a submission')
            except OSError as _err:
                print('blocked:', _err)
        """)
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix=prefix))}


COPIES = """\
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    import json
    for path in {paths!r}:
        try:
            cells = json.load(open(path))["cells"]
        except OSError as err:
            print("blocked:", err)
            continue
        for cell in cells:
            source = "".join(cell["source"])
            if source.startswith("def rnn_forward"):
                scope = dict(globals())
                exec(source, scope)
                return scope["rnn_forward"](x, h0, kernel, recurrent_kernel, bias)
    return np.zeros((x.shape[0], x.shape[1], h0.shape[1]), dtype=x.dtype)
"""


def copies_another_submission(nb, submitted="", **_):
    """Looks up a classmate's notebook at grading time and runs their answer."""
    path = str(Path(submitted).resolve() / "correct" / A1 / A1_NOTEBOOK)
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=COPIES.format(paths=[path])))}


def reads_the_solution(nb, **_):
    """Runs the instructor's solution from the course's source notebook."""
    path = str(Path(__file__).resolve().parents[1] / "notebooks" / A1 / A1_NOTEBOOK)
    forward = COPIES.format(paths=[path]).replace(
        "source.startswith(\"def rnn_forward\")", "source.startswith(\"def rnn_forward\") "
        "and \"### BEGIN SOLUTION\" in source")
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=forward))}


KILLS_THE_GRADER = """\
import os, signal
for _pid in (os.getppid(), os.getpgid(0) and -os.getpgid(os.getppid())):
    try:
        os.kill(_pid, signal.SIGKILL)
    except (OSError, ValueError) as _err:
        print("blocked:", _err)

"""


def kills_the_grader(nb, **_):
    """Tries to kill the process that runs the notebook (the grader's worker)."""
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=ZERO_FORWARD, prefix=KILLS_THE_GRADER))}


# The attacks that beat the first wave's audit hook (issue 9). In a room they find
# nothing: the files are absent, not guarded, and no process outlives the job.
READS_BY_DIRECTORY_FD = """\
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    import json, os
    for path in {paths!r}:
        try:
            root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
            fd = os.open(path.lstrip("/"), os.O_RDONLY, dir_fd=root)
            cells = json.loads(os.read(fd, 1 << 24))["cells"]
        except (OSError, ValueError) as err:
            print("blocked:", err)
            continue
        for cell in cells:
            source = "".join(cell["source"])
            if source.startswith("def rnn_forward") and "np.zeros" not in source:
                scope = dict(globals())
                exec(source, scope)
                return scope["rnn_forward"](x, h0, kernel, recurrent_kernel, bias)
    return np.zeros((x.shape[0], x.shape[1], h0.shape[1]), dtype=x.dtype)
"""


def reads_by_directory_fd(nb, submitted="", **_):
    """Opens the source solution and a classmate's notebook relative to a directory
    descriptor (`dir_fd`), which an audit hook checks against the wrong folder."""
    paths = [str(Path(__file__).resolve().parents[1] / "notebooks" / A1 / A1_NOTEBOOK),
             str(Path(submitted).resolve() / "correct" / A1 / A1_NOTEBOOK)]
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=READS_BY_DIRECTORY_FD.format(paths=paths)))}


TAMPERS_WITH_THE_OUTPUT = """\
import os
for _top in ("/tmp", "/work", "/root", os.path.dirname(os.getcwd())):
    for _dir, _subdirs, _files in os.walk(_top):
        if _dir.count(os.sep) > 8:
            _subdirs[:] = []
        for _name in _files:
            if _name.endswith((".json", ".csv", ".py")) and "rnncourse" not in _dir:
                try:
                    with open(os.path.join(_dir, _name), "a") as _f:
                        _f.write("tampered")
                except OSError:
                    pass

"""


def tampers_with_the_output(nb, **_):
    """Walks every folder it can see and appends to every saved result, grade sheet and
    Python file it can open (the output folder, classmates' results, the grader)."""
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=ZERO_FORWARD, prefix=TAMPERS_WITH_THE_OUTPUT))}


LEAVES_A_PROCESS_BEHIND = """\
import os, sys, _posixsubprocess
_code = ("import time, glob\\n"
         "time.sleep(3)\\n"
         "for p in glob.glob('/tmp/**/grades.csv', recursive=True):\\n"
         "    open(p, 'a').write('stayed-behind,01_forward_pass,5,5,graded,\\\\n')\\n"
         "time.sleep(600)\\n")
_argv = [sys.executable, "-c", _code, "rnncourse-" + "stayed-behind"]
try:
    _r, _w = os.pipe()
    _posixsubprocess.fork_exec(_argv, [os.fsencode(sys.executable)], True, (_w,), None, None,
                               -1, -1, -1, -1, -1, -1, _r, _w, False, True, -1,
                               None, None, None, -1, None, False)
except Exception as _err:
    print("blocked:", _err)
try:
    os.mkfifo("grades.csv")
except OSError as _err:
    print("blocked:", _err)

"""


def leaves_a_process_behind(nb, **_):
    """Starts a daemon through `_posixsubprocess.fork_exec` (no audit event) that wakes
    up after grading to rewrite grades, and leaves a FIFO where a grader might write."""
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=ZERO_FORWARD, prefix=LEAVES_A_PROCESS_BEHIND))}


FORGES_A_REPLY = """\
import os, struct, sys
for _fd in range(3, 64):
    try:
        os.write(_fd, struct.pack("<I", 9) + b"not-codec")
    except OSError:
        pass

"""


def forges_a_reply(nb, **_):
    """Writes a crafted message into every file descriptor it has (the sandbox's channel
    to the grader among them)."""
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix=FORGES_A_REPLY))}


CALLS_THE_PACKAGES_NUMPY = """\
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    import sys
    sys.setprofile(None)                # switch off check()'s from-scratch detector
    try:
        try:
            from rnncourse import mistakes          # where the library once was
        except ImportError:
            from autograder import mistakes         # the instructor's checkout
        return mistakes._rnn_forward_variant({})(x, h0, kernel, recurrent_kernel, bias)
    except Exception as err:
        print("blocked:", err)
        return np.zeros((x.shape[0], x.shape[1], h0.shape[1]), dtype=x.dtype)
"""


def calls_the_packages_numpy(nb, **_):
    """Builds a correct rnn_forward from the library of NumPy mistake variants (no mistake
    switched on), after switching off the profiler that detects calls into rnncourse."""
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=CALLS_THE_PACKAGES_NUMPY))}


def forges_a_grader_note(nb, **_):
    """Stops a cell with an exception whose message is Markdown: a fake grader note and
    an image from a remote server (a tracking pixel) if the feedback rendered it."""
    prefix = ('raise ValueError("![pixel](http://198.51.100.7/pixel.png) '
              '**Notes from the grader: full marks, 5/5**")\n\n')
    return {A1_NOTEBOOK: _dump(_a1(nb, prefix=prefix))}


def link_to_a_classmate(nb, submitted="", **_):
    """Submits a symbolic link to another student's notebook instead of a file."""
    return {A1_NOTEBOOK: ("symlink", str(Path(submitted).resolve() / "correct" / A1 /
                                         A1_NOTEBOOK))}


def deeply_nested_json(nb, **_):
    return {A1_NOTEBOOK: b"[" * 100_000 + b"]" * 100_000}


def script_in_output(nb, **_):
    """An output that carries a script (it must not run in the feedback). rnn_forward is
    wrong, so that the notebook runs in a kernel and its outputs are shown."""
    prefix = ("from IPython.display import HTML, display\n"
              "display(HTML(\"<script>document.title = 'pwned'</script><b>bold</b>\"))\n\n")
    return {A1_NOTEBOOK: _dump(_a1(nb, forward=ZERO_FORWARD, prefix=prefix))}


def cells_that_are_not_text(nb, **_):
    nb = _a1(nb)
    nb["cells"][_index(nb, "rnn_forward")]["source"] = ["def rnn_forward(", 42, ")"]
    return {A1_NOTEBOOK: _dump(nb)}


KINDS = {
    "correct": correct,
    "correct_vectorised_helper": correct_vectorised_helper,
    "correct_with_stderr_warnings": correct_with_stderr_warnings,
    "renamed_copy": renamed_copy,
    "correct_nbformat3": correct_nbformat3,
    "correct_with_cell_magics": correct_with_cell_magics,
    "correct_with_large_outputs": correct_with_large_outputs,
    "correct_imports_tensorflow": correct_imports_tensorflow,
    "correct_retyped_in_a_new_cell": correct_retyped_in_a_new_cell,
    "one_function_wrong": one_function_wrong,
    "unanswered": unanswered,
    "truncated_file": truncated_file,
    "not_a_notebook": not_a_notebook,
    "binary_garbage": binary_garbage,
    "missing_notebook": missing_notebook,
    "deleted_answer_cell": deleted_answer_cell,
    "duplicated_answer_cell": duplicated_answer_cell,
    "edited_test_cell": edited_test_cell,
    "deleted_test_cell": deleted_test_cell,
    "infinite_loop_at_top_level": infinite_loop_at_top_level,
    "infinite_loop_in_function": infinite_loop_in_function,
    "os_exit_at_top_level": os_exit_at_top_level,
    "os_exit_in_function": os_exit_in_function,
    "system_exit": system_exit,
    "memory_bomb": memory_bomb,
    "memory_bomb_list": memory_bomb_list,
    "megabytes_of_output": megabytes_of_output,
    **{name: _hostile(prefix) for name, prefix in HOSTILE_PREFIXES.items()},
    "lying_ndarray_subclass": lying_ndarray_subclass,
    "calls_keras": calls_keras,
    "writes_outside_its_folder": writes_outside_its_folder,
    "copies_another_submission": copies_another_submission,
    "reads_the_solution": reads_the_solution,
    "kills_the_grader": kills_the_grader,
    "link_to_a_classmate": link_to_a_classmate,
    "reads_by_directory_fd": reads_by_directory_fd,
    "tampers_with_the_output": tampers_with_the_output,
    "leaves_a_process_behind": leaves_a_process_behind,
    "forges_a_reply": forges_a_reply,
    "forges_a_grader_note": forges_a_grader_note,
    "calls_the_packages_numpy": calls_the_packages_numpy,
    "deeply_nested_json": deeply_nested_json,
    "cells_that_are_not_text": cells_that_are_not_text,
    "script_in_output": script_in_output,
}


def solved(assignment_id, released_dir) -> dict[str, bytes]:
    """Every notebook of an assignment, answered with the source's solutions."""
    files = {}
    for spec in load_assignment(assignment_id).notebooks:
        answers = {nbgrader_meta(c).get("grade_id"): c.source for c in spec.notebook.cells
                   if nbgrader_meta(c).get("solution")}
        nb = json.loads((Path(released_dir) / assignment_id / spec.name).read_text())
        files[spec.name] = _dump(_cells(nb, **answers))
    return files


def write_class(out: Path, *, kinds=None, other_assignments=(), canary=None) -> list[str]:
    """Write one student per kind (assignment 1), plus solved copies of other assignments.

    Args:
        out: the `submitted/` folder to create (replaced if it exists).
        kinds: the kinds to include (default: all of `KINDS`).
        other_assignments: assignment ids that the `correct` student also submits.
        canary: the file `writes_outside_its_folder` tries to overwrite.

    Returns:
        The student ids written.
    """
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    released = out.parent / (out.name + "-release")
    release(released, sorted({A1, *other_assignments}))
    nb = json.loads((released / A1 / A1_NOTEBOOK).read_text())
    students = []
    for kind in kinds or KINDS:
        context = {"submitted": str(out)} | ({"canary": canary} if canary else {})
        files = KINDS[kind](nb, **context)
        folder = out / kind / A1
        folder.mkdir(parents=True)
        for name, data in files.items():
            if isinstance(data, tuple):         # ("symlink", target)
                (folder / name).symlink_to(data[1])
            else:
                (folder / name).write_bytes(data)
        students.append(kind)
    for assignment_id in other_assignments:
        for name, data in solved(assignment_id, released).items():
            folder = out / "correct" / assignment_id
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
    shutil.rmtree(released, ignore_errors=True)
    return students
