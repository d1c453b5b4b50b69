"""The figures of the book, drawn with Matplotlib from plain NumPy arrays.

Every function draws on an `ax` you pass, or on a new figure of a sensible
size when `ax` is None, and returns what it drew on: the Axes, or the Figure
for the multi-panel `plot_gate_activations`. Nothing here imports TensorFlow:
a Keras `History` is read through its `.history` dict, and any array-like
(lists, NumPy arrays, `tensor.numpy()`) is accepted.

Colours follow the Okabe-Ito palette, which stays distinguishable for the
common kinds of colour blindness, and heatmaps use `RdBu_r` (diverging,
centred on 0) or `viridis` (sequential).

Functions:
    plot_training_curves    loss/metrics per epoch, train against validation
    plot_series_prediction  a time series against one or more predictions
    plot_state_heatmap      hidden states or gate values, (time, units)
    plot_gate_activations   one heatmap per gate, sharing the time axis
    plot_gradient_norms     gradient norm against distance in time, log scale
    plot_attention          an attention-weights matrix (Tq, Tv)
    draw_unrolled_rnn       the rolled and unrolled RNN diagram
    draw_io_shapes          one-to-one, one-to-many, many-to-one, many-to-many
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator

__all__ = [
    "OKABE_ITO",
    "plot_training_curves",
    "plot_series_prediction",
    "plot_state_heatmap",
    "plot_gate_activations",
    "plot_gradient_norms",
    "plot_attention",
    "draw_unrolled_rnn",
    "draw_io_shapes",
]

#: Okabe & Ito (2008) colours, safe for the common colour-vision deficiencies.
OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow (last: poor contrast on white)
)
_TRUTH_COLOUR = "#222222"
_BASELINE_COLOUR = "#666666"
_DIVERGING_CMAP = "RdBu_r"
_SEQUENTIAL_CMAP = "viridis"
_LINE_FIGSIZE = (6.5, 3.8)


# --------------------------------------------------------------------------
# Small shared helpers
# --------------------------------------------------------------------------


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return `ax`, or the Axes of a new constrained-layout figure."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _style_line_axes(ax: Axes) -> None:
    """Light grid behind the data, no top/right frame: the textbook look."""
    ax.grid(True, color="0.88", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


def _as_1d(name: str, values: Any) -> np.ndarray:
    """A float 1-D array; a trailing axis of size 1 (Keras `(T, 1)`) is dropped."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (time,) or (time, 1), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    return arr


def _as_2d(name: str, values: Any, layout: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 3 and arr.shape[0] == 1:
            hint = f"; for a batch of one, pass {name}[0]"
        raise ValueError(f"{name} must be 2-D {layout}, got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def _as_labels(name: str, tokens: Sequence[Any] | None, expected: int) -> list[str] | None:
    if tokens is None:
        return None
    if isinstance(tokens, str):
        raise ValueError(f"{name} must be a sequence of tokens, not one string {tokens!r}")
    labels = [str(t) for t in tokens]
    if len(labels) != expected:
        raise ValueError(f"{name} has {len(labels)} labels but the data has {expected} positions")
    return labels


def _set_token_ticks(ax: Axes, axis: str, labels: list[str]) -> None:
    """One tick per token; long or many tokens on the x axis are slanted."""
    positions = np.arange(len(labels))
    if axis == "x":
        slanted = max(len(t) for t in labels) * len(labels) > 40
        ax.set_xticks(positions)
        if slanted:
            ax.set_xticklabels(labels, rotation=45, ha="right", rotation_mode="anchor")
        else:
            ax.set_xticklabels(labels)
    else:
        ax.set_yticks(positions)
        ax.set_yticklabels(labels)
    ax.tick_params(axis=axis, length=0)


def _format_key(key: Any) -> str:
    if isinstance(key, float | np.floating):
        return f"{float(key):g}"
    return str(key)


# --------------------------------------------------------------------------
# Training curves
# --------------------------------------------------------------------------


def _history_dict(history: Any) -> Mapping[str, Any]:
    """Keras `History` (duck-typed by `.history`) or a plain mapping."""
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            "history must be a Keras History (with a .history dict) or a dict of "
            f"metric name -> per-epoch values, got {type(history).__name__}"
        )
    return data


def _baselines(baseline: Any) -> list[tuple[str, float]]:
    if baseline is None:
        return []
    if isinstance(baseline, Mapping):
        items = list(baseline.items())
    elif isinstance(baseline, tuple) and len(baseline) == 2 and isinstance(baseline[0], str):
        items = [baseline]
    else:
        items = [("baseline", baseline)]
    out = []
    for name, value in items:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                "baseline must be a number, a (label, number) pair or a dict of "
                f"label -> number, got {baseline!r}"
            ) from None
        out.append((f"{name}: {number:.3g}", number))
    return out


def plot_training_curves(
    history: Any,
    metrics: str | Sequence[str] = ("loss",),
    ax: Axes | None = None,
    log_scale: bool = False,
    baseline: Any = None,
    title: str | None = None,
) -> Axes:
    """Plot training and validation curves per epoch.

    For every metric `m`, the training curve `history[m]` is drawn as a solid
    line and, when present, the validation curve `history["val_" + m]` as a
    dashed line of the same colour.

    Args:
        history: a Keras `History` (as returned by `model.fit`) or a dict
            mapping metric names to per-epoch values, each of shape `(epochs,)`.
        metrics: a metric name or a sequence of them, e.g. `("loss", "mae")`.
            All are drawn on the same Axes.
        ax: the Axes to draw on; a new figure is created when None.
        log_scale: use a logarithmic y axis (all values must be positive).
        baseline: a reference level drawn as a grey dotted line: a number,
            a `(label, number)` pair, or a dict `{label: number}` for several.
            The legend shows the label and the value, e.g.
            "predict the mean: 0.167".
        title: the Axes title; by default "Training curves".

    Returns:
        The Axes.

    Example:

    >>> ax = plot_training_curves({"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.45]},
    ...                           baseline=("predict the mean", 0.167))
    """
    data = _history_dict(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = tuple(metrics)
    if not metrics:
        raise ValueError("metrics must name at least one metric, got an empty sequence")
    available = ", ".join(sorted(map(str, data))) or "nothing"
    curves: list[tuple[str, str, np.ndarray]] = []
    for metric in metrics:
        if metric not in data:
            raise ValueError(f"metrics: {metric!r} is not in history; it contains {available}")
        curves.append((metric, "train", _as_1d(f"history[{metric!r}]", data[metric])))
        val_key = f"val_{metric}"
        if val_key in data:
            curves.append((metric, "validation", _as_1d(f"history[{val_key!r}]", data[val_key])))
    lines = _baselines(baseline)
    if log_scale:
        for metric, split, values in curves:
            if np.any(values[np.isfinite(values)] <= 0):
                raise ValueError(
                    f"log_scale=True needs positive values, but the {split} {metric!r} "
                    f"curve has a minimum of {np.nanmin(values):g}"
                )
        for label, value in lines:
            if value <= 0:
                raise ValueError(f"log_scale=True needs a positive baseline, got {label}")

    ax = _new_axes(ax, _LINE_FIGSIZE)
    _style_line_axes(ax)
    for i, metric in enumerate(metrics):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        for name, split, values in curves:
            if name != metric:
                continue
            epochs = np.arange(1, values.size + 1)
            ax.plot(
                epochs,
                values,
                color=colour,
                linestyle="-" if split == "train" else "--",
                linewidth=2,
                label=f"{split} {metric}",
                marker="o" if values.size <= 15 else None,
                markersize=4,
            )
    for label, value in lines:
        ax.axhline(value, color=_BASELINE_COLOUR, linestyle=":", linewidth=1.8, label=label)
    if log_scale:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel(metrics[0] if len(metrics) == 1 else "value")
    ax.set_title(title if title is not None else "Training curves")
    ax.legend(frameon=False)
    return ax


# --------------------------------------------------------------------------
# Series and predictions
# --------------------------------------------------------------------------


def plot_series_prediction(
    y_true: Any,
    y_pred: Any,
    x: Any = None,
    ax: Axes | None = None,
    labels: tuple[str, str] = ("truth", "prediction"),
    test_start: float | None = None,
    title: str | None = None,
    xlabel: str = "time step",
    ylabel: str = "value",
) -> Axes:
    """Plot a time series against one or several predictions of it.

    Args:
        y_true: the true series, shape `(time,)` or `(time, 1)`.
        y_pred: one prediction of the same shape, or a dict `{name: array}`
            of several (e.g. the model and naive baselines). Pad a prediction
            with NaN where it has no value (e.g. before the first window ends).
        x: the positions on the time axis, shape `(time,)`; `0, 1, ...` when None.
        ax: the Axes to draw on; a new figure is created when None.
        labels: `(truth label, prediction label)`. When `y_pred` is a dict its
            keys name the predictions and only the truth label is used.
        test_start: the `x` value where the test split begins; from there on
            the background is shaded and labelled "test split".
        title: the Axes title; by default "Truth and prediction(s)".
        xlabel: the x-axis label (give units, e.g. "month").
        ylabel: the y-axis label.

    Returns:
        The Axes.

    Example:

    >>> t = np.arange(100)
    >>> ax = plot_series_prediction(np.sin(t / 5), {"RNN": np.sin(t / 5) + 0.05,
    ...                             "repeat last value": np.sin((t - 1) / 5)}, test_start=70)
    """
    truth = _as_1d("y_true", y_true)
    if isinstance(labels, str) or len(labels) != 2:
        raise ValueError(f"labels must be a pair (truth label, prediction label), got {labels!r}")
    if isinstance(y_pred, Mapping):
        if not y_pred:
            raise ValueError("y_pred is an empty dict; give at least one prediction")
        preds = {str(k): _as_1d(f"y_pred[{k!r}]", v) for k, v in y_pred.items()}
    else:
        preds = {labels[1]: _as_1d("y_pred", y_pred)}
    for name, values in preds.items():
        if values.size != truth.size:
            raise ValueError(
                f"y_true and y_pred have different lengths: y_true has {truth.size} "
                f"steps, prediction {name!r} has {values.size}"
            )
    if x is None:
        xs = np.arange(truth.size)
    else:
        xs = _as_1d("x", x)
        if xs.size != truth.size:
            raise ValueError(f"x has {xs.size} positions but y_true has {truth.size} steps")

    ax = _new_axes(ax, (8.0, 3.6))
    _style_line_axes(ax)
    if test_start is not None:
        test_start = float(test_start)
        if not xs.min() <= test_start <= xs.max():
            raise ValueError(
                f"test_start={test_start:g} is outside the x range [{xs.min():g}, {xs.max():g}]"
            )
        ax.axvspan(test_start, xs.max(), color="0.92", zorder=0, linewidth=0, label="test split")
    ax.plot(xs, truth, color=_TRUTH_COLOUR, linewidth=2.2, label=labels[0], zorder=3)
    styles = ("-", "--", "-.", ":")
    for i, (name, values) in enumerate(preds.items()):
        ax.plot(
            xs,
            values,
            color=OKABE_ITO[i % len(OKABE_ITO)],
            linestyle=styles[i % len(styles)] if len(preds) > 1 else "-",
            linewidth=1.8,
            label=name,
            zorder=4,
        )
    ax.set_xlim(xs.min(), xs.max())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is None:
        title = "Truth and prediction" if len(preds) == 1 else "Truth and predictions"
    ax.set_title(title)
    ax.legend(frameon=False, loc="best")
    return ax


# --------------------------------------------------------------------------
# Heatmaps
# --------------------------------------------------------------------------

_KINDS = {
    "auto": "auto",
    "diverging": "diverging",
    "tanh": "diverging",
    "sequential": "sequential",
    "gate": "sequential",
    "sigmoid": "sequential",
}


def _colour_scale(values: np.ndarray, kind: str) -> tuple[str, float, float, str]:
    """(cmap, vmin, vmax, resolved kind) for a heatmap of `values`."""
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, _KINDS))}, got {kind!r}")
    kind = _KINDS[kind]
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    if kind == "auto":
        kind = "sequential" if lo >= 0.0 and hi <= 1.0 else "diverging"
    if kind == "diverging":
        limit = max(abs(lo), abs(hi)) or 1.0
        return _DIVERGING_CMAP, -limit, limit, kind
    if lo >= 0.0 and hi <= 1.0:
        return _SEQUENTIAL_CMAP, 0.0, 1.0, kind
    return _SEQUENTIAL_CMAP, lo, hi if hi > lo else lo + 1.0, kind


def plot_state_heatmap(
    states: Any,
    ax: Axes | None = None,
    title: str = "Hidden state",
    xlabel: str = "time step",
    ylabel: str = "unit",
    tokens: Sequence[Any] | None = None,
    kind: str = "auto",
    colorbar: bool = True,
    colorbar_label: str | None = None,
) -> Axes:
    """Draw hidden states or gate activations as a heatmap: time across, units down.

    Values that may be negative (e.g. `tanh` states) get a diverging colour
    map centred on 0 with symmetric limits; values in [0, 1] (sigmoid gates)
    get a sequential map from 0 to 1. The image shows `states.T`, so pixel
    `(unit, t)` is `states[t, unit]`.

    Args:
        states: array of shape `(time, units)`, e.g. one sample of a
            `return_sequences=True` output: `outputs[0]`.
        ax: the Axes to draw on; a new figure is created when None.
        title: the Axes title.
        xlabel: the time-axis label.
        ylabel: the unit-axis label.
        tokens: optional labels for the time steps, length `time`
            (e.g. the characters or words of the input).
        kind: "auto" (from the data range), "diverging" (alias "tanh") or
            "sequential" (aliases "gate", "sigmoid").
        colorbar: add a colourbar next to the Axes.
        colorbar_label: its label; by default "value" for diverging data and
            "gate value" for sequential data.

    Returns:
        The Axes. Its image is `ax.images[0]`.

    Example:

    >>> states = np.tanh(np.random.default_rng(0).normal(size=(12, 8)))
    >>> ax = plot_state_heatmap(states, tokens=list("hello world!"))
    """
    values = _as_2d("states", states, "(time, units)")
    steps, units = values.shape
    labels = _as_labels("tokens", tokens, steps)
    cmap, vmin, vmax, resolved = _colour_scale(values, kind)

    if ax is None:
        height = float(np.clip(0.22 * units + 1.4, 2.4, 6.0))
        ax = _new_axes(None, (7.0, height))
    else:
        ax = _new_axes(ax, _LINE_FIGSIZE)
    image = ax.imshow(
        values.T,
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
    )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins="auto"))
    if labels is not None:
        _set_token_ticks(ax, "x", labels)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if colorbar:
        if colorbar_label is None:
            colorbar_label = "value" if resolved == "diverging" else "gate value"
        ax.figure.colorbar(image, ax=ax, label=colorbar_label, fraction=0.05, pad=0.02)
    return ax


def plot_gate_activations(
    gates: Mapping[str, Any],
    tokens: Sequence[Any] | None = None,
    xlabel: str = "time step",
    ylabel: str = "unit",
    title: str | None = "Gate activations",
    kinds: Mapping[str, str] | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Draw one heatmap per gate, stacked so that they share the time axis.

    Each panel is a `plot_state_heatmap` with its own colourbar: gates in
    [0, 1] use a sequential map from 0 to 1, a tanh candidate a diverging one.

    Args:
        gates: an ordered dict `{name: array of shape (time, units)}`, e.g.
            `{"i": i, "f": f, "c": g, "o": o}` for an LSTM (Keras gate order).
            Every array must have the same number of time steps.
        tokens: optional labels for the time steps, length `time`, shown on
            the bottom panel.
        xlabel: the time-axis label (bottom panel only).
        ylabel: the unit-axis label of each panel.
        title: the figure title, or None for none.
        kinds: optional `{name: kind}` overriding the automatic colour map
            of a panel (see `plot_state_heatmap`).
        figsize: the figure size in inches; by default 7.5 wide and about
            1.9 high per gate.

    Returns:
        The Figure; its Axes are `fig.axes[:len(gates)]` (colourbars follow).

    Example:

    >>> rng = np.random.default_rng(0)
    >>> sig = lambda a: 1 / (1 + np.exp(-a))
    >>> fig = plot_gate_activations({"i": sig(rng.normal(size=(10, 6))),
    ...                              "c": np.tanh(rng.normal(size=(10, 6)))})
    """
    if not isinstance(gates, Mapping) or not gates:
        raise ValueError(
            "gates must be a non-empty dict {name: array (time, units)}, "
            f"got {type(gates).__name__}"
        )
    arrays = {str(k): _as_2d(f"gates[{k!r}]", v, "(time, units)") for k, v in gates.items()}
    steps = {name: a.shape[0] for name, a in arrays.items()}
    if len(set(steps.values())) > 1:
        detail = ", ".join(f"{k}: {v}" for k, v in steps.items())
        raise ValueError(f"gates must all have the same number of time steps, got {detail}")
    kinds = dict(kinds or {})
    unknown = set(kinds) - set(arrays)
    if unknown:
        raise ValueError(f"kinds names gates that are not in gates: {sorted(unknown)}")
    n = len(arrays)
    if figsize is None:
        figsize = (7.5, 1.9 * n + (0.5 if title else 0.2))
    fig, axes = plt.subplots(
        n, 1, sharex=True, squeeze=False, figsize=figsize, layout="constrained"
    )
    panels = zip(axes[:, 0], arrays.items(), strict=True)
    for i, (ax, (name, values)) in enumerate(panels):
        last = i == n - 1
        plot_state_heatmap(
            values,
            ax=ax,
            title=name,
            xlabel=xlabel if last else "",
            ylabel=ylabel,
            tokens=tokens if last else None,
            kind=kinds.get(name, "auto"),
        )
        if not last:
            ax.tick_params(axis="x", labelbottom=False)
    if title:
        fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------
# Gradient norms and attention
# --------------------------------------------------------------------------


def plot_gradient_norms(
    distances: Any,
    norms: Mapping[Any, Any],
    ax: Axes | None = None,
    title: str = "Gradient norm against distance in time",
    xlabel: str = "distance in time $k$ (steps)",
    ylabel: str = r"gradient norm $\Vert\partial h_t / \partial h_{t-k}\Vert$",
    legend_title: str | None = None,
) -> Axes:
    """Plot gradient norms against distance in time on a log scale.

    Straight lines on this plot are exponential decay or growth: the
    picture of vanishing and exploding gradients.

    Args:
        distances: the distances in time `k`, shape `(n,)`.
        norms: a dict `{label: norms of shape (n,)}`, one line per label,
            e.g. `{0.5: ..., 0.9: ..., 1.0: ..., 1.5: ...}` keyed by spectral
            radius. Norms must be non-negative; exact zeros (underflow) are
            left out, as a log axis cannot show them.
        ax: the Axes to draw on; a new figure is created when None.
        title: the Axes title.
        xlabel: the x-axis label.
        ylabel: the y-axis label.
        legend_title: a title for the legend, e.g. "spectral radius".

    Returns:
        The Axes (its y axis is logarithmic).

    Example:

    >>> k = np.arange(1, 51)
    >>> ax = plot_gradient_norms(k, {r: r ** k for r in (0.5, 0.9, 1.0, 1.1)},
    ...                          legend_title="spectral radius")
    """
    ks = _as_1d("distances", distances)
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError(
            f"norms must be a non-empty dict {{label: array (n,)}}, got {type(norms).__name__}"
        )
    series = {}
    for key, values in norms.items():
        arr = _as_1d(f"norms[{key!r}]", values)
        if arr.size != ks.size:
            raise ValueError(
                f"norms[{key!r}] has {arr.size} values but distances has {ks.size}"
            )
        if np.any(arr < 0):
            raise ValueError(f"norms[{key!r}] has negative values; a norm is never negative")
        series[_format_key(key)] = np.where(arr > 0, arr, np.nan)
    if all(np.all(np.isnan(v)) for v in series.values()):
        raise ValueError("norms are all zero; nothing to show on a log scale")

    ax = _new_axes(ax, _LINE_FIGSIZE)
    _style_line_axes(ax)
    ax.grid(True, which="minor", axis="y", color="0.95", linewidth=0.6)
    for i, (label, values) in enumerate(series.items()):
        ax.plot(ks, values, color=OKABE_ITO[i % len(OKABE_ITO)], linewidth=2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(title=legend_title, frameon=False)
    return ax


def plot_attention(
    weights: Any,
    query_tokens: Sequence[Any] | None = None,
    key_tokens: Sequence[Any] | None = None,
    ax: Axes | None = None,
    title: str = "Attention weights",
    xlabel: str = "key (input) position",
    ylabel: str = "query (output) position",
    annotate: bool | None = None,
    colorbar: bool = True,
) -> Axes:
    """Draw an attention-weights matrix: one row per query, one column per key.

    Args:
        weights: array of shape `(Tq, Tv)` with values in [0, 1], e.g. the
            scores from `keras.layers.Attention()(..., return_attention_scores=True)`
            for one sample: `scores[0]`. Each row usually sums to 1.
        query_tokens: labels of the rows (the queries, e.g. output words), length `Tq`.
        key_tokens: labels of the columns (the keys, e.g. input words), length `Tv`.
        ax: the Axes to draw on; a new figure is created when None.
        title: the Axes title.
        xlabel: the x-axis (key) label.
        ylabel: the y-axis (query) label.
        annotate: write each weight in its cell; by default only when the
            matrix is at most 12 x 12.
        colorbar: add a colourbar next to the Axes.

    Returns:
        The Axes. Its image is `ax.images[0]`, with colour limits 0 and 1.

    Example:

    >>> w = np.array([[0.9, 0.1, 0.0], [0.1, 0.2, 0.7]])
    >>> ax = plot_attention(w, query_tokens=["le", "chat"], key_tokens=["the", "black", "cat"])
    """
    w = _as_2d("weights", weights, "(Tq, Tv)")
    finite = w[np.isfinite(w)]
    if finite.size and (finite.min() < -1e-6 or finite.max() > 1 + 1e-6):
        raise ValueError(
            "weights must lie in [0, 1] (softmax outputs), got values from "
            f"{finite.min():g} to {finite.max():g}; did you pass the scores before the softmax?"
        )
    tq, tv = w.shape
    rows = _as_labels("query_tokens", query_tokens, tq)
    cols = _as_labels("key_tokens", key_tokens, tv)
    if annotate is None:
        annotate = tq <= 12 and tv <= 12

    if ax is None:
        width = float(np.clip(0.55 * tv + 2.6, 4.0, 9.0))
        height = float(np.clip(0.5 * tq + 1.6, 3.0, 8.0))
        ax = _new_axes(None, (width, height))
    else:
        ax = _new_axes(ax, _LINE_FIGSIZE)
    image = ax.imshow(w, cmap=_SEQUENTIAL_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest")
    if cols is not None:
        _set_token_ticks(ax, "x", cols)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if rows is not None:
        _set_token_ticks(ax, "y", rows)
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if annotate:
        for (r, c), value in np.ndenumerate(w):
            if np.isfinite(value):
                ax.text(
                    c,
                    r,
                    f"{value:.2f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if value > 0.6 else "white",
                    gid="attention-value",
                )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="attention weight", fraction=0.05, pad=0.03)
    return ax


# --------------------------------------------------------------------------
# Diagrams: boxes and arrows in data units, on an equal-aspect Axes
# --------------------------------------------------------------------------

_CELL_W, _CELL_H = 1.3, 0.8  # an RNN cell
_IO_W, _IO_H = 0.8, 0.5  # an input x_t or output y_t box
_IO_GAP = 0.7  # vertical arrow length between a cell and its input/output
_STEP = 2.4  # horizontal distance between neighbouring cells
_STATE_ARROW = 0.9  # length of the h_0 arrow in, and the h_T arrow out
_INCH_PER_UNIT = 0.55  # figure size when we create the figure
_EDGE = "#333333"
_FACES = {
    "input": "#D6E9F8",  # pale blue
    "cell": "#FCE3C5",  # pale orange
    "decoder": "#F3D7E8",  # pale purple
    "output": "#D3EFE2",  # pale green
}
_MATH_SIZE = 13
_IO_SHAPES = {
    "one-to-one": "e.g. classify one vector",
    "one-to-many": "e.g. generate a sequence from one input",
    "many-to-one": "e.g. sentiment of a sentence",
    "many-to-many-aligned": "e.g. tag every word",
    "many-to-many": "e.g. translation (encoder-decoder)",
}


@dataclass
class _Canvas:
    """An Axes plus the bounding box of what has been drawn on it."""

    ax: Axes
    xmin: float = np.inf
    xmax: float = -np.inf
    ymin: float = np.inf
    ymax: float = -np.inf
    cells: list[FancyBboxPatch] = field(default_factory=list)

    def extend(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.xmin, self.xmax = min(self.xmin, x0), max(self.xmax, x1)
        self.ymin, self.ymax = min(self.ymin, y0), max(self.ymax, y1)

    def box(self, cx: float, cy: float, w: float, h: float, text: str, face: str, gid: str,
            fontsize: float = _MATH_SIZE) -> FancyBboxPatch:
        """A rounded box whose drawn edge is exactly the rectangle (no padding)."""
        patch = FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=face,
            edgecolor=_EDGE,
            linewidth=1.4,
            gid=gid,
            zorder=2,
        )
        self.ax.add_patch(patch)
        if text:
            self.ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize, zorder=3,
                         gid=f"{gid}-label")
        self.extend(cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
        return patch

    def arrow(self, start: tuple[float, float], end: tuple[float, float], gid: str,
              path: Path | None = None) -> FancyArrowPatch:
        """An arrow from `start` to `end` exactly: no shrinking away from the ends."""
        kwargs: dict[str, Any] = {"path": path} if path is not None else {
            "posA": start, "posB": end}
        patch = FancyArrowPatch(
            **kwargs,
            arrowstyle="-|>,head_length=0.45,head_width=0.22",
            mutation_scale=18,
            shrinkA=0,
            shrinkB=0,
            color=_EDGE,
            linewidth=1.4,
            gid=gid,
            zorder=1,
        )
        self.ax.add_patch(patch)
        self.extend(min(start[0], end[0]), max(start[0], end[0]),
                    min(start[1], end[1]), max(start[1], end[1]))
        return patch

    def text(self, x: float, y: float, text: str, ha: str = "center", va: str = "center",
             fontsize: float = _MATH_SIZE, gid: str = "label") -> None:
        self.ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, gid=gid, zorder=3)

    def finish(self, margin: tuple[float, float, float, float] = (0.3, 0.3, 0.15, 0.15)) -> None:
        """Fit the limits to the drawing (left, right, bottom, top margins) and hide the axes."""
        left, right, bottom, top = margin
        self.ax.set_xlim(self.xmin - left, self.xmax + right)
        self.ax.set_ylim(self.ymin - bottom, self.ymax + top)
        self.ax.set_aspect("equal")
        self.ax.set_axis_off()

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = np.diff(self.ax.get_xlim())[0], np.diff(self.ax.get_ylim())[0]
        return float(w * _INCH_PER_UNIT), float(h * _INCH_PER_UNIT)


def _diagram_axes(ax: Axes | None) -> tuple[_Canvas, bool]:
    """A canvas on `ax`, or on a new figure sized later by `_fit_figure`."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 2), layout="constrained")
        return _Canvas(ax), True
    return _Canvas(_new_axes(ax, (6, 2))), False


def _fit_figure(canvas: _Canvas, title_lines: int = 0) -> None:
    w, h = canvas.size_inches
    canvas.ax.figure.set_size_inches(w + 0.1, h + 0.1 + 0.3 * title_lines)


def _index_label(symbol: str, index: int | str | None) -> str:
    if index is None:
        return f"${symbol}$"
    return f"${symbol}_{{{index}}}$"


def _time_indices(steps: int, labels: bool | str) -> list[int | str]:
    """Subscripts for each step: 1..T, or t-1, t, t+1, ... for labels="t"."""
    if labels == "t":
        out: list[int | str] = []
        for i in range(steps):
            offset = i - 1 if steps > 1 else 0
            out.append("t" if offset == 0 else f"t{offset:+d}")
        return out
    return list(range(1, steps + 1))


def _state_label(index: int | str) -> str:
    return _index_label("h", index)


def _previous(index: int | str) -> int | str:
    """The subscript one step earlier (for h_0 or h_{t-2})."""
    if isinstance(index, int):
        return index - 1
    if index == "t":
        return "t-1"
    offset = int(index[1:]) - 1
    return "t" if offset == 0 else f"t{offset:+d}"


def _draw_chain(
    canvas: _Canvas,
    x_left: float,
    steps: int,
    *,
    inputs: Sequence[bool],
    outputs: Sequence[bool],
    indices: Sequence[int | str] | None,
    cell_labels: Sequence[str],
    faces: Sequence[str],
    input_indices: Sequence[int | str | None] | None = None,
    output_indices: Sequence[int | str | None] | None = None,
    state_labels: bool = True,
    state_in: bool = True,
    state_out: bool = True,
) -> None:
    """Draw `steps` cells left to right, starting at `x_left` (left end of h_0's arrow).

    `inputs[i]`/`outputs[i]` say whether step i has an x below / y above it.
    With `indices` None nothing is labelled except the cells.
    """
    input_indices = input_indices if input_indices is not None else indices
    output_indices = output_indices if output_indices is not None else indices
    first_cx = x_left + (_STATE_ARROW if state_in else 0.0) + _CELL_W / 2
    centres = [first_cx + i * _STEP for i in range(steps)]
    io_y = _CELL_H / 2 + _IO_GAP + _IO_H / 2

    for i, cx in enumerate(centres):
        canvas.cells.append(canvas.box(cx, 0.0, _CELL_W, _CELL_H, cell_labels[i], faces[i], "cell",
                                       fontsize=12))
        if inputs[i]:
            text = "" if input_indices is None else _index_label("x", input_indices[i])
            canvas.box(cx, -io_y, _IO_W, _IO_H, text, _FACES["input"], "input")
            canvas.arrow((cx, -io_y + _IO_H / 2), (cx, -_CELL_H / 2), "input-arrow")
        if outputs[i]:
            text = "" if output_indices is None else _index_label("y", output_indices[i])
            canvas.box(cx, io_y, _IO_W, _IO_H, text, _FACES["output"], "output")
            canvas.arrow((cx, _CELL_H / 2), (cx, io_y - _IO_H / 2), "output-arrow")

    label_y = 0.1  # state labels sit just above their arrow
    if state_in:
        start = (centres[0] - _CELL_W / 2 - _STATE_ARROW, 0.0)
        canvas.arrow(start, (centres[0] - _CELL_W / 2, 0.0), "state-arrow")
        if indices is not None and state_labels:
            canvas.text(start[0] - 0.08, 0.0, _state_label(_previous(indices[0])), ha="right")
            canvas.extend(start[0] - 0.55, start[0], 0, 0)
    for i in range(steps - 1):
        a, b = centres[i] + _CELL_W / 2, centres[i + 1] - _CELL_W / 2
        canvas.arrow((a, 0.0), (b, 0.0), "state-arrow")
        if indices is not None and state_labels:
            canvas.text((a + b) / 2, label_y, _state_label(indices[i]), va="bottom")
    if state_out:
        end = (centres[-1] + _CELL_W / 2 + _STATE_ARROW, 0.0)
        canvas.arrow((centres[-1] + _CELL_W / 2, 0.0), end, "state-arrow")
        if indices is not None and state_labels:
            canvas.text(end[0] + 0.08, 0.0, _state_label(indices[-1]), ha="left")
            canvas.extend(end[0], end[0] + 0.55, 0, 0)


def _draw_rolled(canvas: _Canvas, cx: float, cell_label: str, show_outputs: bool,
                 labels: bool) -> float:
    """The compact form: one cell with a self-loop on its right. Returns its right end."""
    canvas.box(cx, 0.0, _CELL_W, _CELL_H, cell_label, _FACES["cell"], "rolled-cell", fontsize=12)
    io_y = _CELL_H / 2 + _IO_GAP + _IO_H / 2
    canvas.box(cx, -io_y, _IO_W, _IO_H, "$x_t$" if labels else "", _FACES["input"], "input")
    canvas.arrow((cx, -io_y + _IO_H / 2), (cx, -_CELL_H / 2), "input-arrow")
    if show_outputs:
        canvas.box(cx, io_y, _IO_W, _IO_H, "$y_t$" if labels else "", _FACES["output"], "output")
        canvas.arrow((cx, _CELL_H / 2), (cx, io_y - _IO_H / 2), "output-arrow")
    # Self-loop: leaves the right edge high, swings out and re-enters lower down.
    right = cx + _CELL_W / 2
    reach = 0.85
    start, end = (right, 0.2), (right, -0.2)
    loop = Path(
        [start, (right + reach, 0.75), (right + reach, -0.75), end],
        [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4],
    )
    canvas.arrow(start, end, "loop-arrow", path=loop)
    loop_right = right + 0.75 * reach  # the curve's furthest point
    canvas.extend(right, loop_right, -0.4, 0.4)
    if labels:
        canvas.text(loop_right + 0.08, 0.0, "$h$", ha="left")
        loop_right += 0.45
    return loop_right


def draw_unrolled_rnn(
    steps: int = 4,
    ax: Axes | None = None,
    labels: bool | str = True,
    show_outputs: bool = True,
    cell_label: str = "RNN",
    show_rolled: bool = True,
) -> Axes:
    """Draw a recurrent network unrolled in time, with its compact form on the left.

    Inputs $x_t$ sit below the cells, outputs $y_t$ above, and the state
    $h_t$ flows left to right from $h_0$. All cells are the same layer with
    the same weights: that is what the repeated label says.

    Args:
        steps: the number of time steps to unroll (1 to 12).
        ax: the Axes to draw on; a new figure, sized to the drawing, is
            created when None.
        labels: True for subscripts 1..steps ($x_1$, $h_0$, ...), "t" for
            subscripts around $t$ ($x_{t-1}$, $x_t$, ...), False for no labels.
        show_outputs: draw the outputs $y_t$ (False for a bare encoder).
        cell_label: the text in every cell, e.g. "RNN", "LSTM", "GRU".
        show_rolled: draw the rolled form with its self-loop, then "=".

    Returns:
        The Axes. Cell boxes are patches with `gid == "cell"` (the rolled
        cell has `gid == "rolled-cell"`).

    Example:

    >>> ax = draw_unrolled_rnn(steps=3, labels="t", cell_label="LSTM")
    """
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or not 1 <= steps <= 12:
        raise ValueError(f"steps must be an integer from 1 to 12, got {steps!r}")
    if labels not in (True, False, "t"):
        raise ValueError(f"labels must be True, False or 't', got {labels!r}")
    steps = int(steps)
    canvas, created = _diagram_axes(ax)
    x = 0.0
    if show_rolled:
        right = _draw_rolled(canvas, _CELL_W / 2, cell_label, show_outputs, bool(labels))
        eq_x = right + 0.45
        canvas.text(eq_x, 0.0, "=", fontsize=22, gid="equals")
        x = eq_x + 0.45 + (0.55 if labels else 0.0)  # room for the h_0 label
    indices = _time_indices(steps, labels) if labels else None
    _draw_chain(
        canvas,
        x,
        steps,
        inputs=[True] * steps,
        outputs=[show_outputs] * steps,
        indices=indices,
        cell_labels=[cell_label] * steps,
        faces=[_FACES["cell"]] * steps,
    )
    canvas.finish()
    if created:
        _fit_figure(canvas)
    return canvas.ax


def draw_io_shapes(
    kind: str,
    ax: Axes | None = None,
    labels: bool = True,
    title: bool | str = True,
) -> Axes:
    """Draw one of the input/output patterns of a recurrent network.

    The kinds (after Karpathy, 2015):

    - "one-to-one": one input, one output; no recurrence at all.
    - "one-to-many": one input, then an output at every step.
    - "many-to-one": an input at every step, one output at the end
      (Keras: `return_sequences=False`).
    - "many-to-many-aligned": an output for every input, step by step
      (Keras: `return_sequences=True`).
    - "many-to-many": an encoder reads the whole input, then a decoder
      writes the output, so outputs start after a delay.

    Args:
        kind: one of the kinds above.
        ax: the Axes to draw on; a new figure, sized to the drawing, is
            created when None.
        labels: write $x_t$ and $y_t$ in the boxes.
        title: True for the kind and an example task as title, a string for
            your own title, False for none.

    Returns:
        The Axes. Cell boxes are patches with `gid == "cell"`.

    Example:

    >>> fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    >>> for kind, ax in zip(["many-to-one", "many-to-many"], axes):
    ...     _ = draw_io_shapes(kind, ax=ax)
    """
    if kind not in _IO_SHAPES:
        raise ValueError(f"kind must be one of {', '.join(map(repr, _IO_SHAPES))}, got {kind!r}")
    canvas, created = _diagram_axes(ax)
    cell = _FACES["cell"]
    none: list[int | str | None]
    if kind == "one-to-one":
        n, ins, outs = 1, [True], [True]
        x_idx: list[int | str | None] | None = [None]
        y_idx: list[int | str | None] | None = [None]
        cells, faces = ["RNN"], [cell]
    elif kind == "one-to-many":
        n = 4
        ins, outs = [True] + [False] * 3, [True] * 4
        x_idx, y_idx = [None] + [None] * 3, [1, 2, 3, 4]
        cells, faces = ["RNN"] * n, [cell] * n
    elif kind == "many-to-one":
        n = 4
        ins, outs = [True] * 4, [False] * 3 + [True]
        none = [None] * 4
        x_idx, y_idx = [1, 2, 3, 4], none
        cells, faces = ["RNN"] * n, [cell] * n
    elif kind == "many-to-many-aligned":
        n = 4
        ins, outs = [True] * 4, [True] * 4
        x_idx, y_idx = [1, 2, 3, 4], [1, 2, 3, 4]
        cells, faces = ["RNN"] * n, [cell] * n
    else:  # encoder-decoder
        n_in, n_out = 3, 3
        n = n_in + n_out
        ins, outs = [True] * n_in + [False] * n_out, [False] * n_in + [True] * n_out
        x_idx = [1, 2, 3, None, None, None]
        y_idx = [None, None, None, 1, 2, 3]
        cells = ["enc"] * n_in + ["dec"] * n_out
        faces = [cell] * n_in + [_FACES["decoder"]] * n_out
    if not labels:
        x_idx = y_idx = None
    recurrent = n > 1
    _draw_chain(
        canvas,
        0.0,
        n,
        inputs=ins,
        outputs=outs,
        indices=list(range(1, n + 1)),
        input_indices=x_idx,
        output_indices=y_idx,
        cell_labels=cells,
        faces=faces,
        state_labels=False,
        state_in=False,
        state_out=False,
    )
    # Keep every kind on the same vertical extent, so panels line up.
    io_y = _CELL_H / 2 + _IO_GAP + _IO_H
    canvas.extend(canvas.xmin, canvas.xmax, -io_y, io_y)
    if not recurrent:
        canvas.extend(canvas.xmin - 0.3, canvas.xmax + 0.3, -io_y, io_y)
    canvas.finish()
    title_text = kind if title is True else (title or "")
    if title is True:
        title_text = f"{kind}\n{_IO_SHAPES[kind]}"
    if title_text:
        canvas.ax.set_title(title_text, fontsize=11)
    if created:
        _fit_figure(canvas, title_lines=title_text.count("\n") + 1 if title_text else 0)
    return canvas.ax
