"""The case generator covers the corners where mistakes hide, reproducibly."""

import numpy as np
import pytest

from rnncourse.cases import EXERCISES, make_cases, random_weights


def _arrays(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _arrays(v)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_cases_cover_both_dtypes_with_consistent_arrays(exercise):
    cases = make_cases(exercise)
    assert {c.dtype for c in cases} == {"float32", "float64"}
    for case in cases:
        assert len(case.arg_names) == len(case.args)
        for name, arg in zip(case.arg_names, case.args):
            for array in _arrays(list(arg.values()) if isinstance(arg, dict) else arg):
                # Floats carry the case's dtype; ids and targets are int32, as Keras
                # feeds them (the language model's input `x` is ids too).
                ids = name in ("ids", "y") or (name == "x" and array.dtype.kind == "i")
                assert array.dtype == ("int32" if ids else case.dtype), (name, case.label)


@pytest.mark.parametrize("exercise", ["rnn_forward", "lstm_forward", "gru_forward",
                                      "rnn_backward", "bidirectional_rnn_forward"])
def test_sequence_cases_include_the_corner_shapes(exercise):
    shapes = {c.args[0].shape for c in make_cases(exercise, dtypes="float64")}
    units = {c.label: c.label for c in make_cases(exercise, dtypes="float64")}
    assert any(b == 1 for b, _, _ in shapes), "batch 1"
    assert any(t == 1 for _, t, _ in shapes), "one time step"
    labels = " ".join(units)
    assert "D < H" in labels and "D > H" in labels and "D == H" in labels


@pytest.mark.parametrize("exercise", ["embedding_forward", "embedding_backward"])
def test_every_embedding_case_repeats_an_id_and_leaves_one_unused(exercise):
    for case in make_cases(exercise):
        ids, embeddings = case.args[:2]
        used = np.unique(ids)
        assert used.size < ids.size, f"no repeated id: {case.label}"
        assert used.size < len(embeddings), f"every id used: {case.label}"


def test_loss_cases_pad_some_sequences_and_overflow_a_naive_float32_softmax():
    cases = make_cases("temporal_softmax_loss")
    masks = [c.args[2] for c in cases]
    assert all(set(np.unique(m)) <= {0.0, 1.0} and m.sum() > 0 for m in masks)
    assert any(m.min() == 0.0 for m in masks) and any(m.min() == 1.0 for m in masks)
    for case in cases:
        logits, y, mask = case.args
        assert y.shape == logits.shape[:2] == mask.shape
        assert 0 <= y.min() and y.max() < logits.shape[-1]
    with np.errstate(over="ignore"):
        assert any(not np.all(np.isfinite(np.exp(c.args[0]))) for c in cases
                   if c.dtype == "float32"), "no case overflows float32's exp"


def test_stacked_cases_include_equal_sized_layers():
    sizes = [[k.shape for k, _, _ in c.args[1]] for c in make_cases("stacked_rnn_forward")]
    assert any(len(s) >= 2 and len({shape for shape in s}) == 1 for s in sizes)


def test_gru_cases_cover_both_reset_after_modes_with_keras_bias_shapes():
    for case in make_cases("gru_forward"):
        bias, units = case.args[4], case.args[1].shape[1]
        expected = (2, 3 * units) if case.kwargs["reset_after"] else (3 * units,)
        assert bias.shape == expected


def test_weights_use_the_keras_layout_and_are_not_symmetric():
    rng = np.random.default_rng(0)
    for gates in (1, 3, 4):
        kernel, recurrent, bias = random_weights(rng, 3, 5, gates=gates)
        assert kernel.shape == (3, gates * 5)
        assert recurrent.shape == (5, gates * 5)
        assert bias.shape == (gates * 5,)
        for block in np.split(recurrent, gates, axis=1):
            assert not np.allclose(block, block.T)
        if gates > 1:  # every gate block differs from the others
            blocks = np.split(kernel, gates, axis=1)
            assert all(not np.allclose(a, b) for i, a in enumerate(blocks) for b in blocks[i + 1:])


def test_same_seed_same_cases_and_different_seed_different_cases():
    a, b, c = (make_cases("lstm_forward", seed=s) for s in (1, 1, 2))
    for x, y in zip(a, b):
        for u, v in zip(_arrays(x.args), _arrays(y.args)):
            np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0].args[0], c[0].args[0])


def test_clip_cases_include_norms_above_and_below_the_threshold():
    below, above = 0, 0
    for case in make_cases("clip_by_global_norm"):
        grads, clip_norm = case.args
        norm = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads))
        below += norm < clip_norm
        above += norm > clip_norm
    assert below and above


def test_attention_cases_cover_a_missing_and_a_separate_key():
    keys = [c.args[2] for c in make_cases("dot_product_attention")]
    assert any(k is None for k in keys) and any(k is not None for k in keys)


def test_copy_args_gives_independent_arrays():
    case = make_cases("stacked_rnn_forward")[0]
    args, _ = case.copy_args()
    args[1][0][0][...] = 0.0
    assert np.any(case.args[1][0][0] != 0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(exercise="lstm_backward_pass"), "unknown exercise 'lstm_backward_pass'"),
        (dict(exercise="rnn_forward", seed=-1), "seed must be a non-negative int"),
        (dict(exercise="rnn_forward", seed=1.5), "seed must be a non-negative int"),
        (dict(exercise="rnn_forward", dtypes=("float16",)), "dtypes must be"),
        (dict(exercise="rnn_forward", dtypes=()), "dtypes must be"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_cases(**kwargs)
