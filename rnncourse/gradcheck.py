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
