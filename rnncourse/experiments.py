"""The adding-problem experiment: SimpleRNN, LSTM and GRU against sequence length.

The book's experiment page and the benchmark scripts share this code, so the
numbers they report come from one training loop. A run trains one recurrent
layer (`units` cells) plus `Dense(1)` on `rnncourse.data.adding_problem`
with Adam and gradient clipping, and records the training and validation
MSE after every epoch. A run stops early once the validation MSE falls below
`stop_at` (the task is solved; more epochs would only cost time) or after
`epochs` epochs.

TensorFlow is imported only when a model is built, so importing this module
is cheap.

Functions:
    build_adding_model    the compiled Keras model for one cell type
    stop_below            a callback that ends training below a loss threshold
    train_adding          one run: one cell type at one sequence length
    run_adding_experiment every cell type at every length
    results_table         final validation MSE per model and length, as text
    plot_adding_curves    validation MSE per epoch, one panel per length

Example:

>>> runs = run_adding_experiment(cells=("GRU",), lengths=(10,), n_train=256,
...                              n_val=64, epochs=1)
>>> runs[0].cell, runs[0].length, len(runs[0].val_mse)
('GRU', 10, 1)
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnncourse.data import ADDING_BASELINE_MSE, adding_problem
from rnncourse.quiet_tf import import_tensorflow

__all__ = [
    "CELLS",
    "AddingRun",
    "build_adding_model",
    "plot_adding_curves",
    "results_table",
    "run_adding_experiment",
    "stop_below",
    "train_adding",
]

#: The recurrent layers compared, by their Keras names.
CELLS = ("SimpleRNN", "LSTM", "GRU")


@dataclass
class AddingRun:
    """The record of one training run on the adding problem.

    Args:
        cell: the Keras layer name, one of `CELLS`.
        length: the sequence length T.
        learning_rate: Adam's learning rate.
        train_mse: training MSE after each epoch, length `epochs_run`.
        val_mse: validation MSE after each epoch, length `epochs_run`.
        seconds: wall-clock time of `model.fit`.
        stop_at: the early-stopping threshold on the validation MSE, or None.
        baseline_mse: MSE of always predicting 1.0 on this run's validation set.
        model: the trained `keras.Model` (None for a run built by hand).
    """

    cell: str
    length: int
    learning_rate: float
    train_mse: list[float] = field(default_factory=list)
    val_mse: list[float] = field(default_factory=list)
    seconds: float = 0.0
    stop_at: float | None = None
    baseline_mse: float = ADDING_BASELINE_MSE
    model: Any = field(default=None, repr=False, compare=False)

    @property
    def epochs_run(self) -> int:
        """How many epochs were trained (fewer than the cap if stopped early)."""
        return len(self.val_mse)

    @property
    def final_val_mse(self) -> float:
        """The validation MSE after the last epoch trained."""
        return self.val_mse[-1]

    @property
    def best_val_mse(self) -> float:
        """The lowest validation MSE of any epoch."""
        return min(self.val_mse)

    @property
    def stopped_early(self) -> bool:
        """True if training ended because the validation MSE fell below `stop_at`."""
        return self.stop_at is not None and self.final_val_mse < self.stop_at


def build_adding_model(cell: str, units: int = 32, length: int | None = None,
                       learning_rate: float = 1e-3, global_clipnorm: float = 1.0):
    """A compiled many-to-one model: `Input((length, 2))`, `cell(units)`, `Dense(1)`.

    Args:
        cell: "SimpleRNN", "LSTM" or "GRU" (Keras's default arguments).
        units: the number of units H of the recurrent layer.
        length: the sequence length, or None to accept any length.
        learning_rate: Adam's learning rate.
        global_clipnorm: Adam scales all the gradients together so that their global
            norm is at most this (chapter 3's rule; None: no clipping).

    Returns:
        A `keras.Model` compiled with the MSE loss.

    Example:

    >>> model = build_adding_model("LSTM", units=4, length=10)
    >>> model.count_params()  # 4 (2*4 + 4*4 + 4) + (4 + 1)
    117
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    _, keras = import_tensorflow()
    inputs = keras.Input(shape=(length, 2))
    hidden = getattr(keras.layers, cell)(units)(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs, name=f"adding_{cell.lower()}")
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate,
                                      global_clipnorm=global_clipnorm)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def stop_below(threshold: float, monitor: str = "val_loss"):
    """A Keras callback that stops training once `logs[monitor] < threshold`.

    Unlike `keras.callbacks.EarlyStopping`, which waits for a plateau, this
    stops as soon as a target is reached.

    Args:
        threshold: the value `monitor` must fall below.
        monitor: the name of the logged quantity, e.g. "val_loss".

    Returns:
        A `keras.callbacks.Callback`.

    Example:

    >>> callback = stop_below(0.005)
    """
    _, keras = import_tensorflow()

    class StopBelow(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            value = (logs or {}).get(monitor)
            if value is not None and value < threshold:
                self.model.stop_training = True

    return StopBelow()


def _adding_data(length: int, n_train: int, n_val: int, seed: int):
    """Training and validation sets for one length; the same for every cell type."""
    rng = np.random.default_rng([seed, length])
    return adding_problem(n_train, length, seed=rng), adding_problem(n_val, length, seed=rng)


def train_adding(cell: str, length: int, *, units: int = 32, n_train: int = 10_000,
                 n_val: int = 1_000, batch_size: int = 64, epochs: int = 10,
                 learning_rate: float = 3e-3, global_clipnorm: float = 1.0,
                 stop_at: float | None = 0.005, seed: int = 0) -> AddingRun:
    """Train one cell type on the adding problem of one length.

    The data depend only on `(seed, length)`, so every cell type at a given
    length sees the same sequences; the weights and the shuffling depend on
    `seed` through `keras.utils.set_random_seed`.

    Args:
        cell: "SimpleRNN", "LSTM" or "GRU".
        length: the sequence length T.
        units: the number of units of the recurrent layer.
        n_train: the number of training sequences.
        n_val: the number of validation sequences.
        batch_size: the minibatch size.
        epochs: the most epochs to train.
        learning_rate: Adam's learning rate.
        global_clipnorm: the global gradient-clipping norm passed to Adam.
        stop_at: stop once the validation MSE is below this (None: never).
        seed: the seed of the data, the initial weights and the shuffling.

    Returns:
        An `AddingRun`.

    Example:

    >>> run = train_adding("SimpleRNN", 10, n_train=256, n_val=64, epochs=2)
    >>> run.epochs_run <= 2
    True
    """
    _, keras = import_tensorflow()
    (x_train, y_train), (x_val, y_val) = _adding_data(length, n_train, n_val, seed)
    keras.utils.set_random_seed(seed)
    model = build_adding_model(cell, units, length, learning_rate, global_clipnorm)
    callbacks = [] if stop_at is None else [stop_below(stop_at)]
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                        validation_data=(x_val, y_val), callbacks=callbacks, verbose=0)
    seconds = time.perf_counter() - start
    return AddingRun(
        cell=cell,
        length=length,
        learning_rate=learning_rate,
        train_mse=[float(v) for v in history.history["loss"]],
        val_mse=[float(v) for v in history.history["val_loss"]],
        seconds=seconds,
        stop_at=stop_at,
        baseline_mse=float(np.mean((y_val - 1.0) ** 2)),
        model=model,
    )


def run_adding_experiment(cells: Sequence[str] = CELLS,
                          lengths: Sequence[int] = (10, 50, 100),
                          learning_rates: float | Mapping[str, float] = 3e-3,
                          **kwargs) -> list[AddingRun]:
    """Train every cell type at every sequence length.

    Args:
        cells: the cell types, e.g. `("SimpleRNN", "LSTM", "GRU")`.
        lengths: the sequence lengths T.
        learning_rates: one learning rate for all, or `{cell: learning_rate}`.
        **kwargs: passed on to `train_adding` (units, n_train, epochs, seed, ...).

    Returns:
        A list of `AddingRun`, ordered by length, then by cell.

    Example:

    >>> runs = run_adding_experiment(("LSTM",), (5, 8), n_train=128, n_val=32,
    ...                              epochs=1)
    >>> [(r.cell, r.length) for r in runs]
    [('LSTM', 5), ('LSTM', 8)]
    """
    if isinstance(learning_rates, Mapping):
        missing = [c for c in cells if c not in learning_rates]
        if missing:
            raise ValueError(f"learning_rates has no entry for {missing}")
        rates = dict(learning_rates)
    else:
        rates = {c: float(learning_rates) for c in cells}
    return [train_adding(c, t, learning_rate=rates[c], **kwargs) for t in lengths for c in cells]


def _by_cell_and_length(runs: Sequence[AddingRun]):
    cells = list(dict.fromkeys(r.cell for r in runs))
    lengths = sorted({r.length for r in runs})
    table = {(r.cell, r.length): r for r in runs}
    return cells, lengths, table


def results_table(runs: Sequence[AddingRun], baseline: float = ADDING_BASELINE_MSE) -> str:
    """The final validation MSE per model (rows) and length (columns), as text.

    Each cell reads `MSE (epochs)`: the validation MSE after the last epoch
    trained, and how many epochs that took. The last row is the trivial
    baseline, always predicting 1.0.

    Args:
        runs: the runs, as returned by `run_adding_experiment`.
        baseline: the baseline MSE shown in the last row.

    Returns:
        A string with one line per row, columns aligned.

    Example:

    >>> run = AddingRun("GRU", 10, 3e-3, [0.1, 0.01], [0.09, 0.004], stop_at=0.005)
    >>> print(results_table([run]))
    model               T = 10
    GRU             0.0040 (2)
    predict 1.0         0.1667
    """
    cells, lengths, table = _by_cell_and_length(runs)
    label, width = 12, 14
    lines = [f"{'model':{label}s}" + "".join(f"{f'T = {t}':>{width}}" for t in lengths)]
    for cell in cells:
        row = f"{cell:{label}s}"
        for t in lengths:
            run = table.get((cell, t))
            text = "-" if run is None else f"{run.final_val_mse:.4f} ({run.epochs_run})"
            row += f"{text:>{width}}"
        lines.append(row)
    lines.append(f"{'predict 1.0':{label}s}" + "".join(f"{baseline:>{width}.4f}" for _ in lengths))
    return "\n".join(lines)


def plot_adding_curves(runs: Sequence[AddingRun], baseline: float = ADDING_BASELINE_MSE,
                       target: float | None = 0.01, figsize: tuple[float, float] | None = None):
    """Validation MSE per epoch on a log scale, one panel per sequence length.

    Args:
        runs: the runs, as returned by `run_adding_experiment`.
        baseline: the MSE of always predicting 1.0, drawn as a dotted line.
        target: a "solved" level drawn as a dashed line, or None.
        figsize: the figure size; by default 3.4 inches wide per panel.

    Returns:
        The matplotlib Figure; its Axes are `fig.axes`, one per length.

    Example:

    >>> run = AddingRun("GRU", 10, 3e-3, [0.1, 0.01], [0.09, 0.004])
    >>> fig = plot_adding_curves([run])
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from rnncourse.plots import OKABE_ITO

    cells, lengths, table = _by_cell_and_length(runs)
    colours = {cell: OKABE_ITO[i % len(OKABE_ITO)] for i, cell in enumerate(cells)}
    if figsize is None:
        figsize = (3.4 * len(lengths) + 0.6, 3.6)
    fig, axes = plt.subplots(1, len(lengths), sharey=True, squeeze=False, figsize=figsize,
                             layout="constrained")
    for ax, t in zip(axes[0], lengths):
        ax.grid(True, color="0.9", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        for cell in cells:
            run = table.get((cell, t))
            if run is None:
                continue
            epochs = np.arange(1, run.epochs_run + 1)
            ax.plot(epochs, run.val_mse, color=colours[cell], marker="o", markersize=4,
                    linewidth=2, label=cell)
        ax.axhline(baseline, color="#666666", linestyle=":", linewidth=1.8,
                   label=f"predict 1.0: {baseline:.3f}")
        if target is not None:
            ax.axhline(target, color="#666666", linestyle="--", linewidth=1.0,
                       label=f"target: {target:g}")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"T = {t}")
        ax.set_xlabel("epoch")
    axes[0, 0].set_ylabel("validation MSE")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False)
    return fig
