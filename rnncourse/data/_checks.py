"""Argument checks shared by the data modules.

Each check names the argument in its message, so a student who passes
`window=0` reads "window must be a positive integer, got 0" and knows
exactly which argument to fix.
"""

from __future__ import annotations

import numbers

import numpy as np

Seed = int | np.random.Generator | None


def check_int(name: str, value: object, minimum: int = 1) -> int:
    """Return `value` as an int, or raise if it is not an integer >= `minimum`."""
    # bool is an int subclass, but `window=True` is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        if minimum == 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_float(
    name: str,
    value: object,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return `value` as a float, or raise if it is not a real number in range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must be in {left}{lo}, {hi}{right}, got {value:g}")
    return value


def rng_from(seed: Seed) -> np.random.Generator:
    """A NumPy Generator from an int seed, an existing Generator, or None."""
    if isinstance(seed, bool) or not (
        seed is None or isinstance(seed, (numbers.Integral, np.random.Generator))
    ):
        raise TypeError(
            f"seed must be an int, a numpy.random.Generator or None, got {seed!r} "
            f"({type(seed).__name__})"
        )
    if isinstance(seed, numbers.Integral) and seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng(seed)
