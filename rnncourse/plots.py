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
    draw_lstm_cell          inside one LSTM step: four gates, two states
    draw_gru_cell           inside one GRU step, reset_after=True or False
    draw_bidirectional      a forward and a backward layer over the same inputs
    draw_stacked            recurrent layers on top of one another
    draw_encoder_decoder    encoder, hand-over of the state, decoder (and attention)
    draw_attention          one query, scores, softmax weights and the context

The diagrams are drawn in data units on an equal-aspect Axes; when they
create their figure they size it to the drawing (0.55 inch per unit), so
that text keeps one size from figure to figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath
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
    "draw_lstm_cell",
    "draw_gru_cell",
    "draw_bidirectional",
    "draw_stacked",
    "draw_encoder_decoder",
    "draw_attention",
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
_IO_W, _IO_H = 0.8, 0.5  # an input x_t or output y_t box (wider when its label needs it)
_IO_GAP = 0.7  # vertical arrow length between a cell and its input/output
_STEP = 2.4  # horizontal distance between neighbouring cells
_STATE_ARROW = 0.9  # length of the h_0 arrow in, and the h_T arrow out
_INCH_PER_UNIT = 0.55  # figure size when we create the figure
_EDGE = "#333333"
_FACES = {
    "input": "#D6E9F8",  # pale blue
    "cell": "#FCE3C5",  # pale orange: a layer with weights (an RNN cell, a gate)
    "decoder": "#F3D7E8",  # pale purple: the decoder, or the backward direction
    "output": "#D3EFE2",  # pale green
    "attention": "#FFF0B8",  # pale yellow: attention and its context vector
    "body": "#F4F4F4",  # light grey: the inside of an LSTM or GRU cell
    "op": "white",  # an element-wise operation (no weights)
}
_MATH_SIZE = 13
_SMALL_SIZE = 9  # notes and the names of gates
_OP_R = 0.22  # radius of an element-wise operation (the circles with x and +)
_GATE_W, _GATE_H = 1.25, 0.95  # a gate inside an LSTM or GRU cell
_IO_SHAPES = {
    "one-to-one": "e.g. classify one vector",
    "one-to-many": "e.g. generate a sequence from one input",
    "many-to-one": "e.g. sentiment of a sentence",
    "many-to-many-aligned": "e.g. tag every word",
    "many-to-many": "e.g. translation (encoder-decoder)",
}


def _text_width(text: str, fontsize: float = _MATH_SIZE) -> float:
    """The width of `text` (mathtext allowed) in data units, at the size we create figures."""
    if not text:
        return 0.0
    width_points = max(
        TextPath((0, 0), line or " ", size=fontsize).get_extents().width
        for line in text.split("\n")
    )
    return width_points / 72.0 / _INCH_PER_UNIT


def _check_count(name: str, value: Any, low: int, high: int) -> int:
    """`value` as an int in [low, high], or a ValueError that names the argument."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not (
        low <= value <= high
    ):
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")
    return int(value)


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
            fontsize: float = _MATH_SIZE, zorder: float = 2) -> FancyBboxPatch:
        """A rounded box whose drawn edge is exactly the rectangle (no padding)."""
        patch = FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={min(0.12, h / 4):g}",
            facecolor=face,
            edgecolor=_EDGE,
            linewidth=1.4,
            gid=gid,
            zorder=zorder,
        )
        self.ax.add_patch(patch)
        if text:
            self.ax.text(cx, cy, text, ha="center", va="center", fontsize=fontsize, zorder=3,
                         gid=f"{gid}-label")
        self.extend(cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
        return patch

    def arrow(self, start: tuple[float, float], end: tuple[float, float], gid: str,
              path: Path | None = None, *, head: bool = True, color: str = _EDGE,
              linestyle: str = "-", linewidth: float = 1.4, halo: str | None = None,
              head_scale: float = 18) -> FancyArrowPatch:
        """An arrow from `start` to `end` exactly: no shrinking away from the ends.

        `head=False` draws a plain line. `halo`, the background colour, draws it
        over a band of that colour, so that a line it crosses shows a gap: a
        crossing, not a junction.
        """
        kwargs: dict[str, Any] = {"path": path} if path is not None else {
            "posA": start, "posB": end}
        patch = FancyArrowPatch(
            **kwargs,
            arrowstyle="-|>,head_length=0.45,head_width=0.22" if head else "-",
            mutation_scale=head_scale,
            shrinkA=0,
            shrinkB=0,
            color=color,
            linewidth=linewidth,
            linestyle=linestyle,
            gid=gid,
            zorder=1.5 if halo else 1,
        )
        if halo:
            patch.set_path_effects([
                patheffects.withStroke(linewidth=linewidth + 5, foreground=halo),
            ])
        self.ax.add_patch(patch)
        self.extend(min(start[0], end[0]), max(start[0], end[0]),
                    min(start[1], end[1]), max(start[1], end[1]))
        return patch

    def wire(self, points: Sequence[tuple[float, float]], gid: str, *, head: bool = True,
             **style: Any) -> FancyArrowPatch:
        """A polyline through `points`, with an arrowhead at the last one unless `head=False`."""
        path = Path(points, [Path.MOVETO] + [Path.LINETO] * (len(points) - 1))
        patch = self.arrow(points[0], points[-1], gid, path=path, head=head, **style)
        xs, ys = zip(*points)
        self.extend(min(xs), max(xs), min(ys), max(ys))
        return patch

    def op(self, cx: float, cy: float, symbol: str, gid: str) -> Circle:
        """An operation without weights: a white circle with `symbol` ("x", "+", "dot") in it."""
        text = {"x": r"$\times$", "+": r"$+$", "dot": r"$\bullet$"}[symbol]
        patch = Circle((cx, cy), _OP_R, facecolor=_FACES["op"], edgecolor=_EDGE, linewidth=1.4,
                       gid=gid, zorder=2)
        self.ax.add_patch(patch)
        self.ax.text(cx, cy, text, ha="center", va="center", fontsize=9 if symbol == "dot" else 12,
                     zorder=3, gid=f"{gid}-label")
        self.extend(cx - _OP_R, cx + _OP_R, cy - _OP_R, cy + _OP_R)
        return patch

    def dot(self, x: float, y: float) -> None:
        """A junction: the line branches here."""
        self.ax.add_patch(Circle((x, y), 0.065, facecolor=_EDGE, edgecolor="none",
                                 gid="junction", zorder=2.5))

    def text(self, x: float, y: float, text: str, ha: str = "center", va: str = "center",
             fontsize: float = _MATH_SIZE, gid: str = "label", reserve: bool = False,
             **kwargs: Any) -> None:
        """Write `text`; with `reserve=True` the drawing's extent grows to include it."""
        self.ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, gid=gid, zorder=3, **kwargs)
        if reserve:
            width = _text_width(text, fontsize)
            height = 0.42 * fontsize / _MATH_SIZE * (text.count("\n") + 1)
            x0 = {"left": x, "center": x - width / 2, "right": x - width}[ha]
            y0 = {"bottom": y, "center": y - height / 2, "baseline": y, "top": y - height}[va]
            self.extend(x0, x0 + width, y0, y0 + height)

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
    """Size a figure we created to the drawing, and wide enough for its title."""
    w, h = canvas.size_inches
    title = canvas.ax.get_title()
    if title:
        w = max(w, _text_width(title, 11) * _INCH_PER_UNIT + 0.2)
    canvas.ax.figure.set_size_inches(w + 0.1, h + 0.1 + 0.3 * title_lines)


def _finish_diagram(canvas: _Canvas, created: bool) -> Axes:
    canvas.finish()
    if created:
        _fit_figure(canvas)
    return canvas.ax


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


def _io_width(texts: Sequence[str], fontsize: float = _MATH_SIZE) -> float:
    """One width for a row of input/output boxes: `_IO_W`, or more if a label needs it."""
    return max([_IO_W] + [_text_width(t, fontsize) + 0.3 for t in texts])


def _io_box(canvas: _Canvas, cx: float, cell_y: float, text: str, kind: str,
            width: float = _IO_W, fontsize: float = _MATH_SIZE, x_arrow: float | None = None,
            height: float = _IO_H) -> None:
    """An input box below (`kind="input"`) or an output box above a cell, with its arrow.

    The box's near edge is `_IO_GAP` from the cell; the arrow runs at `x_arrow`
    (default: the box's centre).
    """
    x = cx if x_arrow is None else x_arrow
    offset = _CELL_H / 2 + _IO_GAP + height / 2
    if kind == "input":
        y = cell_y - offset
        canvas.box(cx, y, width, height, text, _FACES["input"], "input", fontsize=fontsize)
        canvas.arrow((x, y + height / 2), (x, cell_y - _CELL_H / 2), "input-arrow")
    else:
        y = cell_y + offset
        canvas.box(cx, y, width, height, text, _FACES["output"], "output", fontsize=fontsize)
        canvas.arrow((x, cell_y + _CELL_H / 2), (x, y - height / 2), "output-arrow")


def _draw_row(
    canvas: _Canvas,
    centres: Sequence[float],
    y: float,
    *,
    labels: Sequence[str],
    faces: Sequence[str],
    gid: str | Sequence[str] = "cell",
    width: float = _CELL_W,
    fontsize: float = 12,
    direction: int = 1,
    state_in: str | None = None,
    between: Sequence[str] | None = None,
    state_out: str | None = None,
    between_gids: Sequence[str] | None = None,
) -> None:
    """Cells at `centres` (left to right) on height `y`, joined by state arrows.

    The state flows left to right for `direction=1` and right to left for -1.
    `state_in`/`state_out` are the labels of the arrow into the first cell and out
    of the last one (in the direction of flow): None for no arrow, "" for an arrow
    without a label. `between` labels the arrows between cells (in flow order),
    written just above them. `gid` names the cells: one name, or one per cell.
    """
    flow = list(centres) if direction == 1 else list(centres)[::-1]
    half = width / 2
    gids = [gid] * len(centres) if isinstance(gid, str) else list(gid)
    for cx, label, face, cell_gid in zip(centres, labels, faces, gids):
        patch = canvas.box(cx, y, width, _CELL_H, label, face, cell_gid, fontsize=fontsize)
        canvas.cells.append(patch)
    d = direction
    outer = "right" if d == 1 else "left"  # where the label of the incoming state sits
    if state_in is not None:
        start = flow[0] - d * (half + _STATE_ARROW)
        canvas.arrow((start, y), (flow[0] - d * half, y), "state-arrow")
        if state_in:
            canvas.text(start - d * 0.08, y, state_in, ha=outer, reserve=True)
    for i in range(len(flow) - 1):
        a, b = flow[i] + d * half, flow[i + 1] - d * half
        arrow_gid = between_gids[i] if between_gids is not None else "state-arrow"
        canvas.arrow((a, y), (b, y), arrow_gid)
        if between is not None and between[i]:
            canvas.text((a + b) / 2, y + 0.1, between[i], va="bottom")
    if state_out is not None:
        end = flow[-1] + d * (half + _STATE_ARROW)
        canvas.arrow((flow[-1] + d * half, y), (end, y), "state-arrow")
        if state_out:
            canvas.text(end + d * 0.08, y, state_out, ha="left" if d == 1 else "right",
                        reserve=True)


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
    labelled = indices is not None and state_labels
    between = [_state_label(indices[i]) for i in range(steps - 1)] if labelled else []
    # Wide state labels (h_{t-1}) get longer arrows, so that they clear the cells.
    step = max([_STEP] + [_CELL_W + _text_width(t) + 0.6 for t in between])
    first_cx = x_left + (_STATE_ARROW if state_in else 0.0) + _CELL_W / 2
    centres = [first_cx + i * step for i in range(steps)]
    x_texts = ["" if input_indices is None else _index_label("x", input_indices[i])
               for i in range(steps)]
    y_texts = ["" if output_indices is None else _index_label("y", output_indices[i])
               for i in range(steps)]
    width = _io_width(x_texts + y_texts)  # t-1 and t+1 subscripts get wider boxes
    for i, cx in enumerate(centres):
        if inputs[i]:
            _io_box(canvas, cx, 0.0, x_texts[i], "input", width)
        if outputs[i]:
            _io_box(canvas, cx, 0.0, y_texts[i], "output", width)
    _draw_row(
        canvas,
        centres,
        0.0,
        labels=cell_labels,
        faces=faces,
        state_in=(_state_label(_previous(indices[0])) if labelled else "") if state_in
        else None,
        between=between if labelled else None,
        state_out=(_state_label(indices[-1]) if labelled else "") if state_out else None,
    )


def _draw_rolled(canvas: _Canvas, cx: float, cell_label: str, show_outputs: bool,
                 labels: bool) -> float:
    """The compact form: one cell with a self-loop on its right. Returns its right end."""
    canvas.box(cx, 0.0, _CELL_W, _CELL_H, cell_label, _FACES["cell"], "rolled-cell", fontsize=12)
    _io_box(canvas, cx, 0.0, "$x_t$" if labels else "", "input")
    if show_outputs:
        _io_box(canvas, cx, 0.0, "$y_t$" if labels else "", "output")
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
    steps = _check_count("steps", steps, 1, 12)
    if labels not in (True, False, "t"):
        raise ValueError(f"labels must be True, False or 't', got {labels!r}")
    canvas, created = _diagram_axes(ax)
    indices = _time_indices(steps, labels) if labels else None
    x = 0.0
    if show_rolled:
        right = _draw_rolled(canvas, _CELL_W / 2, cell_label, show_outputs, bool(labels))
        eq_x = right + 0.45
        canvas.text(eq_x, 0.0, "=", fontsize=22, gid="equals")
        x = eq_x + 0.45
        if indices is not None:  # room for the h_0 (or h_{t-2}) label left of the first arrow
            x += _text_width(_state_label(_previous(indices[0]))) + 0.2
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
    return _finish_diagram(canvas, created)


def draw_io_shapes(
    kind: str,
    ax: Axes | None = None,
    labels: bool = True,
    title: bool | str = True,
) -> Axes:
    """Draw one of the input/output patterns of a recurrent network.

    The kinds (after Karpathy, 2015):

    - "one-to-one": one input, one output; no recurrence at all, so the box
      is a plain feed-forward (`Dense`) layer, not an RNN.
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
        cells, faces = ["Dense"], [cell]  # one step, no state: a feed-forward layer
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


# --------------------------------------------------------------------------
# Inside a cell: the LSTM and the GRU
# --------------------------------------------------------------------------


def _gate(canvas: _Canvas, cx: float, cy: float, name: str, activation: str) -> None:
    """A layer with weights inside a cell: its name on top, its activation below."""
    canvas.box(cx, cy, _GATE_W, _GATE_H, "", _FACES["cell"], "gate")
    canvas.text(cx, cy + 0.22, name, fontsize=8.5, gid="gate-name")
    size = _MATH_SIZE if activation.startswith("$") else 11
    canvas.text(cx, cy - 0.15, activation, fontsize=size, gid="gate-activation")


def _cell_body(canvas: _Canvas, x0: float, x1: float, y0: float, y1: float, name: str) -> None:
    """The grey background of a cell, with its name in the lower right corner."""
    canvas.box((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, "", _FACES["body"], "cell-body",
               zorder=0)
    canvas.text(x1 - 0.15, y0 + 0.12, name, ha="right", va="bottom", fontsize=11,
                gid="cell-name", fontweight="bold", color="#555555")


def _state_in(canvas: _Canvas, x: float, y: float, x_to: float, label: str) -> None:
    """A state entering the cell from the left edge of the drawing."""
    canvas.text(x - 0.1, y, label, ha="right", reserve=True, gid="state-in")
    canvas.arrow((x, y), (x_to, y), "state-in-arrow")


def _state_out(canvas: _Canvas, x_from: float, y: float, x: float, label: str) -> None:
    """A state leaving the cell at the right edge of the drawing."""
    canvas.arrow((x_from, y), (x, y), "state-out-arrow")
    canvas.text(x + 0.1, y, label, ha="left", reserve=True, gid="state-out")


def _input_x(canvas: _Canvas, x: float, y_to: float, head: bool = True) -> float:
    """The input box x_t below the cell, its arrow up to `y_to`; returns the box's top."""
    y = -0.55
    canvas.box(x, y, _IO_W, _IO_H, "$x_t$", _FACES["input"], "input")
    canvas.arrow((x, y + _IO_H / 2), (x, y_to), "input-arrow", head=head)
    canvas.dot(x, y_to)
    return y + _IO_H / 2


def _bus(canvas: _Canvas, y: float, x_from: float, taps: Sequence[float]) -> None:
    """The line that carries h_{t-1} and x_t together, with an arrow up into each gate."""
    canvas.wire([(x_from, y), (taps[-1], y)], "bus", head=False)
    for x in taps:
        canvas.arrow((x, y), (x, _GATE_Y - _GATE_H / 2), "gate-input")
        if x != taps[-1]:
            canvas.dot(x, y)


_GATE_Y = 2.15  # height of the gates inside a cell
_BUS_Y = 0.95  # height of the bus that feeds them
_TOP_Y = 5.0  # the cell state of an LSTM, the state of a GRU


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """Draw one step of an LSTM: its four gates, its two states, and how they combine.

    What is drawn, for one time step (Keras's `LSTM`, see Hochreiter and
    Schmidhuber, 1997, and Gers et al., 2000):

    - in: the input $x_t$ (below) and the two states $h_{t-1}$ and $c_{t-1}$
      (left); out: $h_t$ and $c_t$ (right);
    - the four blocks of Keras's kernel, in its order i, f, c, o: the input
      gate $i_t$, the forget gate $f_t$, the candidate $g_t$ (Keras's "c",
      often written $\\tilde c_t$) and the output gate $o_t$. Each is a dense
      layer on $[h_{t-1}, x_t]$ with a sigmoid ($\\sigma$), except the
      candidate's `tanh`. They are drawn in the order the cell state meets
      them (f, i, g, o), so that no line crosses another;
    - the cell-state line along the top: $c_t = f_t \\odot c_{t-1} + i_t \\odot g_t$,
      and below it $h_t = o_t \\odot \\tanh(c_t)$. Circles are element-wise
      operations, which have no weights.

    Args:
        ax: the Axes to draw on; a new figure, sized to the drawing (about
            7 by 4 inches), is created when None.

    Returns:
        The Axes. Gates are patches with `gid == "gate"`, element-wise
        operations circles with `gid` "forget", "write", "add" and "show".

    Example:

    >>> ax = draw_lstm_cell()
    >>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "gate-output")
    ['$f_t$', '$g_t$', '$i_t$', '$o_t$']
    """
    canvas, created = _diagram_axes(ax)
    mul_y = 3.75  # where i_t and g_t are multiplied
    gx = {"f": 2.0, "i": 3.5, "c": 5.0, "o": 6.5}
    tanh_x, left, right = 8.35, -0.5, 10.3
    _cell_body(canvas, 0.0, 9.3, 0.35, 5.6, "LSTM")
    gates = {  # Keras's order: i, f, c, o
        "i": ("input", r"$\sigma$", "$i_t$"),
        "f": ("forget", r"$\sigma$", "$f_t$"),
        "c": ("candidate", "tanh", "$g_t$"),
        "o": ("output", r"$\sigma$", "$o_t$"),
    }
    for key, (name, activation, _) in gates.items():
        _gate(canvas, gx[key], _GATE_Y, name, activation)
    gate_top = _GATE_Y + _GATE_H / 2

    # The cell state: forget, then add what the input gate lets through.
    _state_in(canvas, left, _TOP_Y, gx["f"] - _OP_R, "$c_{t-1}$")
    canvas.op(gx["f"], _TOP_Y, "x", "forget")
    canvas.arrow((gx["f"] + _OP_R, _TOP_Y), (gx["c"] - _OP_R, _TOP_Y), "cell-state")
    canvas.op(gx["c"], _TOP_Y, "+", "add")
    _state_out(canvas, gx["c"] + _OP_R, _TOP_Y, right, "$c_t$")
    canvas.dot(tanh_x, _TOP_Y)

    # Gate outputs.
    canvas.arrow((gx["f"], gate_top), (gx["f"], _TOP_Y - _OP_R), "gate-output-arrow")
    canvas.text(gx["f"] + 0.1, 3.4, gates["f"][2], ha="left", gid="gate-output")
    canvas.wire([(gx["i"], gate_top), (gx["i"], mul_y), (gx["c"] - _OP_R, mul_y)],
                "gate-output-arrow")
    canvas.text(gx["i"] + 0.1, 3.15, gates["i"][2], ha="left", gid="gate-output")
    canvas.arrow((gx["c"], gate_top), (gx["c"], mul_y - _OP_R), "gate-output-arrow")
    canvas.text(gx["c"] + 0.1, 3.1, gates["c"][2], ha="left", gid="gate-output")
    canvas.op(gx["c"], mul_y, "x", "write")
    canvas.arrow((gx["c"], mul_y + _OP_R), (gx["c"], _TOP_Y - _OP_R), "cell-state")
    canvas.arrow((gx["o"] + _GATE_W / 2, _GATE_Y), (tanh_x - _OP_R, _GATE_Y),
                 "gate-output-arrow")
    canvas.text((gx["o"] + _GATE_W / 2 + tanh_x - _OP_R) / 2, _GATE_Y + 0.08, gates["o"][2],
                va="bottom", gid="gate-output")

    # h_t = o_t * tanh(c_t)
    canvas.arrow((tanh_x, _TOP_Y), (tanh_x, mul_y + 0.225), "cell-state")
    canvas.box(tanh_x, mul_y, 0.8, 0.45, "tanh", _FACES["op"], "tanh", fontsize=10)
    canvas.arrow((tanh_x, mul_y - 0.225), (tanh_x, _GATE_Y + _OP_R), "cell-state")
    canvas.op(tanh_x, _GATE_Y, "x", "show")
    _state_out(canvas, tanh_x + _OP_R, _GATE_Y, right, "$h_t$")

    # What every gate reads: h_{t-1} and x_t.
    _state_in(canvas, left, _BUS_Y, left, "$h_{t-1}$")
    _bus(canvas, _BUS_Y, left, [gx["f"], gx["i"], gx["c"], gx["o"]])
    _input_x(canvas, 1.0, _BUS_Y)
    canvas.text(2.0, -0.55, "Keras's kernel holds the four blocks in the order i, f, c, o\n"
                "(c is the candidate $g_t$); circles are element-wise",
                ha="left", fontsize=_SMALL_SIZE, gid="note", reserve=True)
    return _finish_diagram(canvas, created)


def draw_gru_cell(ax: Axes | None = None, reset_after: bool = True) -> Axes:
    """Draw one step of a GRU: the update gate, the reset gate and the candidate.

    What is drawn, for one time step of Keras's `GRU` (Cho et al., 2014), in
    the order of Keras's kernel, z, r, h:

    - in: the input $x_t$ (below) and the state $h_{t-1}$ (left); out: $h_t$;
    - the update gate $z_t$ and the reset gate $r_t$, sigmoid layers on
      $[h_{t-1}, x_t]$, and the candidate $\\tilde h_t$, a `tanh` layer on
      $x_t$ and the reset old state;
    - the state line along the top: $h_t = z_t \\odot h_{t-1} + (1 - z_t)
      \\odot \\tilde h_t$, Keras's convention, in which $z_t$ weighs the
      **old** state ($z_t = 1$ copies it).

    Where the reset gate acts depends on `reset_after`:

    - True (Keras's default): $\\tilde h_t = \\tanh(x_t K_h + b_h + r_t \\odot
      (h_{t-1} U_h + b'_h))$; the diagram has a box for the recurrent product
      $h_{t-1} U_h + b'_h$, which $r_t$ multiplies *after* the matrix product.
    - False: $\\tilde h_t = \\tanh(x_t K_h + (r_t \\odot h_{t-1}) U_h + b_h)$;
      $r_t$ multiplies $h_{t-1}$ *before* it.

    A note under the cell says which.

    Args:
        ax: the Axes to draw on; a new figure, sized to the drawing (about
            7 by 4 inches), is created when None.
        reset_after: Keras's `reset_after` argument, see above.

    Returns:
        The Axes. Gates (and the candidate) are patches with `gid == "gate"`;
        with `reset_after=True` the recurrent product is a patch with
        `gid == "recurrent-product"`.

    Example:

    >>> ax = draw_gru_cell(reset_after=False)
    >>> [p for p in ax.patches if p.get_gid() == "recurrent-product"]
    []
    """
    if not isinstance(reset_after, bool | np.bool_):
        raise ValueError(f"reset_after must be True or False, got {reset_after!r}")
    canvas, created = _diagram_axes(ax)
    z_y, cand_y, x_y = 4.1, 3.3, 0.35  # the z line, the candidate's output, the x_t line
    gx = {"z": 2.0, "r": 3.5, "reset": 5.0, "h": 6.5, "keep": 7.7, "one_minus": 8.4,
          "add": 9.3}
    left, right = -0.5, 10.5
    _cell_body(canvas, 0.0, 9.9, 0.0, 5.6, "GRU")
    gates = {  # Keras's order: z, r, h
        "z": ("update", r"$\sigma$", "$z_t$"),
        "r": ("reset", r"$\sigma$", "$r_t$"),
        "h": ("candidate", "tanh", r"$\tilde h_t$"),
    }
    for key, (name, activation, _) in gates.items():
        _gate(canvas, gx[key], _GATE_Y, name, activation)
    gate_top, gate_bottom = _GATE_Y + _GATE_H / 2, _GATE_Y - _GATE_H / 2

    # The state line: keep z_t of the old state, add (1 - z_t) of the candidate.
    _state_in(canvas, left, _TOP_Y, gx["keep"] - _OP_R, "$h_{t-1}$")
    canvas.op(gx["keep"], _TOP_Y, "x", "keep")
    canvas.arrow((gx["keep"] + _OP_R, _TOP_Y), (gx["add"] - _OP_R, _TOP_Y), "state")
    canvas.op(gx["add"], _TOP_Y, "+", "add")
    _state_out(canvas, gx["add"] + _OP_R, _TOP_Y, right, "$h_t$")

    # z_t: onto the old state, and as 1 - z_t onto the candidate.
    canvas.wire([(gx["z"], gate_top), (gx["z"], z_y), (gx["keep"], z_y)], "gate-output-arrow",
                head=False)
    canvas.text(gx["z"] + 0.1, 3.35, gates["z"][2], ha="left", gid="gate-output")
    canvas.dot(gx["keep"], z_y)
    canvas.arrow((gx["keep"], z_y), (gx["keep"], _TOP_Y - _OP_R), "gate-output-arrow")
    canvas.arrow((gx["keep"], z_y), (gx["one_minus"] - 0.25, z_y), "gate-output-arrow")
    canvas.box(gx["one_minus"], z_y, 0.5, 0.4, "1$-$", _FACES["op"], "one-minus", fontsize=10)
    canvas.arrow((gx["one_minus"] + 0.25, z_y), (gx["add"] - _OP_R, z_y), "gate-output-arrow")
    canvas.op(gx["add"], z_y, "x", "update")
    canvas.arrow((gx["add"], z_y + _OP_R), (gx["add"], _TOP_Y - _OP_R), "state")

    # The candidate, from x_t and the reset old state.
    canvas.wire([(gx["h"], gate_top), (gx["h"], cand_y), (gx["add"], cand_y),
                 (gx["add"], z_y - _OP_R)], "gate-output-arrow")
    canvas.text(gx["h"] + 0.1, 2.95, gates["h"][2], ha="left", gid="gate-output")
    canvas.arrow((gx["r"] + _GATE_W / 2, _GATE_Y), (gx["reset"] - _OP_R, _GATE_Y),
                 "gate-output-arrow")
    canvas.text((gx["r"] + _GATE_W / 2 + gx["reset"] - _OP_R) / 2, _GATE_Y + 0.08,
                gates["r"][2], va="bottom", gid="gate-output")
    canvas.op(gx["reset"], _GATE_Y, "x", "reset")
    canvas.arrow((gx["reset"] + _OP_R, _GATE_Y), (gx["h"] - _GATE_W / 2, _GATE_Y), "reset-arrow")
    canvas.dot(gx["reset"], _TOP_Y)
    if reset_after:
        product_y = 3.2
        canvas.arrow((gx["reset"], _TOP_Y), (gx["reset"], product_y + 0.25), "old-state",
                     halo=_FACES["body"])
        canvas.box(gx["reset"], product_y, 1.7, 0.5, r"$h_{t-1} U_h + b'_h$", _FACES["cell"],
                   "recurrent-product", fontsize=11)
        canvas.arrow((gx["reset"], product_y - 0.25), (gx["reset"], _GATE_Y + _OP_R),
                     "old-state")
        note = ("reset_after=True (Keras's default): $r_t$ multiplies $h_{t-1} U_h + b'_h$,\n"
                "after the matrix product")
    else:
        canvas.arrow((gx["reset"], _TOP_Y), (gx["reset"], _GATE_Y + _OP_R), "old-state",
                     halo=_FACES["body"])
        canvas.text(gx["reset"], _GATE_Y - _OP_R - 0.08, r"$r_t \odot h_{t-1}$", va="top",
                    fontsize=11, gid="reset-label")
        note = ("reset_after=False: $r_t$ multiplies $h_{t-1}$,\n"
                "before the matrix product with $U_h$")

    # What the gates read: h_{t-1} and x_t; the candidate reads x_t on its own line.
    canvas.wire([(0.3, _TOP_Y), (0.3, _BUS_Y)], "bus", head=False)
    canvas.dot(0.3, _TOP_Y)
    _bus(canvas, _BUS_Y, 0.3, [gx["z"], gx["r"]])
    _input_x(canvas, 1.0, x_y, head=False)
    canvas.arrow((1.0, x_y), (1.0, _BUS_Y), "input-arrow")
    canvas.dot(1.0, _BUS_Y)
    canvas.wire([(1.0, x_y), (gx["h"], x_y), (gx["h"], gate_bottom)], "input-arrow")
    canvas.text(2.0, -0.55, note, ha="left", fontsize=_SMALL_SIZE, gid="note", reserve=True)
    return _finish_diagram(canvas, created)


# --------------------------------------------------------------------------
# Arrangements of cells: bidirectional, stacked, encoder-decoder, attention
# --------------------------------------------------------------------------

_IO_OFFSET = _CELL_H / 2 + _IO_GAP + _IO_H / 2  # from a cell's centre to its x or y box
_FEEDBACK = "#777777"  # the dashed teacher-forcing arrows


def draw_bidirectional(steps: int = 3, ax: Axes | None = None) -> Axes:
    """Draw a bidirectional recurrent layer unrolled over `steps` inputs.

    What is drawn (Schuster and Paliwal, 1997; Keras's `Bidirectional`):

    - the inputs $x_1, \\dots, x_T$ along the bottom;
    - the forward layer (orange), whose state $\\overrightarrow{h}_t$ runs
      left to right from $\\overrightarrow{h}_0$;
    - the backward layer (purple), a second RNN with its own weights whose
      state $\\overleftarrow{h}_t$ runs right to left from
      $\\overleftarrow{h}_{T+1}$;
    - every input feeds both layers, and each output is the concatenation
      $[\\overrightarrow{h}_t ; \\overleftarrow{h}_t]$ (Keras's default
      `merge_mode="concat"`, forward half first).

    Where a line crosses a state arrow it passes over it (a gap, no junction).

    Args:
        steps: the number of time steps $T$ (1 to 8).
        ax: the Axes to draw on; a new figure, sized to the drawing, is
            created when None.

    Returns:
        The Axes. Cells are patches with `gid` "forward-cell" and
        "backward-cell".

    Example:

    >>> ax = draw_bidirectional(steps=4)
    """
    steps = _check_count("steps", steps, 1, 8)
    canvas, created = _diagram_axes(ax)
    step, width, shift, row = 2.8, 1.0, 0.55, 1.7  # the backward row sits `row` higher
    cols = [k * step for k in range(steps)]
    forward = [c - shift for c in cols]
    backward = [c + shift for c in cols]
    idx = range(1, steps + 1)
    fwd = [rf"$\overrightarrow{{h}}_{{{t}}}$" for t in idx]
    bwd = [rf"$\overleftarrow{{h}}_{{{t}}}$" for t in idx]
    _draw_row(canvas, forward, 0.0, labels=["RNN"] * steps, faces=[_FACES["cell"]] * steps,
              gid="forward-cell", width=width, state_in=r"$\overrightarrow{h}_0$",
              between=fwd[:-1])
    _draw_row(canvas, backward, row, labels=["RNN"] * steps, faces=[_FACES["decoder"]] * steps,
              gid="backward-cell", width=width, direction=-1,
              state_in=rf"$\overleftarrow{{h}}_{{{steps + 1}}}$", between=bwd[:0:-1])
    outputs = [rf"$[\overrightarrow{{h}}_{{{t}}} ; \overleftarrow{{h}}_{{{t}}}]$" for t in idx]
    out_width = _io_width(outputs, 12)
    for t, c in enumerate(cols):
        _io_box(canvas, c, 0.0, _index_label("x", t + 1), "input", x_arrow=c - 0.3)
        canvas.arrow((c + 0.3, -_IO_OFFSET + _IO_H / 2), (c + 0.3, row - _CELL_H / 2),
                     "input-arrow", halo="white")
        _io_box(canvas, c, row, outputs[t], "output", out_width, fontsize=12, x_arrow=c + 0.3,
                height=0.62)
        canvas.arrow((c - 0.3, _CELL_H / 2), (c - 0.3, row + _CELL_H / 2 + _IO_GAP),
                     "output-arrow", halo="white")
    caption = {"fontsize": 11, "gid": "direction", "reserve": True, "fontweight": "bold",
               "color": "#555555"}
    canvas.text(forward[-1] + width / 2 + 1.0, 0.0, "forward", ha="left", **caption)
    canvas.text(backward[0] - width / 2 - 1.0, row, "backward", ha="right", **caption)
    return _finish_diagram(canvas, created)


def draw_stacked(layers: int = 2, steps: int = 3, ax: Axes | None = None) -> Axes:
    """Draw a stack of recurrent layers unrolled over `steps` inputs.

    What is drawn: the inputs $x_1, \\dots, x_T$ along the bottom; `layers`
    rows of cells, layer 1 at the bottom, each with its own initial state
    $h^{(\\ell)}_0$ and its own weights; between rows, the state
    $h^{(\\ell)}_t$ of layer $\\ell$ going up as the input of layer
    $\\ell + 1$ at the same step (in Keras every layer but the last needs
    `return_sequences=True`); the outputs $y_t = h^{(L)}_t$ on top.

    Args:
        layers: the number of layers $L$ (1 to 6).
        steps: the number of time steps $T$ (1 to 8).
        ax: the Axes to draw on; a new figure, sized to the drawing, is
            created when None.

    Returns:
        The Axes. Cells are patches with `gid == "cell"`, labelled
        "layer 1" to "layer L"; the arrows between layers have
        `gid == "layer-arrow"`.

    Example:

    >>> ax = draw_stacked(layers=3, steps=4)
    """
    layers = _check_count("layers", layers, 1, 6)
    steps = _check_count("steps", steps, 1, 8)
    canvas, created = _diagram_axes(ax)
    row = _CELL_H + 1.0
    cols = [k * _STEP for k in range(steps)]
    for layer in range(layers):
        y = layer * row
        _draw_row(canvas, cols, y, labels=[f"layer {layer + 1}"] * steps,
                  faces=[_FACES["cell"]] * steps, fontsize=11,
                  state_in=f"$h^{{({layer + 1})}}_0$")
        if layer + 1 < layers:
            for t, c in enumerate(cols):
                canvas.arrow((c, y + _CELL_H / 2), (c, y + row - _CELL_H / 2), "layer-arrow")
                canvas.text(c + 0.1, y + row / 2, f"$h^{{({layer + 1})}}_{{{t + 1}}}$",
                            ha="left", fontsize=12)
    for t, c in enumerate(cols):
        _io_box(canvas, c, 0.0, _index_label("x", t + 1), "input")
        _io_box(canvas, c, (layers - 1) * row, _index_label("y", t + 1), "output")
    return _finish_diagram(canvas, created)


def draw_encoder_decoder(
    source_steps: int = 3,
    target_steps: int = 3,
    ax: Axes | None = None,
    attention: bool = False,
) -> Axes:
    """Draw a sequence-to-sequence model: an encoder RNN, then a decoder RNN.

    What is drawn (Cho et al., 2014; Sutskever et al., 2014):

    - the encoder (orange) reads $x_1, \\dots, x_S$ (its initial state, zeros
      by default, is not drawn);
    - its final state $h_S$ is handed over as the decoder's initial state $s_0$;
    - the decoder (purple) reads `<start>`, then the previous target token
      $y_{t-1}$, and writes $y_t$. The dashed arrows show where its inputs
      come from: the true previous token in training (teacher forcing), its
      own previous output at inference;
    - with `attention=True` (Luong et al., 2015, as in chapter 6): every
      encoder state $h_j$ is kept, and at every decoder step $t$ a context
      $c_t$ is computed from all of them, one colour of arrows per step
      (see `draw_attention` for what happens inside); the output $y_t$ reads
      both the decoder state and $c_t$.

    Args:
        source_steps: the number of input steps $S$ (1 to 8).
        target_steps: the number of output steps (1 to 8).
        ax: the Axes to draw on; a new figure, sized to the drawing, is
            created when None.
        attention: draw the attention over the encoder states.

    Returns:
        The Axes. Cells are patches with `gid` "encoder-cell" and
        "decoder-cell"; the hand-over is the arrow with `gid ==
        "state-handover"`; with attention, the contexts are boxes with
        `gid == "context"` and the arrows into them have `gid ==
        "attention-arrow"`.

    Example:

    >>> ax = draw_encoder_decoder(source_steps=4, target_steps=3, attention=True)
    """
    source_steps = _check_count("source_steps", source_steps, 1, 8)
    target_steps = _check_count("target_steps", target_steps, 1, 8)
    if not isinstance(attention, bool | np.bool_):
        raise ValueError(f"attention must be True or False, got {attention!r}")
    canvas, created = _diagram_axes(ax)
    s, n = source_steps, target_steps
    # Closer than _STEP, so that 3 + 3 steps fit the width of a page; the decoder
    # needs more room when a context sits beside each output.
    enc_step, dec_step = 2.0, 2.3 if attention else 2.2
    enc = [k * enc_step for k in range(s)]
    dec = [enc[-1] + enc_step + 1.0 + k * dec_step for k in range(n)]  # 1.0: hand-over label
    _draw_row(
        canvas, enc + dec, 0.0,
        labels=["enc"] * s + ["dec"] * n,
        faces=[_FACES["cell"]] * s + [_FACES["decoder"]] * n,
        gid=["encoder-cell"] * s + ["decoder-cell"] * n,
        between=[_state_label(j) for j in range(1, s)] + [f"$h_{{{s}}} = s_0$"] + [""] * (n - 1),
        between_gids=["state-arrow"] * (s - 1) + ["state-handover"] + ["state-arrow"] * (n - 1),
    )
    # Inputs: x_j for the encoder; <start>, then y_1, ..., y_{T-1} for the decoder.
    width = _io_width([_index_label("x", s), _index_label("y", n)])
    for j, c in enumerate(enc):
        _io_box(canvas, c, 0.0, _index_label("x", j + 1), "input", width)
    start_width = _io_width(["<start>"], 10)
    for t, c in enumerate(dec):
        if t == 0:
            _io_box(canvas, c, 0.0, "<start>", "input", start_width, fontsize=10)
        else:
            _io_box(canvas, c, 0.0, _index_label("y", t), "input", width)
    # Outputs, and with attention the contexts beside them.
    side = 0.5 if attention else 0.0  # with attention: context left, output right
    out_width = _IO_W if not attention else 0.65
    out_x = [c + side for c in dec]
    for t, x in enumerate(out_x):
        _io_box(canvas, x, 0.0, _index_label("y", t + 1), "output", out_width)
    if attention:
        _draw_attention_fan(canvas, enc, dec, side)
    # Teacher forcing: y_t comes back as the next input.
    half_out = out_width / 2
    for t in range(n - 1):
        a = (out_x[t] + half_out, _IO_OFFSET)
        b = (dec[t + 1] - width / 2, -_IO_OFFSET)
        # Cross the state arrow between the cells left of its middle, clear of its head:
        # the Bezier curve is at x_cross halfway, (a + 3 c1 + 3 c2 + b) / 8.
        x_cross = (dec[t] + dec[t + 1]) / 2 - 0.15
        pull = max(0.3, (4 * a[0] + 4 * b[0] + 0.9 - 8 * x_cross) / 3)
        curve = Path([a, (a[0] + 0.3, a[1]), (b[0] - pull, b[1]), b],
                     [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
        canvas.arrow(a, b, "feedback", path=curve, color=_FEEDBACK, linestyle="--",
                     linewidth=1.2, head_scale=14)
    bottom = -_IO_OFFSET - _IO_H / 2 - 0.15
    for part, centres in (("encoder", enc), ("decoder", dec)):
        canvas.text((centres[0] + centres[-1]) / 2, bottom, part, va="top", fontsize=11,
                    gid="part", reserve=True, fontweight="bold", color="#555555")
    if n > 1:
        canvas.text(dec[0] - start_width / 2, bottom - 0.45,
                    "dashed: the previous token, the true one in training\n"
                    "(teacher forcing), the decoder's own at inference",
                    ha="left", va="top", fontsize=_SMALL_SIZE, gid="note", color="#555555",
                    reserve=True)
    return _finish_diagram(canvas, created)


def _draw_attention_fan(canvas: _Canvas, enc: Sequence[float], dec: Sequence[float],
                        side: float) -> None:
    """Encoder states above the encoder, a context per decoder step, and arrows from
    every state into every context (one colour per decoder step)."""
    box_y, box_h = _IO_OFFSET, _IO_H
    for j, c in enumerate(enc):
        canvas.box(c, box_y, _IO_W, box_h, _state_label(j + 1), _FACES["output"],
                   "encoder-state")
        canvas.arrow((c, _CELL_H / 2), (c, box_y - box_h / 2), "output-arrow")
    ctx_w = 0.65
    top = box_y + box_h / 2
    highest = top
    for t, c in enumerate(dec):
        cx = c - side
        canvas.box(cx, box_y, ctx_w, box_h, f"$c_{{{t + 1}}}$", _FACES["attention"], "context")
        canvas.arrow((cx, _CELL_H / 2), (cx, box_y - box_h / 2), "query-arrow")
        canvas.arrow((cx + ctx_w / 2, box_y), (c + side - ctx_w / 2, box_y), "context-arrow")
        colour = OKABE_ITO[t % 6]
        spread = min(0.16, 0.45 / max(len(enc) - 1, 1))
        for j, hx in enumerate(enc):
            end_x = cx + (j - (len(enc) - 1) / 2) * spread
            lift = 0.55 + 0.2 * abs(end_x - hx)
            arc = Path([(hx, top), (hx, top + lift), (end_x, top + lift), (end_x, top)],
                       [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
            canvas.arrow((hx, top), (end_x, top), "attention-arrow", path=arc, color=colour,
                         linewidth=1.0, head_scale=11)
            canvas.extend(hx, end_x, top, top + 0.75 * lift)
            highest = max(highest, top + 0.75 * lift)
    canvas.text((enc[0] + dec[-1]) / 2, highest + 0.1, "attention: every context reads all "
                "encoder states", va="bottom", fontsize=11, gid="part", reserve=True,
                fontweight="bold", color="#555555")


def draw_attention(source_steps: int = 4, ax: Axes | None = None) -> Axes:
    """Draw one step of dot-product attention over the encoder states.

    What is drawn, bottom to top, for one decoder step $t$ (Luong et al.,
    2015; Keras's `Attention` called with `[query, value]`, so the encoder
    states serve as both keys and values):

    - the encoder states $h_1, \\dots, h_T$, and the decoder's state, the
      query $q_t$, which reaches every one of them;
    - the scores $s_{tj} = q_t \\cdot h_j$, one per encoder state;
    - a softmax over all $T$ scores, giving weights $\\alpha_{t1}, \\dots,
      \\alpha_{tT}$ that are positive and sum to 1;
    - the weighted sum, the context $c_t = \\sum_j \\alpha_{tj} h_j$.

    Args:
        source_steps: the number of encoder states $T$ (1 to 8).
        ax: the Axes to draw on; a new figure, sized to the drawing, is
            created when None.

    Returns:
        The Axes. The encoder states are patches with `gid ==
        "encoder-state"`, the scores circles with `gid == "score"`, the
        context a patch with `gid == "context"`.

    Example:

    >>> ax = draw_attention(source_steps=5)
    """
    source_steps = _check_count("source_steps", source_steps, 1, 8)
    canvas, created = _diagram_axes(ax)
    step = 1.9
    cols = [j * step for j in range(source_steps)]
    score_y, softmax_y, weight_y, sum_y, context_y = 1.4, 2.6, 3.85, 5.0, 6.0
    bus_y = -0.85
    mid = (cols[0] + cols[-1]) / 2
    for j, x in enumerate(cols):
        canvas.box(x, 0.0, _IO_W, _IO_H, _state_label(j + 1), _FACES["output"], "encoder-state")
        canvas.arrow((x, _IO_H / 2), (x, score_y - _OP_R), "key-arrow")
        canvas.op(x, score_y, "dot", "score")
        canvas.arrow((x, score_y + _OP_R), (x, softmax_y - 0.25), "score-arrow")
        canvas.text(x + 0.1, (score_y + softmax_y) / 2 - 0.05, f"$s_{{t{j + 1}}}$", ha="left",
                    fontsize=11, gid="score-label")
        canvas.arrow((x, softmax_y + 0.25), (x, weight_y - _OP_R), "weight-arrow")
        canvas.text(x + 0.1, (softmax_y + weight_y) / 2, rf"$\alpha_{{t{j + 1}}}$", ha="left",
                    fontsize=12, gid="weight")
        canvas.op(x, weight_y, "x", "weigh")
        canvas.text(x - 0.72, weight_y, _state_label(j + 1), ha="right", gid="value",
                    reserve=True)
        canvas.arrow((x - 0.7, weight_y), (x - _OP_R, weight_y), "value-arrow")
        # The weighted terms meet in one sum.
        dx, dy = x - mid, weight_y - sum_y
        norm = float(np.hypot(dx, dy))
        canvas.arrow((x, weight_y + _OP_R),
                     (mid + _OP_R * dx / norm, sum_y + _OP_R * dy / norm), "sum-arrow")
    width = cols[-1] - cols[0] + 1.4
    canvas.box(mid, softmax_y, width, 0.5, "softmax", _FACES["attention"], "softmax",
               fontsize=11)
    canvas.op(mid, sum_y, "+", "sum")
    canvas.box(mid, context_y, 0.8, 0.5, "$c_t$", _FACES["attention"], "context")
    canvas.arrow((mid, sum_y + _OP_R), (mid, context_y - 0.25), "context-arrow")
    canvas.text(mid + 0.55, context_y, "context", ha="left", fontsize=11, gid="caption",
                reserve=True)
    # The query: one decoder state, carried under the encoder states to every score.
    q_x = cols[0] - 1.7
    canvas.box(q_x, bus_y, 0.8, 0.5, "$q_t$", _FACES["decoder"], "query")
    canvas.text(q_x, bus_y - 0.35, "decoder state\n(the query)", va="top", fontsize=_SMALL_SIZE,
                gid="caption", reserve=True)
    branch = [x + 0.65 for x in cols]
    canvas.wire([(q_x + 0.4, bus_y), (branch[-1], bus_y)], "query-bus", head=False)
    for x, bx in zip(cols, branch):
        if bx != branch[-1]:
            canvas.dot(bx, bus_y)
        canvas.wire([(bx, bus_y), (bx, score_y), (x + _OP_R, score_y)], "query-arrow")
    canvas.text(cols[-1] + 1.0, 0.0, "encoder states", ha="left", fontsize=_SMALL_SIZE,
                gid="caption", reserve=True)
    canvas.text(cols[-1] + 1.0, score_y, r"scores $q_t \cdot h_j$", ha="left",
                fontsize=_SMALL_SIZE, gid="caption", reserve=True)
    canvas.text(cols[-1] + 1.0, softmax_y, "weights: positive, sum to 1", ha="left",
                fontsize=_SMALL_SIZE, gid="caption", reserve=True)
    canvas.text(cols[-1] + 1.0, weight_y, "weigh each state", ha="left",
                fontsize=_SMALL_SIZE, gid="caption", reserve=True)
    canvas.text(cols[-1] + 1.0, sum_y, r"add up: $c_t = \sum_j \alpha_{tj} h_j$", ha="left",
                fontsize=_SMALL_SIZE, gid="caption", reserve=True)
    return _finish_diagram(canvas, created)
