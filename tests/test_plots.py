"""The book's figures draw what they are given, and refuse what they cannot draw."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

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


# --------------------------------------------------------------------------
# Diagrams: what they draw, and that their labels have room
# --------------------------------------------------------------------------


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _text_x(ax, text):
    (match,) = [t for t in ax.texts if t.get_text() == text]
    return match.get_position()[0]


def _centre_x(patch):
    return patch.get_x() + patch.get_width() / 2


def _gates(ax):
    """{gate name: its activation}, pairing the two texts written in each gate box."""
    names = {t.get_position(): t.get_text() for t in ax.texts if t.get_gid() == "gate-name"}
    acts = {t.get_position()[0]: t.get_text() for t in ax.texts
            if t.get_gid() == "gate-activation"}
    return {name: acts[x] for (x, _), name in names.items()}


def _crowded_labels(ax, pad_inches=0.02):
    """Pairs of texts closer than 2 * pad_inches, and labels on top of a box they are
    not written in (a box or an operation's circle; lines may pass near labels)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pad = pad_inches * fig.dpi
    texts = [t for t in ax.texts if t.get_text()]
    boxes = {id(t): t.get_window_extent(renderer).padded(pad) for t in texts}
    problems = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if boxes[id(a)].overlaps(boxes[id(b)]):
                problems.append((a.get_text(), b.get_text()))
    inside = ("gate-name", "gate-activation", "cell-name")  # written inside a box on purpose
    free = [t for t in texts if not (t.get_gid() or "").endswith("-label")
            and t.get_gid() not in inside]
    shapes = [p for p in ax.patches if isinstance(p, FancyBboxPatch | Circle)
              and p.get_gid() not in ("cell-body", "junction")]  # boxes and operations
    for t in free:
        extent = t.get_window_extent(renderer)
        for p in shapes:
            if extent.overlaps(p.get_window_extent(renderer)):
                problems.append((t.get_text(), p.get_gid()))
    return problems


DIAGRAMS = {
    "lstm": lambda: plots.draw_lstm_cell(),
    "gru": lambda: plots.draw_gru_cell(),
    "gru reset before": lambda: plots.draw_gru_cell(reset_after=False),
    "bidirectional": lambda: plots.draw_bidirectional(steps=4),
    "stacked": lambda: plots.draw_stacked(layers=3, steps=3),
    "encoder-decoder": lambda: plots.draw_encoder_decoder(),
    "encoder-decoder attention": lambda: plots.draw_encoder_decoder(attention=True),
    "attention": lambda: plots.draw_attention(),
    "unrolled": lambda: plots.draw_unrolled_rnn(steps=4),
    "unrolled t": lambda: plots.draw_unrolled_rnn(steps=4, labels="t"),
    "one-to-one": lambda: plots.draw_io_shapes("one-to-one"),
    "encoder-decoder shape": lambda: plots.draw_io_shapes("many-to-many"),
}


@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_labels_neither_overlap_nor_sit_on_boxes(name):
    ax = DIAGRAMS[name]()
    assert _crowded_labels(ax) == []


@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_fits_a_book_page(name):
    width, _ = DIAGRAMS[name]().figure.get_size_inches()
    assert width <= (9.2 if name.startswith("unrolled") else 8.0)


@pytest.mark.parametrize("labels", [True, "t"])
def test_unrolled_rnn_input_and_output_labels_have_room_in_their_boxes(labels):
    ax = plots.draw_unrolled_rnn(steps=4, labels=labels, show_rolled=False)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    margin = 0.06 * fig.dpi  # inches on each side, at least
    for kind in ("input", "output"):
        labels_in = [t for t in ax.texts if t.get_gid() == f"{kind}-label"]
        assert len(labels_in) == 4
        for text, box in zip(labels_in, _patches(ax, kind)):
            inner = box.get_window_extent(renderer).padded(-margin)
            label = text.get_window_extent(renderer)
            assert inner.x0 <= label.x0 and label.x1 <= inner.x1, text.get_text()


def test_one_to_one_is_a_feed_forward_layer_not_an_rnn():
    ax = plots.draw_io_shapes("one-to-one")
    assert [t.get_text() for t in ax.texts if t.get_gid() == "cell-label"] == ["Dense"]
    assert "RNN" not in _texts(ax)
    # Its title fits the narrow figure instead of being cut at the edges.
    fig = ax.figure
    fig.canvas.draw()
    title = ax.title.get_window_extent(fig.canvas.get_renderer())
    assert 0 <= title.x0 and title.x1 <= fig.bbox.width
    # The recurrent shapes keep their RNN cells.
    assert "RNN" in _texts(plots.draw_io_shapes("many-to-one"))


def test_lstm_cell_draws_its_four_gates_and_both_states_in_and_out():
    ax = plots.draw_lstm_cell()
    texts = set(_texts(ax))
    assert _gates(ax) == {"input": r"$\sigma$", "forget": r"$\sigma$", "candidate": "tanh",
                          "output": r"$\sigma$"}
    assert {"$i_t$", "$f_t$", "$g_t$", "$o_t$"} <= texts  # what the gates give
    assert len(_patches(ax, "gate")) == 4
    assert "$x_t$" in texts
    for state in ("c", "h"):  # both states come in on the left and leave on the right
        assert _text_x(ax, f"${state}_{{t-1}}$") < 0 < 9 < _text_x(ax, f"${state}_t$")
    # c_t = f * c_{t-1} + i * g; h_t = o * tanh(c_t)
    ops = {p.get_gid() for p in ax.patches}
    assert {"forget", "write", "add", "show", "tanh"} <= ops
    assert any("i, f, c, o" in text for text in texts)  # Keras's order of the blocks


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_cell_draws_update_reset_and_candidate(reset_after):
    ax = plots.draw_gru_cell(reset_after=reset_after)
    texts = set(_texts(ax))
    assert _gates(ax) == {"update": r"$\sigma$", "reset": r"$\sigma$", "candidate": "tanh"}
    assert {"$z_t$", "$r_t$", r"$\tilde h_t$", "$x_t$", "$h_{t-1}$", "$h_t$"} <= texts
    assert not any("c_" in text for text in texts)  # no separate cell state
    # Keras's convention: z_t multiplies the old state, on the line that carries h_{t-1}.
    (keep,) = _patches(ax, "keep")
    (old,) = [t for t in ax.texts if t.get_text() == "$h_{t-1}$"]
    assert keep.center[1] == pytest.approx(old.get_position()[1])
    assert len(_patches(ax, "one-minus")) == 1  # and 1 - z_t the candidate


def test_gru_reset_after_moves_the_reset_gate_past_the_matrix_product():
    after = plots.draw_gru_cell(reset_after=True)
    before = plots.draw_gru_cell(reset_after=False)
    assert len(_patches(after, "recurrent-product")) == 1
    assert r"$h_{t-1} U_h + b'_h$" in _texts(after)
    assert _patches(before, "recurrent-product") == []
    assert r"$r_t \odot h_{t-1}$" in _texts(before)
    (note_after,) = [t.get_text() for t in after.texts if t.get_gid() == "note"]
    (note_before,) = [t.get_text() for t in before.texts if t.get_gid() == "note"]
    assert "reset_after=True" in note_after and "after the matrix product" in note_after
    assert "reset_after=False" in note_before and "before the matrix product" in note_before


@pytest.mark.parametrize("steps", [1, 3, 5])
def test_bidirectional_runs_one_layer_each_way_over_the_same_inputs(steps):
    ax = plots.draw_bidirectional(steps=steps)
    forward, backward = _patches(ax, "forward-cell"), _patches(ax, "backward-cell")
    assert len(forward) == len(backward) == steps
    assert len(_patches(ax, "input")) == steps
    cells = [_centre_x(p) for p in forward + backward]
    # The forward state starts on the left, the backward state on the right.
    assert _text_x(ax, r"$\overrightarrow{h}_0$") < min(cells)
    assert _text_x(ax, rf"$\overleftarrow{{h}}_{{{steps + 1}}}$") > max(cells)
    outputs = [t.get_text() for t in ax.texts if t.get_gid() == "output-label"]
    assert outputs == [rf"$[\overrightarrow{{h}}_{{{t}}} ; \overleftarrow{{h}}_{{{t}}}]$"
                       for t in range(1, steps + 1)]
    assert {"forward", "backward"} <= set(_texts(ax))
    # Each input feeds both layers; each output reads both.
    assert len(_patches(ax, "input-arrow")) == 2 * steps
    assert len(_patches(ax, "output-arrow")) == 2 * steps


@pytest.mark.parametrize(("layers", "steps"), [(1, 1), (2, 3), (4, 2)])
def test_stacked_draws_every_layer_and_feeds_it_to_the_next(layers, steps):
    ax = plots.draw_stacked(layers=layers, steps=steps)
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "cell-label"]
    assert sorted(labels) == sorted(f"layer {k}" for k in range(1, layers + 1)
                                    for _ in range(steps))
    assert len(_patches(ax, "layer-arrow")) == (layers - 1) * steps
    texts = set(_texts(ax))
    assert {f"$h^{{({k})}}_0$" for k in range(1, layers + 1)} <= texts  # initial states
    assert {f"$h^{{({k})}}_{{{t}}}$" for k in range(1, layers)
            for t in range(1, steps + 1)} <= texts  # layer k's states go up
    assert len(_patches(ax, "input")) == len(_patches(ax, "output")) == steps


@pytest.mark.parametrize("attention", [False, True])
def test_encoder_decoder_hands_the_final_state_to_the_decoder(attention):
    ax = plots.draw_encoder_decoder(source_steps=4, target_steps=3, attention=attention)
    encoder, decoder = _patches(ax, "encoder-cell"), _patches(ax, "decoder-cell")
    assert len(encoder) == 4 and len(decoder) == 3
    assert len(_patches(ax, "state-handover")) == 1
    handover = _text_x(ax, "$h_{4} = s_0$")
    assert max(map(_centre_x, encoder)) < handover < min(map(_centre_x, decoder))
    assert {"encoder", "decoder"} <= set(_texts(ax))
    inputs = [t.get_text() for t in ax.texts if t.get_gid() == "input-label"]
    assert inputs == ["$x_{1}$", "$x_{2}$", "$x_{3}$", "$x_{4}$", "<start>", "$y_{1}$",
                      "$y_{2}$"]
    outputs = [t.get_text() for t in ax.texts if t.get_gid() == "output-label"]
    assert outputs == ["$y_{1}$", "$y_{2}$", "$y_{3}$"]
    assert len(_patches(ax, "feedback")) == 2  # each output is the next input


def test_encoder_decoder_attention_links_every_encoder_state_to_every_context():
    ax = plots.draw_encoder_decoder(source_steps=3, target_steps=2, attention=True)
    assert len(_patches(ax, "encoder-state")) == 3
    contexts = [t.get_text() for t in ax.texts if t.get_gid() == "context-label"]
    assert contexts == ["$c_{1}$", "$c_{2}$"]
    assert len(_patches(ax, "attention-arrow")) == 3 * 2
    plain = plots.draw_encoder_decoder(source_steps=3, target_steps=2)
    assert _patches(plain, "context") == [] and _patches(plain, "attention-arrow") == []


@pytest.mark.parametrize("source_steps", [1, 4, 6])
def test_attention_scores_every_encoder_state_and_sums_them_into_a_context(source_steps):
    ax = plots.draw_attention(source_steps=source_steps)
    texts = set(_texts(ax))
    assert len(_patches(ax, "encoder-state")) == source_steps
    assert len(_patches(ax, "score")) == source_steps
    assert len(_patches(ax, "query")) == 1  # one query ...
    assert len(_patches(ax, "query-arrow")) == source_steps  # ... reaching every score
    assert "$q_t$" in texts and "softmax" in texts
    weights = [t.get_text() for t in ax.texts if t.get_gid() == "weight"]
    assert weights == [rf"$\alpha_{{t{j}}}$" for j in range(1, source_steps + 1)]
    assert len(_patches(ax, "weigh")) == source_steps
    assert len(_patches(ax, "sum-arrow")) == source_steps
    assert [t.get_text() for t in ax.texts if t.get_gid() == "context-label"] == ["$c_t$"]


@pytest.mark.parametrize(
    ("draw", "kwargs", "message"),
    [
        (plots.draw_bidirectional, {"steps": 0}, "steps must be an integer from 1 to 8, got 0"),
        (plots.draw_bidirectional, {"steps": True}, "steps must be an integer"),
        (plots.draw_stacked, {"layers": 0}, "layers must be an integer from 1 to 6, got 0"),
        (plots.draw_stacked, {"layers": 1.5}, "layers must be an integer"),
        (plots.draw_stacked, {"steps": 0}, "steps must be an integer from 1 to 8, got 0"),
        (plots.draw_encoder_decoder, {"source_steps": 0}, "source_steps must be an integer"),
        (plots.draw_encoder_decoder, {"target_steps": 9}, "target_steps must be an integer"),
        (plots.draw_attention, {"source_steps": -1}, "source_steps must be an integer"),
        (plots.draw_gru_cell, {"reset_after": "yes"}, "reset_after must be True or False"),
        (plots.draw_encoder_decoder, {"attention": "dot"}, "attention must be True or False"),
    ],
)
def test_diagrams_reject_bad_arguments_by_name(draw, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        draw(**kwargs)


@pytest.mark.parametrize(
    "draw",
    [plots.draw_lstm_cell, plots.draw_gru_cell, plots.draw_bidirectional, plots.draw_stacked,
     plots.draw_encoder_decoder, plots.draw_attention],
)
def test_diagrams_draw_on_the_axes_they_are_given(draw):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
    assert draw(ax=right) is right
    assert right.patches and not left.patches
    assert tuple(fig.get_size_inches()) == (10, 3)  # a given figure keeps its size
