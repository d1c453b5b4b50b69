"""The adding-problem experiment code: models, early stopping, records, table, figure.

Every training run here is tiny (a few hundred short sequences, one or two epochs), so
the whole module takes seconds after TensorFlow's import.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse.data import ADDING_BASELINE_MSE  # noqa: E402
from rnncourse.experiments import (  # noqa: E402
    CELLS,
    AddingRun,
    _adding_data,
    build_adding_model,
    plot_adding_curves,
    results_table,
    run_adding_experiment,
    train_adding,
)

TINY = dict(units=4, n_train=128, n_val=32, batch_size=32)


@pytest.mark.parametrize(
    "cell, gates, biases", [("SimpleRNN", 1, 1), ("LSTM", 4, 1), ("GRU", 3, 2)]
)
def test_model_has_the_textbook_parameter_count(cell, gates, biases):
    d, h = 2, 5
    model = build_adding_model(cell, units=h, length=7)
    expected = gates * (d * h + h * h + biases * h) + (h + 1)  # recurrent + Dense(1)
    assert model.count_params() == expected, (
        f"{cell}: expected {expected} parameters (recurrent layer + Dense), "
        f"got {model.count_params()}; check build_adding_model's layers"
    )
    assert model.output_shape == (None, 1)


def test_unknown_cell_is_rejected_by_name():
    with pytest.raises(ValueError, match="cell must be one of"):
        build_adding_model("Transformer")


def test_every_cell_shares_the_same_data_at_a_given_length():
    (x1, y1), (xv1, _) = _adding_data(12, 50, 20, seed=3)
    (x2, y2), (xv2, _) = _adding_data(12, 50, 20, seed=3)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2) and np.array_equal(xv1, xv2)
    assert not np.array_equal(x1[:20], xv1), "validation data must differ from training data"


def test_train_adding_records_one_value_per_epoch():
    run = train_adding("GRU", 6, epochs=2, stop_at=None, learning_rate=1e-2, **TINY)
    assert (run.cell, run.length, run.learning_rate) == ("GRU", 6, 1e-2)
    assert run.epochs_run == 2 and len(run.train_mse) == 2
    assert all(np.isfinite(run.val_mse)) and run.seconds > 0
    assert not run.stopped_early
    assert 0.05 < run.baseline_mse < 0.4, "baseline MSE should be near 1/6 on random data"
    assert run.model is not None and run.model.count_params() > 0


def test_training_stops_as_soon_as_the_target_is_reached():
    # Any untrained model has a validation MSE below 100, so one epoch is enough.
    run = train_adding("SimpleRNN", 5, epochs=5, stop_at=100.0, **TINY)
    assert run.epochs_run == 1, f"expected to stop after epoch 1, trained {run.epochs_run}"
    assert run.stopped_early


def test_the_same_seed_gives_the_same_run():
    first = train_adding("LSTM", 5, epochs=1, seed=7, **TINY)
    second = train_adding("LSTM", 5, epochs=1, seed=7, **TINY)
    np.testing.assert_allclose(first.val_mse, second.val_mse, rtol=1e-5)


def test_experiment_orders_runs_by_length_then_cell():
    runs = run_adding_experiment(("LSTM", "GRU"), (4, 6), {"LSTM": 1e-2, "GRU": 3e-3},
                                 epochs=1, **TINY)
    assert [(r.length, r.cell) for r in runs] == [(4, "LSTM"), (4, "GRU"), (6, "LSTM"),
                                                  (6, "GRU")]
    assert [r.learning_rate for r in runs] == [1e-2, 3e-3, 1e-2, 3e-3]


def test_experiment_names_a_missing_learning_rate():
    with pytest.raises(ValueError, match="GRU"):
        run_adding_experiment(("LSTM", "GRU"), (4,), {"LSTM": 1e-2}, epochs=1, **TINY)


def _fake_runs():
    return [
        AddingRun(cell, t, 1e-2, [0.2, 0.1], [0.18, mse], stop_at=0.005)
        for t in (10, 100)
        for cell, mse in zip(CELLS, (0.17, 0.004, 0.003))
    ]


def test_results_table_has_a_row_per_model_and_the_baseline():
    lines = results_table(_fake_runs()).splitlines()
    assert lines[0].split() == ["model", "T", "=", "10", "T", "=", "100"]
    assert [line.split()[0] for line in lines[1:4]] == list(CELLS)
    assert "0.0040 (2)" in lines[2], lines[2]
    assert lines[-1].startswith("predict 1.0") and f"{ADDING_BASELINE_MSE:.4f}" in lines[-1]
    assert len({len(line) for line in lines}) == 1, "columns should line up"


def test_plot_draws_one_log_panel_per_length_with_the_baseline():
    fig = plot_adding_curves(_fake_runs(), target=0.01)
    try:
        axes = fig.axes
        assert [ax.get_title() for ax in axes] == ["T = 10", "T = 100"]
        assert all(ax.get_yscale() == "log" for ax in axes)
        levels = {round(line.get_ydata()[0], 4) for line in axes[0].lines
                  if len(set(line.get_ydata())) == 1}
        assert round(ADDING_BASELINE_MSE, 4) in levels and 0.01 in levels
        assert len(axes[0].lines) == len(CELLS) + 2  # three models, baseline, target
    finally:
        plt.close(fig)
