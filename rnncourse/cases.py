"""Seeded random test cases for every exercise function.

A case holds the positional arguments of one call, in the order of the
exercise's signature, with weights laid out exactly as Keras's
`layer.get_weights()` returns them. The shapes cover the corners where
mistakes hide: `D != H`, batch 1, a single time step, `D == H` (where a
swapped kernel still has the right shape), equal-sized stacked layers, and
both float32 and float64.

Weights are drawn at random, so square matrices are not symmetric and the
gate blocks differ: a transposed recurrent kernel or a swapped gate order
always changes the answer.

Example:

>>> cases = make_cases("rnn_forward", seed=0)
>>> x, h0, kernel, recurrent_kernel, bias = cases[0].args
>>> x.shape, kernel.shape, recurrent_kernel.shape
((3, 5, 4), (4, 6), (6, 6))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Shape:
    """The sizes of one case: batch, time steps, input features D, units H."""

    batch: int
    time: int
    input_dim: int
    units: int
    note: str = ""

    def describe(self, one_step: bool = False) -> str:
        time = "" if one_step else f", time={self.time}"
        text = f"batch={self.batch}{time}, D={self.input_dim}, H={self.units}"
        return f"{text} ({self.note})" if self.note else text


# Batch and time differ wherever they can, so a time-major answer shows up as a wrong shape.
SHAPES = (
    Shape(3, 5, 4, 6, "D < H"),
    Shape(1, 4, 3, 5, "batch 1"),
    Shape(2, 1, 5, 3, "one time step, D > H"),
    Shape(2, 6, 4, 4, "D == H"),
)

# (batch, time, input_dim, [units of each layer]) for stacked RNNs.
STACKED_SHAPES = (
    (3, 5, 4, (6, 3), "two layers, D != H"),
    (2, 4, 4, (4, 4, 4), "three equal-sized layers"),
    (1, 1, 2, (5, 5), "batch 1, one time step"),
)

# (batch, time, vocabulary size V, embedding size D) for embeddings. Every case repeats an
# id (its gradient rows must add up) and leaves an id unused (its gradient row is zero).
EMBEDDING_SHAPES = (
    (3, 5, 7, 4, "V > D"),
    (1, 4, 5, 6, "batch 1, D > V"),
    (2, 6, 4, 4, "V == D"),
    (2, 1, 9, 3, "one time step"),
)

# (batch, time, V, logit scale) for the temporal softmax loss; the last case's logits
# overflow float32's exp unless the largest logit is subtracted first.
LOSS_SHAPES = (
    (3, 5, 7, 1.0, "padding at the ends of two sequences"),
    (1, 4, 5, 1.0, "batch 1, no padding"),
    (2, 6, 4, 1.0, "one sequence almost all padding"),
    (2, 3, 6, 40.0, "large logits"),
)

# (batch, Tq, Tv, dim) for attention.
ATTENTION_SHAPES = (
    (2, 3, 5, 4, "Tq < Tv"),
    (1, 1, 3, 6, "batch 1, one query"),
    (3, 4, 4, 2, "Tq == Tv"),
)


@dataclass(frozen=True)
class Case:
    """One call of an exercise function.

    Args:
        label: what is special about the case, shown in failure messages.
        args: positional arguments, in the order of the exercise's signature.
        kwargs: keyword arguments such as `reset_after`.
        arg_names: the names of `args`, for messages.
        dtype: "float32" or "float64"; sets the comparison tolerance.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    arg_names: tuple = ()
    dtype: str = "float64"

    def copy_args(self) -> tuple[tuple, dict]:
        """Fresh copies, so a function that writes into its inputs harms no one else."""
        return _deep_copy(self.args), _deep_copy(self.kwargs)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_deep_copy(v) for v in value)
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    return value


def random_weights(
    rng: np.random.Generator, input_dim: int, units: int, gates: int = 1, dtype: str = "float64",
    bias_rows: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random `(kernel, recurrent_kernel, bias)` in Keras's layout.

    Scaled so that pre-activations are of order 1: large enough to exercise
    the non-linearities, small enough not to saturate them.

    Args:
        rng: a NumPy random generator.
        input_dim: D, the number of input features.
        units: H, the number of units.
        gates: 1 for SimpleRNN, 4 for LSTM (i, f, c, o), 3 for GRU (z, r, h).
        dtype: "float32" or "float64".
        bias_rows: 2 for a GRU with `reset_after=True` (input and recurrent biases).

    Returns:
        `kernel (D, gates*H)`, `recurrent_kernel (H, gates*H)` and
        `bias (gates*H,)`, or `(2, gates*H)` when `bias_rows=2`.

    Example:

    >>> k, rk, b = random_weights(np.random.default_rng(0), 3, 5, gates=4)
    >>> k.shape, rk.shape, b.shape
    ((3, 20), (5, 20), (20,))
    """
    kernel = rng.normal(0.0, 1.0 / np.sqrt(input_dim), (input_dim, gates * units))
    while True:
        recurrent_kernel = rng.normal(0.0, 0.9 / np.sqrt(units), (units, gates * units))
        # A symmetric square block would hide a transposed recurrent kernel.
        blocks = np.split(recurrent_kernel, gates, axis=1)
        if units == 1 or not any(np.allclose(b, b.T, atol=1e-3) for b in blocks):
            break
    bias_shape = (gates * units,) if bias_rows == 1 else (bias_rows, gates * units)
    bias = rng.normal(0.0, 0.5, bias_shape)
    return kernel.astype(dtype), recurrent_kernel.astype(dtype), bias.astype(dtype)


def _state(rng: np.random.Generator, batch: int, units: int, dtype: str) -> np.ndarray:
    # A non-zero state in tanh's range, so ignoring h0 changes the answer.
    return np.tanh(rng.normal(0.0, 1.0, (batch, units))).astype(dtype)


def _sequence(rng: np.random.Generator, shape: Shape, dtype: str) -> np.ndarray:
    return rng.normal(0.0, 1.0, (shape.batch, shape.time, shape.input_dim)).astype(dtype)


def _recurrent_cases(name: str, seed: int, dtypes, options=({},)) -> list[Case]:
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[name.split("_")[0]]
    is_cell = "_cell_" in name
    cases = []
    for dtype in dtypes:
        for shape in SHAPES:
            for kwargs in options:
                rng = np.random.default_rng([seed, len(cases)])
                bias_rows = 2 if kwargs.get("reset_after", False) else 1
                weights = random_weights(
                    rng, shape.input_dim, shape.units, gates, dtype, bias_rows
                )
                if is_cell:
                    x = rng.normal(0.0, 1.0, (shape.batch, shape.input_dim)).astype(dtype)
                    head, names = (x,), ("x_t", "h_prev")
                else:
                    head, names = (_sequence(rng, shape, dtype),), ("x", "h0")
                states = [_state(rng, shape.batch, shape.units, dtype)]
                if gates == 4:  # the LSTM carries a cell state too
                    states.append(rng.normal(0.0, 1.0, (shape.batch, shape.units)).astype(dtype))
                    names = names + (("c_prev",) if is_cell else ("c0",))
                args = head + tuple(states) + weights
                names = names + ("kernel", "recurrent_kernel", "bias")
                if name.endswith("_backward"):
                    dhs = rng.normal(0.0, 1.0, (shape.batch, shape.time, shape.units))
                    args, names = args + (dhs.astype(dtype),), names + ("dhs",)
                label = shape.describe(one_step=is_cell) + f", {dtype}"
                if kwargs:
                    label += ", " + ", ".join(f"{k}={v}" for k, v in kwargs.items())
                cases.append(Case(label, args, dict(kwargs), names, dtype))
    return cases


def _clip_cases(seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        # Below 1 the global norm is clipped; above 1 the gradients must come back unchanged.
        for ratio in (0.3, 0.8, 2.0):
            for shapes in (((4, 6), (6, 6), (6,)), ((1, 3),)):
                rng = np.random.default_rng([seed, len(cases)])
                grads = [rng.normal(0.0, 1.0, s).astype(dtype) for s in shapes]
                norm = float(np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads)))
                clip_norm = round(ratio * norm, 3)
                label = f"{len(grads)} tensor(s), clip_norm={clip_norm} vs global norm {norm:.3f}"
                cases.append(
                    Case(f"{label}, {dtype}", (grads, clip_norm), {}, ("grads", "clip_norm"), dtype)
                )
    return cases


def _bidirectional_cases(seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for shape in SHAPES:
            rng = np.random.default_rng([seed, len(cases)])
            x = _sequence(rng, shape, dtype)
            forward = random_weights(rng, shape.input_dim, shape.units, 1, dtype)
            backward = random_weights(rng, shape.input_dim, shape.units, 1, dtype)
            names = ("x", "forward_weights", "backward_weights")
            cases.append(Case(f"{shape.describe()}, {dtype}", (x, forward, backward), {}, names,
                              dtype))
    return cases


def _stacked_cases(seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for batch, time, input_dim, units, note in STACKED_SHAPES:
            rng = np.random.default_rng([seed, len(cases)])
            x = rng.normal(0.0, 1.0, (batch, time, input_dim)).astype(dtype)
            sizes = (input_dim,) + tuple(units)
            layers = [random_weights(rng, d, h, 1, dtype) for d, h in zip(sizes, sizes[1:])]
            label = f"batch={batch}, time={time}, D={input_dim}, units={list(units)} ({note})"
            label += f", {dtype}"
            cases.append(Case(label, (x, layers), {}, ("x", "layers"), dtype))
    return cases


def _attention_cases(seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for batch, tq, tv, dim, note in ATTENTION_SHAPES:
            for with_key in (False, True):
                rng = np.random.default_rng([seed, len(cases)])
                query = rng.normal(0.0, 1.0, (batch, tq, dim)).astype(dtype)
                value = rng.normal(0.0, 1.0, (batch, tv, dim)).astype(dtype)
                key = rng.normal(0.0, 1.0, (batch, tv, dim)).astype(dtype) if with_key else None
                label = f"batch={batch}, Tq={tq}, Tv={tv}, dim={dim} ({note}), "
                label += ("with a separate key" if with_key else "key=None") + f", {dtype}"
                cases.append(
                    Case(label, (query, value, key), {}, ("query", "value", "key"), dtype)
                )
        # With a separate key the values may have another size than the queries and keys:
        # Keras needs only the query's and the key's sizes to match.
        rng = np.random.default_rng([seed, len(cases)])
        query = rng.normal(0.0, 1.0, (2, 3, 3)).astype(dtype)
        key = rng.normal(0.0, 1.0, (2, 4, 3)).astype(dtype)
        value = rng.normal(0.0, 1.0, (2, 4, 5)).astype(dtype)
        label = (f"batch=2, Tq=3, Tv=4, dim=3, values of size 5 (not the key's size), "
                 f"with a separate key, {dtype}")
        cases.append(Case(label, (query, value, key), {}, ("query", "value", "key"), dtype))
    return cases


def _ids(rng: np.random.Generator, batch: int, time: int, vocab: int) -> np.ndarray:
    """int32 ids of shape (batch, time) in range(vocab), with one id repeated and one unused."""
    while True:
        ids = rng.integers(0, vocab, (batch, time)).astype(np.int32)
        flat = ids.ravel()
        if len(set(flat.tolist())) < flat.size and len(set(flat.tolist())) < vocab:
            return ids
        if flat.size == 1:
            raise ValueError("a single id cannot repeat")


def _embedding_cases(name: str, seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for batch, time, vocab, dim, note in EMBEDDING_SHAPES:
            rng = np.random.default_rng([seed, len(cases)])
            ids = _ids(rng, batch, time, vocab)
            embeddings = rng.normal(0.0, 1.0, (vocab, dim)).astype(dtype)
            args, names = (ids, embeddings), ("ids", "embeddings")
            if name.endswith("_backward"):
                dout = rng.normal(0.0, 1.0, (batch, time, dim)).astype(dtype)
                args, names = args + (dout,), names + ("dout",)
            label = f"batch={batch}, time={time}, V={vocab}, D={dim} ({note}), {dtype}"
            cases.append(Case(label, args, {}, names, dtype))
    return cases


def _dense_cases(name: str, seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for shape in SHAPES:
            rng = np.random.default_rng([seed, len(cases)])
            x = _sequence(rng, shape, dtype)
            kernel = rng.normal(0.0, 1.0 / np.sqrt(shape.input_dim),
                                (shape.input_dim, shape.units)).astype(dtype)
            bias = rng.normal(0.0, 0.5, (shape.units,)).astype(dtype)
            args, names = (x, kernel, bias), ("x", "kernel", "bias")
            if name.endswith("_backward"):
                dout = rng.normal(0.0, 1.0, (shape.batch, shape.time, shape.units)).astype(dtype)
                args, names = args + (dout,), names + ("dout",)
            label = shape.describe().replace("H", "units") + f", {dtype}"
            cases.append(Case(label, args, {}, names, dtype))
    return cases


def _loss_cases(seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for batch, time, vocab, scale, note in LOSS_SHAPES:
            rng = np.random.default_rng([seed, len(cases)])
            logits = (scale * rng.normal(0.0, 1.0, (batch, time, vocab))).astype(dtype)
            y = rng.integers(0, vocab, (batch, time)).astype(np.int32)
            # Real steps first, then padding: the first `length` steps of each row count.
            lengths = {"padding at the ends of two sequences": [time, time - 2, time - 1],
                       "one sequence almost all padding": [time, 1]}.get(note, [time] * batch)
            mask = (np.arange(time)[None, :] < np.array(lengths)[:, None]).astype(dtype)
            label = f"batch={batch}, time={time}, V={vocab} ({note}), {dtype}"
            cases.append(Case(label, (logits, y, mask), {}, ("logits", "y", "mask"), dtype))
    return cases


# (batch, time, V, D, H) for the whole language model: embedding, SimpleRNN, dense, loss.
LM_SHAPES = (
    (3, 5, 9, 4, 6, "padding at the ends of two sequences"),
    (1, 4, 6, 3, 3, "batch 1, no padding, D == H"),
    (2, 3, 11, 5, 4, "V > H > D"),
)

LM_PARAMS = ("embeddings", "kernel", "recurrent_kernel", "bias", "output_kernel",
             "output_bias")


def lm_params(rng: np.random.Generator, vocab: int, dim: int, units: int,
              dtype: str = "float64") -> dict:
    """Random weights of the language model, keyed as in `LM_PARAMS`, in Keras's layout.

    Args:
        rng: a NumPy random generator.
        vocab: V, the number of ids; dim: D, the embedding size; units: H.
        dtype: "float32" or "float64".

    Returns:
        `{"embeddings": (V, D), "kernel": (D, H), "recurrent_kernel": (H, H),
        "bias": (H,), "output_kernel": (H, V), "output_bias": (V,)}`.
    """
    kernel, recurrent_kernel, bias = random_weights(rng, dim, units, 1, dtype)
    params = {"embeddings": rng.normal(0.0, 1.0, (vocab, dim)), "kernel": kernel,
              "recurrent_kernel": recurrent_kernel, "bias": bias,
              "output_kernel": rng.normal(0.0, 1.0 / np.sqrt(units), (units, vocab)),
              "output_bias": rng.normal(0.0, 0.5, (vocab,))}
    return {k: np.asarray(v, dtype=dtype) for k, v in params.items()}


def _lm_cases(seed: int, dtypes) -> list[Case]:
    cases = []
    for dtype in dtypes:
        for batch, time, vocab, dim, units, note in LM_SHAPES:
            rng = np.random.default_rng([seed, len(cases)])
            params = lm_params(rng, vocab, dim, units, dtype)
            x = _ids(rng, batch, time, vocab)
            y = rng.integers(0, vocab, (batch, time)).astype(np.int32)
            lengths = [time, time - 2, time - 1][:batch] if "padding" in note else [time] * batch
            mask = (np.arange(time)[None, :] < np.array(lengths)[:, None]).astype(dtype)
            label = f"batch={batch}, time={time}, V={vocab}, D={dim}, H={units} ({note}), {dtype}"
            cases.append(Case(label, (params, x, y, mask), {}, ("params", "x", "y", "mask"),
                              dtype))
    return cases


_RESET_AFTER = ({"reset_after": True}, {"reset_after": False})

_MAKERS = {
    "rnn_cell_forward": lambda seed, dtypes: _recurrent_cases("rnn_cell_forward", seed, dtypes),
    "rnn_forward": lambda seed, dtypes: _recurrent_cases("rnn_forward", seed, dtypes),
    "rnn_backward": lambda seed, dtypes: _recurrent_cases("rnn_backward", seed, dtypes),
    "clip_by_global_norm": _clip_cases,
    "lstm_cell_forward": lambda seed, dtypes: _recurrent_cases("lstm_cell_forward", seed, dtypes),
    "lstm_forward": lambda seed, dtypes: _recurrent_cases("lstm_forward", seed, dtypes),
    "lstm_backward": lambda seed, dtypes: _recurrent_cases("lstm_backward", seed, dtypes),
    "gru_cell_forward": lambda seed, dtypes: _recurrent_cases(
        "gru_cell_forward", seed, dtypes, _RESET_AFTER
    ),
    "gru_forward": lambda seed, dtypes: _recurrent_cases("gru_forward", seed, dtypes, _RESET_AFTER),
    "gru_backward": lambda seed, dtypes: _recurrent_cases(
        "gru_backward", seed, dtypes, _RESET_AFTER
    ),
    "bidirectional_rnn_forward": _bidirectional_cases,
    "stacked_rnn_forward": _stacked_cases,
    "dot_product_attention": _attention_cases,
    "embedding_forward": lambda seed, dtypes: _embedding_cases("embedding_forward", seed, dtypes),
    "embedding_backward": lambda seed, dtypes: _embedding_cases(
        "embedding_backward", seed, dtypes
    ),
    "dense_forward": lambda seed, dtypes: _dense_cases("dense_forward", seed, dtypes),
    "dense_backward": lambda seed, dtypes: _dense_cases("dense_backward", seed, dtypes),
    "temporal_softmax_loss": _loss_cases,
    "lm_loss_and_grads": _lm_cases,
}

EXERCISES = tuple(_MAKERS)


def make_cases(exercise: str, seed: int = 0, dtypes=DTYPES) -> list[Case]:
    """Seeded test cases for one exercise function.

    Args:
        exercise: the function's name, one of `EXERCISES` (e.g. "lstm_forward").
        seed: an int; the same seed always gives the same cases.
        dtypes: which float types to cover, a subset of ("float32", "float64").

    Returns:
        A list of `Case`. Pass `case.args` and `case.kwargs` to the function.

    Example:

    >>> [c.kwargs for c in make_cases("gru_cell_forward", dtypes=("float64",))][:2]
    [{'reset_after': True}, {'reset_after': False}]
    """
    if exercise not in _MAKERS:
        raise ValueError(
            f"unknown exercise {exercise!r}; choose one of: {', '.join(EXERCISES)}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if isinstance(dtypes, str):
        dtypes = (dtypes,)
    dtypes = tuple(dtypes)
    unknown = [d for d in dtypes if d not in DTYPES]
    if unknown or not dtypes:
        raise ValueError(f"dtypes must be a non-empty subset of {DTYPES}, got {dtypes!r}")
    return _MAKERS[exercise](int(seed), dtypes)
