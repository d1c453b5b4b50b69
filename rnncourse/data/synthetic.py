"""Synthetic sequence tasks: a sine wave, the adding problem, the copy task.

Each generator is seeded and returns NumPy arrays shaped the Keras way,
`(batch, time, features)` for inputs, so they go straight into `model.fit`.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import Seed, check_float, check_int, rng_from

__all__ = [
    "ADDING_BASELINE_MSE",
    "adding_baseline_mse",
    "adding_problem",
    "copy_task",
    "copy_task_baseline_ce",
    "sine_windows",
]


def sine_windows(
    n_points: int = 500,
    window: int = 10,
    *,
    stop: float = 50.0,
    noise: float = 0.0,
    seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A sampled sine wave cut into sliding windows, each followed by its next value.

    The wave is `np.sin(t)` at `n_points` evenly spaced `t` in `[0, stop]`
    (with optional Gaussian noise added). Window `i` holds values `i` to
    `i + window - 1`, and its target is value `i + window`: the very next one.

    Args:
        n_points: number of samples of the wave; must exceed `window`.
        window: number of past values the model sees.
        stop: the last `t` of the wave (radians), so the wave spans
            `stop / (2 pi)` periods.
        noise: standard deviation of Gaussian noise added to every sample,
            `0.0` for a clean wave.
        seed: seed (or `numpy.random.Generator`) for the noise.

    Returns:
        A tuple `(x, y)` of float32 arrays: `x` of shape
        `(n_points - window, window, 1)` and `y` of shape
        `(n_points - window, 1)`.

    Example:

    >>> x, y = sine_windows(n_points=100, window=10)
    >>> x.shape, y.shape
    ((90, 10, 1), (90, 1))
    >>> bool(x[1, -1, 0] == y[0, 0])  # the target slides into the next window
    True
    """
    n_points = check_int("n_points", n_points, minimum=2)
    window = check_int("window", window)
    stop = check_float("stop", stop, low=0.0, low_open=True)
    noise = check_float("noise", noise, low=0.0)
    if n_points <= window:
        raise ValueError(
            f"n_points must be larger than window to make at least one window, "
            f"got n_points={n_points} and window={window}"
        )
    rng = rng_from(seed)
    series = np.sin(np.linspace(0.0, stop, n_points))
    if noise > 0:
        series = series + rng.normal(0.0, noise, size=n_points)
    series = series.astype(np.float32)

    # Row i of `index` lists the positions of the window that starts at value i.
    n = n_points - window
    index = np.arange(n)[:, None] + np.arange(window)[None, :]
    x = series[index][..., None]
    y = series[window:][:, None]
    return x, y


# y = u1 + u2 with u1, u2 ~ U(0, 1) independent: mean 1, variance 1/12 + 1/12.
ADDING_BASELINE_MSE: float = 1.0 / 6.0
"""MSE of always predicting 1.0 on the adding problem: Var(u1 + u2) = 1/6."""


def adding_problem(n: int, length: int = 50, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem of Hochreiter & Schmidhuber (1997).

    Each sequence has two channels. Channel 0 holds values drawn uniformly
    from `[0, 1]`. Channel 1 is a marker that is 1 at exactly two time steps
    and 0 elsewhere: one step in the first half (`t < length // 2`) and one
    in the second half (`t >= length // 2`), as in Arjovsky et al. (2016).
    The target is the sum of the two marked values, so it lies in `[0, 2]`.

    A model that ignores its input and always predicts 1.0 (the mean
    target) gets MSE `1/6 ~= 0.167` (see `adding_baseline_mse`). A model
    only learns the task once its MSE falls clearly below that line.

    Args:
        n: number of sequences (the batch size of the data set).
        length: number of time steps of each sequence; at least 2.
        seed: seed (or `numpy.random.Generator`) for reproducible data.

    Returns:
        A tuple `(x, y)` of float32 arrays: `x` of shape `(n, length, 2)`
        and `y` of shape `(n, 1)`.

    Example:

    >>> x, y = adding_problem(4, length=20, seed=0)
    >>> x.shape, y.shape
    ((4, 20, 2), (4, 1))
    >>> x[:, :, 1].sum(axis=1).tolist()
    [2.0, 2.0, 2.0, 2.0]
    """
    n = check_int("n", n)
    length = check_int("length", length)
    if length < 2:
        raise ValueError(
            f"length must be at least 2 (one marker in each half of the sequence), got {length}"
        )
    rng = rng_from(seed)
    half = length // 2
    values = rng.uniform(0.0, 1.0, size=(n, length))
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)

    rows = np.arange(n)
    markers = np.zeros((n, length))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0

    x = np.stack([values, markers], axis=-1).astype(np.float32)
    # Sum the float32 values so y matches x exactly, not the float64 draws.
    y = (x[rows, first, 0] + x[rows, second, 0])[:, None]
    return x, y.astype(np.float32)


def adding_baseline_mse(y: np.ndarray | None = None) -> float:
    """MSE of the "always predict 1.0" baseline on the adding problem.

    Args:
        y: targets of shape `(n, 1)` (or `(n,)`) from `adding_problem`. If
            given, the baseline MSE is computed on them; if `None`, the
            expected value `1/6` is returned.

    Returns:
        A float: `mean((y - 1)^2)`, or `1/6` when `y` is `None`.

    Example:

    >>> round(adding_baseline_mse(), 4)
    0.1667
    >>> _, y = adding_problem(10_000, seed=0)
    >>> abs(adding_baseline_mse(y) - 1 / 6) < 0.01
    True
    """
    if y is None:
        return ADDING_BASELINE_MSE
    y = np.asarray(y, dtype=np.float64)
    if y.size == 0:
        raise ValueError("y must contain at least one target, got an empty array")
    return float(np.mean((y - 1.0) ** 2))


def copy_task(
    n: int,
    n_symbols: int = 8,
    copy_length: int = 10,
    delay: int = 20,
    seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The copy (memory) task of Arjovsky, Shah & Bengio (2016).

    Ids: `0` is the blank, `1 .. n_symbols` are the symbols to remember, and
    `n_symbols + 1` is the delimiter, so there are `n_symbols + 2` classes.
    With `L = copy_length` every sequence has `T = 2 * L + delay` steps:

    ```
    step    0 .. L-1      L .. L+delay-2   L+delay-1   L+delay .. T-1
    x       s_1 .. s_L    blank ...        delimiter   blank ...
    y       blank ...     blank ...        blank       s_1 .. s_L
    ```

    The model must output blanks until it sees the delimiter, then repeat
    the `L` symbols in order. A memoryless model can only output blanks and
    then guess a symbol uniformly: its mean cross-entropy per step is
    `L * log(n_symbols) / T` (see `copy_task_baseline_ce`).

    Args:
        n: number of sequences.
        n_symbols: number of distinct symbols to remember (the paper uses 8).
        copy_length: number of symbols to remember, `L`.
        delay: number of steps from the end of the symbols to the end of the
            delimiter step, i.e. `delay - 1` blanks and then the delimiter.
            The paper's `T` is this delay.
        seed: seed (or `numpy.random.Generator`) for reproducible data.

    Returns:
        A tuple `(x, y)` of int32 arrays, both of shape
        `(n, 2 * copy_length + delay)`. Use them with an `Embedding` (or
        one-hot) input and `sparse_categorical_crossentropy`.

    Example:

    >>> x, y = copy_task(2, n_symbols=8, copy_length=3, delay=4, seed=0)
    >>> x.shape
    (2, 10)
    >>> bool((y[:, -3:] == x[:, :3]).all())
    True
    >>> int(x[0, 3 + 4 - 1])  # the delimiter
    9
    """
    n = check_int("n", n)
    n_symbols = check_int("n_symbols", n_symbols)
    copy_length = check_int("copy_length", copy_length)
    delay = check_int("delay", delay)
    rng = rng_from(seed)

    total = 2 * copy_length + delay
    symbols = rng.integers(1, n_symbols + 1, size=(n, copy_length))
    x = np.zeros((n, total), dtype=np.int32)
    y = np.zeros((n, total), dtype=np.int32)
    x[:, :copy_length] = symbols
    x[:, copy_length + delay - 1] = n_symbols + 1  # the delimiter: "now recall"
    y[:, copy_length + delay :] = symbols
    return x, y


def copy_task_baseline_ce(n_symbols: int = 8, copy_length: int = 10, delay: int = 20) -> float:
    """Mean cross-entropy per step (in nats) of the memoryless copy-task baseline.

    The baseline predicts the blank with certainty for the first
    `copy_length + delay` steps (always right) and a uniform distribution
    over the `n_symbols` symbols for the last `copy_length` steps.

    Args:
        n_symbols: number of distinct symbols, as in `copy_task`.
        copy_length: number of symbols to remember, as in `copy_task`.
        delay: the delay, as in `copy_task`.

    Returns:
        A float: `copy_length * log(n_symbols) / (2 * copy_length + delay)`.

    Example:

    >>> round(copy_task_baseline_ce(8, 10, 100), 4)  # the paper's T = 100
    0.1733
    """
    n_symbols = check_int("n_symbols", n_symbols)
    copy_length = check_int("copy_length", copy_length)
    delay = check_int("delay", delay)
    return copy_length * math.log(n_symbols) / (2 * copy_length + delay)
