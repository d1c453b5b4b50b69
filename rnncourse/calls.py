"""`repeat_calls`: call a function many times with the same arguments.

A statistical test (a sampler checked over thousands of draws) calls the student's
function in a loop. In a notebook that is a plain loop. When the grader runs the
test, the student's function lives in another process, and a loop of ten thousand
calls would cross between the two processes ten thousand times; the grader's
stand-in for the function therefore offers `__rnncourse_repeat__`, which runs the
same loop on the student's side in one exchange. Either way the function sees the
same objects on every call, so a random generator advances from one call to the
next exactly as in the plain loop.

Example:

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> draws = repeat_calls(lambda r: int(r.integers(10)), 5, rng)
>>> len(draws)
5
"""

from __future__ import annotations

REPEAT_HOOK = "__rnncourse_repeat__"
MAX_REPEATS = 1_000_000


def repeat_calls(fn, n: int, *args, **kwargs) -> list:
    """`[fn(*args, **kwargs) for _ in range(n)]`, in one exchange where the grader can.

    Args:
        fn: the function to call.
        n: how many calls, `0 <= n <= 1_000_000`.
        *args, **kwargs: passed to every call (the same objects each time).

    Returns:
        The list of the `n` results, in order. The first exception a call raises
        propagates, as in the plain loop.

    Example:

    >>> repeat_calls(abs, 3, -2)
    [2, 2, 2]
    """
    n = int(n)
    if not 0 <= n <= MAX_REPEATS:
        raise ValueError(f"n must be between 0 and {MAX_REPEATS:,}, got {n}")
    hook = getattr(fn, REPEAT_HOOK, None)
    # Only the grader's stand-in has the hook. A student's function could fake one, but
    # only in the student's own kernel, whose verdict the grader's clean run overrides.
    if callable(hook):
        return list(hook(n, args, kwargs))
    return [fn(*args, **kwargs) for _ in range(n)]
