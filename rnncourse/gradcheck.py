"""Finite differences: a gradient check that trusts neither Keras nor the student.

Example:

>>> import numpy as np
>>> x = np.array([[1.0, 2.0]])
>>> grad = numerical_gradient(lambda a: np.sin(a), (x,), 0, upstream=np.ones_like(x))
>>> np.allclose(grad, np.cos(x), atol=1e-6)
True
"""

from __future__ import annotations

import numpy as np


def numerical_gradient(fn, args, index, upstream, eps=1e-6):
    """Central differences of `sum(fn(*args) * upstream)` with respect to `args[index]`.

    Use float64 arguments: in float32 the differences drown in rounding.

    Args:
        fn: a function of `args` returning one array shaped like `upstream`.
        args: the positional arguments (a tuple); only `args[index]` is perturbed.
        index: which argument to differentiate with respect to.
        upstream: the weights of the sum, shaped like `fn`'s output.
        eps: the step size.

    Returns:
        An array shaped like `args[index]`.
    """
    if not 0 <= index < len(args):
        raise ValueError(f"index must be in [0, {len(args)}), got {index}")
    if np.asarray(args[index]).dtype != np.float64 or np.asarray(upstream).dtype != np.float64:
        raise TypeError("numerical_gradient needs float64 arguments and upstream")
    target = np.array(args[index], dtype=np.float64)
    grad = np.zeros_like(target)
    for position in np.ndindex(target.shape):
        values = []
        for sign in (1.0, -1.0):
            moved = target.copy()
            moved[position] += sign * eps
            new_args = list(args)
            new_args[index] = moved
            values.append(np.sum(np.asarray(fn(*new_args)) * upstream))
        grad[position] = (values[0] - values[1]) / (2.0 * eps)
    return grad


def assert_matches_finite_differences(forward, args, names, grads, upstream, label,
                                      rtol=1e-5, atol=1e-7):
    """Assert that every gradient in `grads` equals central differences.

    The gradients are those of `sum(forward(*args) * upstream)`; the hidden tests use this
    to check a student's backward pass without trusting Keras.

    Args:
        forward: a NumPy function of `args` returning one array shaped like `upstream`.
        args: the float64 arguments; integer ones (ids, targets) are never perturbed.
        names: one name per argument, the key of its gradient in `grads`; None skips it.
        grads: the gradients to check, a dict keyed by name.
        upstream: float64, shaped like `forward`'s output (1.0 for a scalar loss).
        label: the case, for messages.

    Raises:
        AssertionError: naming the gradient, the largest error and where it is.

    Example:

    >>> x = np.array([[1.0, 2.0]])
    >>> assert_matches_finite_differences(np.sin, (x,), ("x",), {"x": np.cos(x)},
    ...                                   np.ones_like(x), "sin")
    """
    for index, name in enumerate(names):
        if name is None:
            continue
        numeric = numerical_gradient(forward, args, index, upstream=np.asarray(upstream))
        analytic = np.asarray(grads[name], dtype=np.float64)
        assert analytic.shape == numeric.shape, (
            f"the gradient {name!r} has shape {analytic.shape}, but finite differences "
            f"give {numeric.shape} on case ({label})")
        gap = np.abs(analytic - numeric)
        at = tuple(int(i) for i in np.unravel_index(np.argmax(gap), gap.shape))
        assert np.allclose(analytic, numeric, rtol=rtol, atol=atol), (
            f"the gradient {name!r} disagrees with finite differences on case ({label}): "
            f"largest absolute error {gap[at]:.3g} at index {at}, yours "
            f"{analytic[at]:.6g}, finite differences {numeric[at]:.6g}")
