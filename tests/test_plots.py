"""The book's figures draw what they are given, and refuse what they cannot draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnncourse import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def test_training_curves_draw_train_validation_and_baseline():
    history = {"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.6, 0.3]}
    ax = plots.plot_training_curves(history, baseline={"predict the mean": 0.167},
                                    log_scale=True)
    ydata = [list(line.get_ydata()) for line in ax.get_lines()]
    assert [1.0, 0.5, 0.2] in ydata and [1.1, 0.6, 0.3] in ydata
    assert any(np.allclose(y, 0.167) for y in ydata)  # the baseline line
    assert ax.get_yscale() == "log"
    assert "predict the mean: 0.167" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_training_curves_read_a_keras_history_object():
    class History:
        history = {"loss": [0.3, 0.2], "mae": [0.5, 0.4]}

    ax = plots.plot_training_curves(History(), metrics=("loss", "mae"))
    assert len(ax.get_lines()) == 2


def test_training_curves_name_a_missing_metric():
    with pytest.raises(ValueError, match="'accuracy' is not in history"):
        plots.plot_training_curves({"loss": [1.0]}, metrics="accuracy")


def test_series_prediction_draws_truth_and_every_prediction():
    t = np.arange(50)
    truth = np.sin(t / 5)
    ax = plots.plot_series_prediction(
        truth, {"model": truth + 0.1, "persistence": np.roll(truth, 1)}, x=t, test_start=40
    )
    assert len(ax.get_lines()) == 3
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), truth)


def test_series_prediction_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="y_pred"):
        plots.plot_series_prediction(np.zeros(10), np.zeros(9))


def test_state_heatmap_shows_the_states_with_a_symmetric_scale_for_tanh_values():
    states = np.tanh(np.random.default_rng(0).normal(size=(12, 5)))  # (time, units)
    ax = plots.plot_state_heatmap(states, tokens=list("abcdefghijkl"))
    image = ax.images[0]
    np.testing.assert_allclose(image.get_array(), states.T)  # units down, time across
    low, high = image.get_clim()
    assert low == pytest.approx(-high)
    assert [t.get_text() for t in ax.get_xticklabels()] == list("abcdefghijkl")


def test_state_heatmap_uses_zero_to_one_for_gate_values():
    gates = np.random.default_rng(1).uniform(size=(6, 3))
    image = plots.plot_state_heatmap(gates).images[0]
    assert image.get_clim() == (0.0, 1.0)


def test_state_heatmap_rejects_one_dimensional_states():
    with pytest.raises(ValueError, match=r"states must be 2-D"):
        plots.plot_state_heatmap(np.zeros(3))


def test_gate_activations_draw_one_heatmap_per_gate():
    rng = np.random.default_rng(2)
    gates = {name: rng.uniform(size=(7, 4)) for name in ("i", "f", "c", "o")}
    figure = plots.plot_gate_activations(gates)
    heatmaps = [ax for ax in figure.axes if ax.images]
    assert len(heatmaps) == 4
    for ax, values in zip(heatmaps, gates.values()):
        np.testing.assert_allclose(ax.images[0].get_array(), values.T)


def test_gate_activations_need_the_same_number_of_steps():
    with pytest.raises(ValueError, match="same number of time steps"):
        plots.plot_gate_activations({"i": np.zeros((3, 2)), "f": np.zeros((4, 2))})


def test_gradient_norms_use_a_log_scale_and_one_line_per_radius():
    k = np.arange(1, 31)
    norms = {rho: rho ** k for rho in (0.5, 1.0, 1.5)}
    ax = plots.plot_gradient_norms(k, norms, legend_title="spectral radius")
    assert ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 3


def test_gradient_norms_reject_negative_norms():
    with pytest.raises(ValueError, match="negative"):
        plots.plot_gradient_norms([1, 2], {"bad": [1.0, -1.0]})


def test_attention_matrix_shows_the_weights_with_token_labels():
    weights = np.random.default_rng(3).dirichlet(np.ones(4), size=3)  # (Tq, Tv)
    ax = plots.plot_attention(weights, query_tokens=["a", "b", "c"],
                              key_tokens=["w", "x", "y", "z"])
    np.testing.assert_allclose(ax.images[0].get_array(), weights)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["w", "x", "y", "z"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]


def test_attention_rejects_the_wrong_number_of_tokens():
    with pytest.raises(ValueError, match="labels"):
        plots.plot_attention(np.full((2, 2), 0.5), query_tokens=["only one"])


@pytest.mark.parametrize("steps", [1, 4, 7])
def test_unrolled_rnn_draws_one_cell_per_step(steps):
    ax = plots.draw_unrolled_rnn(steps=steps, show_rolled=False)
    assert len(_patches(ax, "cell")) == steps
    assert len(_patches(ax, "input")) == steps
    assert len(_patches(ax, "output")) == steps


def test_unrolled_rnn_rejects_a_bad_number_of_steps():
    with pytest.raises(ValueError, match="steps must be an integer"):
        plots.draw_unrolled_rnn(steps=0)


@pytest.mark.parametrize(
    ("kind", "inputs", "outputs"),
    [("one-to-one", 1, 1), ("many-to-one", 4, 1), ("one-to-many", 1, 4),
     ("many-to-many-aligned", 4, 4)],
)
def test_io_shapes_draw_the_right_number_of_inputs_and_outputs(kind, inputs, outputs):
    ax = plots.draw_io_shapes(kind)
    assert len(_patches(ax, "input")) == inputs
    assert len(_patches(ax, "output")) == outputs


def test_io_shapes_name_the_allowed_kinds():
    with pytest.raises(ValueError, match="kind must be one of"):
        plots.draw_io_shapes("two-to-three")


def test_plots_reject_something_that_is_not_an_axes():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plots.plot_state_heatmap(np.zeros((2, 2)), ax="left")
