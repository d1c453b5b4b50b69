"""`check`: run a student's function on seeded cases and compare it with Keras.

A failure raises `AssertionError` with a message written for the student:
which case and which output, expected against received shape, the largest
absolute and relative errors and where they are, and, when the answer is
reproduced by a known mistake (`rnncourse.hints`), the mistake's name.
A function that calls TensorFlow, Keras or rnncourse's own reference code
fails with a message that says so: the exercises are from scratch.

Example:

>>> from rnncourse import reference
>>> from rnncourse.cases import make_cases
>>> check(rnn_cell_forward, reference.rnn_cell_forward,
...       make_cases("rnn_cell_forward"))                     # doctest: +SKIP
rnn_cell_forward matches Keras on all 8 cases.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass

import numpy as np

from rnncourse.cases import Case


def _known_mistakes(exercise: str) -> list:
    """The known mistakes of `exercise`: the instructor's runnable library where it is
    installed (the grader: any case), else the outputs recorded from it that ship with
    this package (a student's machine: the package's own cases; `rnncourse.hints`)."""
    try:
        from autograder.mistakes import MISTAKES
    except ImportError:
        from rnncourse.hints import recorded

        return recorded(exercise)
    return MISTAKES.get(exercise, [])

# float32 carries ~7 significant digits; Keras and NumPy sum in different orders.
TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}  # (rtol, atol)

# Right to float32's ~7 digits but not to float64's: the commonest precision mistake.
FLOAT32_HINT = (
    "the values agree only to float32 precision (about 7 significant digits). The inputs "
    "of this case are float64, so compute and return float64: do not cast to float32 "
    "(astype(np.float32), np.float32(...), dtype=np.float32 in np.zeros or np.array); "
    "build new arrays with the inputs' dtype, e.g. np.zeros(shape, dtype=x.dtype).")

# Packages a from-scratch answer must not call into.
FORBIDDEN_PACKAGES = ("tensorflow", "keras", "tf_keras", "torch", "jax", "rnncourse")


@dataclass
class Mismatch:
    """What went wrong on one output of one case."""

    output: str
    message: str


# --- turning whatever the student returned into plain arrays -----------------------------


def _plain_array(value, where: str) -> np.ndarray:
    """A float64 copy of `value` as a plain ndarray, whatever subclass it pretends to be."""
    module = type(value).__module__ or ""
    if module.startswith(("tensorflow", "keras", "torch", "jax")):
        raise _Problem(
            f"{where} is a {type(value).__module__}.{type(value).__name__}, not a NumPy array: "
            "compute with NumPy and return an np.ndarray."
        )
    if isinstance(value, np.ndarray):
        # Bypass any overridden methods of an ndarray subclass.
        array = np.ndarray.copy(value).view(np.ndarray)
    else:
        try:
            array = np.array(value, copy=True)
        except Exception as err:  # noqa: BLE001 - anything the student returned
            raise _Problem(f"{where} could not be turned into an array ({err}).") from None
        if type(array) is not np.ndarray:
            array = np.ndarray.copy(array).view(np.ndarray)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise _Problem(f"{where} has dtype {array.dtype}; expected a float array.")
    return array.astype(np.float64)


class _Problem(Exception):
    """A structural problem with a student's output (wrong type, wrong nesting)."""


def _flatten(value, names, where="your output"):
    """Turn an output (array, tuple, dict, or nested list) into [(label, array)]."""
    if len(names) == 1:
        return _flatten_one(value, names[0])
    if isinstance(value, dict):
        missing = [n for n in names if n not in value]
        if missing:
            raise _Problem(
                f"{where} is a dict without the key(s) {missing}; expected keys {list(names)}."
            )
        items = [(n, value[n]) for n in names]
    elif isinstance(value, (tuple, list)):
        if len(value) != len(names):
            raise _Problem(
                f"{where} has {len(value)} item(s); expected a tuple of {len(names)}: "
                f"({', '.join(names)})."
            )
        items = list(zip(names, value))
    else:
        raise _Problem(
            f"{where} is a {type(value).__name__}; expected a tuple ({', '.join(names)})."
        )
    flat = []
    for name, item in items:
        flat += _flatten_one(item, name)
    return flat


def _flatten_one(value, name):
    # A dict of arrays (e.g. the gradients of every weight) keeps one label per key; the
    # comparison reports a missing or extra key by its label.
    if isinstance(value, dict):
        return [(f"{name}[{key!r}]", _plain_array(value[key], f"{name}[{key!r}]"))
                for key in sorted(value, key=str)]
    # Lists of arrays (e.g. clip_by_global_norm's clipped list) keep one label per item.
    if name.endswith("_list"):
        if not isinstance(value, (list, tuple)):
            raise _Problem(f"{name} should be a list of arrays, got {type(value).__name__}.")
        return [(f"{name}[{i}]", _plain_array(v, f"{name}[{i}]")) for i, v in enumerate(value)]
    return [(name, _plain_array(value, name))]


# --- detecting calls into TensorFlow, Keras or our own reference -------------------------


_PACKAGE_NAMES = {"tensorflow": "TensorFlow", "keras": "Keras", "tf_keras": "Keras",
                  "torch": "PyTorch", "jax": "JAX", "rnncourse": "rnncourse's own code"}


def _forbidden_roots():
    roots = []
    for package in FORBIDDEN_PACKAGES:
        module = sys.modules.get(package)
        path = getattr(module, "__file__", None)
        if path:
            roots.append((package, os.path.dirname(os.path.abspath(path)) + os.sep))
    return roots


def call_from_scratch(fn, args, kwargs):
    """Call `fn(*args, **kwargs)` and report any call into a forbidden package.

    Returns:
        `(result, forbidden)` where `forbidden` is None or the dotted name of the
        first TensorFlow/Keras/rnncourse function the call reached.
    """
    roots = _forbidden_roots()
    found: list[str] = []
    this_thread = threading.get_ident()

    def profiler(frame, event, arg):
        if found or threading.get_ident() != this_thread:
            return
        if event == "call":
            filename = frame.f_code.co_filename
            for package, root in roots:
                if filename.startswith(root):
                    found.append(f"{_PACKAGE_NAMES.get(package, package)} "
                                 f"({frame.f_globals.get('__name__', package)}."
                                 f"{frame.f_code.co_name})")
                    return
        elif event == "c_call":
            module = getattr(arg, "__module__", None) or ""
            package = module.split(".")[0]
            if package in FORBIDDEN_PACKAGES:
                found.append(f"{_PACKAGE_NAMES.get(package, package)} "
                             f"({module}.{getattr(arg, '__name__', '?')})")

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.setprofile(previous)
    return result, (found[0] if found else None)


# --- comparing ---------------------------------------------------------------------------


def _close(expected, got, dtype):
    rtol, atol = TOLERANCES[dtype]
    return expected.shape == got.shape and bool(
        np.all(np.abs(got - expected) <= atol + rtol * np.abs(expected))
    )


def _error_report(expected, got, dtype):
    rtol, atol = TOLERANCES[dtype]
    if not np.all(np.isfinite(got)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        return f"your output contains {got[bad]} at index {bad}: look for overflow or 0/0."
    abs_err = np.abs(got - expected)
    rel_err = abs_err / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    at_abs = np.unravel_index(np.argmax(abs_err), abs_err.shape)
    at_rel = np.unravel_index(np.argmax(rel_err), rel_err.shape)
    wrong = int(np.sum(abs_err > atol + rtol * np.abs(expected)))

    def idx(i):
        return tuple(int(j) for j in i)

    return (
        f"{wrong} of {got.size} values differ (tolerance for {dtype}: rtol={rtol:g}, "
        f"atol={atol:g}).\n"
        f"  largest absolute error {abs_err[at_abs]:.3g} at index {idx(at_abs)}: "
        f"expected {expected[at_abs]:.6g}, got {got[at_abs]:.6g}\n"
        f"  largest relative error {rel_err[at_rel]:.3g} at index {idx(at_rel)}: "
        f"expected {expected[at_rel]:.6g}, got {got[at_rel]:.6g}"
    )


def _shape_hint(expected_shape, got_shape):
    if len(expected_shape) == 3 and got_shape == (expected_shape[1], expected_shape[0],
                                                  expected_shape[2]):
        return ("your output looks time-major (time, batch, units): Keras is batch-major, "
                "so stack the time steps along axis 1.")
    if len(expected_shape) == 3 and got_shape == (expected_shape[0], expected_shape[2]):
        return "you returned one time step: return every step, shape (batch, time, units)."
    if got_shape == expected_shape[::-1]:
        return "your output is transposed."
    return None


def _compare(expected, got, dtype):
    """The first mismatching output, or None when everything agrees."""
    got_by_name = dict(got)
    expected_names = [name for name, _ in expected]
    missing = [n for n in expected_names if n not in got_by_name]
    extra = [n for n in got_by_name if n not in expected_names]
    if missing or extra:
        detail = f"missing {missing}" if missing else f"unexpected extra {extra}"
        return Mismatch((missing or extra)[0],
                        f"expected the outputs {expected_names}, got {list(got_by_name)} "
                        f"({detail}): return one array per input array.")
    for name, exp in expected:
        received = got_by_name[name]
        if exp.shape != received.shape:
            message = f"expected shape {exp.shape}, got shape {received.shape}."
            hint = _shape_hint(exp.shape, received.shape)
            return Mismatch(name, message + (f"\n  Hint: {hint}" if hint else ""))
        if not _close(exp, received, dtype):
            message = (f"shape {exp.shape} is right, but the values are not.\n  "
                       + _error_report(exp, received, dtype))
            if dtype == "float64" and _close(exp, received, "float32"):
                message += f"\n  Hint: {FLOAT32_HINT}"
            return Mismatch(name, message)
    return None


def _matching_mistakes(got, expected, case, names, mistakes):
    """The mistakes whose output reproduces the student's (and differs from Keras's)."""
    found = []
    for mistake in mistakes:
        try:
            with np.errstate(all="ignore"):
                variant = _flatten(mistake.output(case), names)
        except Exception:  # noqa: BLE001 - a variant may not apply to this shape (or case)
            continue
        same_as_student = all(
            _close(v, g, case.dtype) for (_, v), (_, g) in zip(variant, got)
        ) and len(variant) == len(got)
        same_as_keras = len(variant) == len(expected) and all(
            _close(v, e, case.dtype) for (_, v), (_, e) in zip(variant, expected)
        )
        if same_as_student and not same_as_keras:
            found.append(mistake)
    return found


# --- the check ---------------------------------------------------------------------------


def check(student_fn, reference, cases: list[Case], *, mistakes=None, name=None,
          verbose=True, from_scratch=True, builds_on=None) -> None:
    """Compare `student_fn` with the Keras `reference` on every case.

    Args:
        student_fn: the student's function, with the exercise's signature.
        reference: the matching function of `rnncourse.reference` (the oracle).
        cases: from `rnncourse.cases.make_cases(exercise)`.
        mistakes: the known mistakes to look for (objects with `name`, `hint` and
            `output(case)`); defaults to those of `reference.__name__`.
        name: how to call the function in messages (default: its `__name__`).
        verbose: print a one-line success message.
        from_scratch: fail a function that calls TensorFlow, Keras or rnncourse.
            Only our own tests turn this off, to check rnncourse's variants.
        builds_on: for a function made of the student's earlier functions, a dict
            `{exercise name: student's function}`. When the check fails, each is checked
            on its own first case, and the message names those that fail: a wrong
            piece, not the assembly, is then the likely cause.

    Returns:
        None, on purpose: nbgrader reads a number left as a test cell's last
        value as partial credit, so `check` must not return one.

    Raises:
        AssertionError: on the first case that fails, with a message that says
            which case and output, the shapes, the errors, and a named hint.

    Example:

    >>> check(my_rnn_forward, reference.rnn_forward, make_cases("rnn_forward"))  # doctest: +SKIP
    """
    if not callable(student_fn):
        raise TypeError(f"student_fn must be a function, got {type(student_fn).__name__}")
    if not callable(reference):
        raise TypeError(f"reference must be a function, got {type(reference).__name__}")
    cases = list(cases)
    if not cases or not all(isinstance(c, Case) for c in cases):
        raise ValueError("cases must be a non-empty list of rnncourse.cases.Case")
    name = name or getattr(student_fn, "__name__", "your function")
    names = getattr(reference, "output_names", ("output",))
    if mistakes is None:
        mistakes = _known_mistakes(reference.__name__)

    failures = []  # (message, got, expected, case, exception), in case order
    for number, case in enumerate(cases, start=1):
        where = f"{name} failed on case {number} of {len(cases)} ({case.label})"
        args, kwargs = case.copy_args()
        expected = _flatten(reference(*args, **kwargs), names)
        args, kwargs = case.copy_args()
        try:
            with np.errstate(all="ignore"):
                result, forbidden = call_from_scratch(student_fn, args, kwargs)
        except Exception as err:
            message = (f"{where}: it raised {type(err).__name__}: {err}\n"
                       f"  Arguments: {_describe_args(case)}")
            failures.append((message, None, expected, case, err))
            continue
        if forbidden and from_scratch:
            raise AssertionError(
                f"{name} calls {forbidden}: this exercise is from scratch, so compute it with "
                "NumPy only (no TensorFlow, Keras or rnncourse inside your function). "
                "It earns no credit until it does."
            )
        try:
            got = _flatten(result, names)
        except _Problem as problem:
            failures.append((f"{where}: {problem}", None, expected, case, None))
            continue
        mismatch = _compare(expected, got, case.dtype)
        if mismatch is not None:
            message = f"{where}, output {mismatch.output!r}:\n  {mismatch.message}"
            failures.append((message, got, expected, case, None))

    if not failures:
        if verbose:
            count = "the case" if len(cases) == 1 else f"all {len(cases)} cases"
            print(f"{name} matches Keras on {count}.")
        return None

    message, *_, error = failures[0]
    # A mistake can show only on some shapes (e.g. a swapped kernel when D == H),
    # so look for one on every failing case that produced an answer.
    for _, got, expected, case, _ in failures:
        found = got is not None and _matching_mistakes(got, expected, case, names, mistakes)
        if found:
            for mistake in found[:2]:
                message += f"\n  Hint ({mistake.name}): {mistake.hint}"
            break
    if len(failures) > 1:
        message += f"\n  ({len(failures) - 1} more of the {len(cases)} cases fail too.)"
    broken = failing_pieces(builds_on) if builds_on else []
    if broken:
        message += (f"\n  Note: {_join(broken)} {'does' if len(broken) == 1 else 'do'} not "
                    f"match Keras on {'its' if len(broken) == 1 else 'their'} own test; "
                    f"{name} builds on {'it' if len(broken) == 1 else 'them'}, so fix "
                    f"{'it' if len(broken) == 1 else 'them'} first.")
    raise AssertionError(message) from error


def failing_pieces(pieces) -> list[str]:
    """The names of the student's functions in `pieces` that fail their own first case.

    Args:
        pieces: a dict `{exercise name: student's function}`; the exercise name picks
            the Keras reference (`rnncourse.reference`) and the cases (`make_cases`).

    Returns:
        The names whose function fails (or raises), in the dict's order.

    Example:

    >>> failing_pieces({"dense_forward": dense_forward})        # doctest: +SKIP
    []
    """
    from rnncourse import reference
    from rnncourse.cases import make_cases

    broken = []
    for exercise, function in pieces.items():
        try:
            check(function, getattr(reference, exercise), make_cases(exercise)[:1],
                  verbose=False)
        except (AssertionError, TypeError):
            broken.append(exercise)
    return broken


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _describe_args(case: Case) -> str:
    def describe(value):
        if isinstance(value, np.ndarray):
            return f"array{value.shape} {value.dtype}"
        if isinstance(value, (list, tuple)):
            inner = ", ".join(describe(v) for v in value)
            return f"[{inner}]" if isinstance(value, list) else f"({inner})"
        return repr(value)

    parts = [f"{n}={describe(v)}" for n, v in zip(case.arg_names, case.args)]
    parts += [f"{k}={v!r}" for k, v in case.kwargs.items()]
    return ", ".join(parts)


def diagnose(student_fn, exercise: str, case: Case) -> list:
    """The known mistakes that reproduce `student_fn`'s output on `case`.

    Example:

    >>> diagnose(my_gru, "gru_forward", make_cases("gru_forward")[0])  # doctest: +SKIP
    [Mistake(name='update_gate_reversed', ...)]
    """
    from rnncourse import reference

    ref = getattr(reference, exercise)
    names = ref.output_names
    args, kwargs = case.copy_args()
    expected = _flatten(ref(*args, **kwargs), names)
    args, kwargs = case.copy_args()
    got = _flatten(student_fn(*args, **kwargs), names)
    return _matching_mistakes(got, expected, case, names, _known_mistakes(exercise))
