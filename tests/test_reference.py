"""The Keras reference agrees with independent NumPy and with finite differences."""

import numpy as np
import pytest
import solutions

from rnncourse import reference
from rnncourse.cases import EXERCISES, make_cases
from rnncourse.gradcheck import numerical_gradient


def _flat(output):
    if isinstance(output, dict):
        return [np.asarray(output[k]) for k in sorted(output)]
    if isinstance(output, (tuple, list)):
        return [a for item in output for a in _flat(item)]
    return [np.asarray(output)]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_keras_reference_agrees_with_independent_numpy(exercise):
    ref = getattr(reference, exercise)
    for case in make_cases(exercise, seed=3):
        expected = _flat(solutions.LOOPED[exercise](*case.args, **case.kwargs))
        got = _flat(ref(*case.args, **case.kwargs))
        assert len(got) == len(expected), case.label
        # float64 agreement to ~1e-12 proves Keras really computed in float64.
        tol = 2e-5 if case.dtype == "float32" else 1e-12
        for g, e in zip(got, expected):
            assert g.shape == e.shape, case.label
            np.testing.assert_allclose(g, e, rtol=tol, atol=tol, err_msg=case.label)


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e != "clip_by_global_norm"])
def test_reference_keeps_the_input_dtype(exercise):
    for case in make_cases(exercise, dtypes=("float32", "float64"))[::4]:
        for array in _flat(getattr(reference, exercise)(*case.args, **case.kwargs)):
            assert array.dtype == case.dtype, (exercise, case.label)


def test_reference_rejects_integer_inputs():
    case = make_cases("rnn_forward")[0]
    x, *rest = case.args
    with pytest.raises(TypeError, match="float32 or float64"):
        reference.rnn_forward(x.astype(int), *rest)


def test_rnn_backward_reference_matches_finite_differences():
    case = make_cases("rnn_backward", seed=1, dtypes=("float64",))[1]  # batch 1, small
    *args, dhs = case.args
    grads = reference.rnn_backward(*case.args)
    for index, name in enumerate(case.arg_names[:-1]):
        numeric = numerical_gradient(solutions.rnn_forward, tuple(args), index, dhs)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_backward_reference_matches_finite_differences(reset_after):
    from rnncourse.cases import random_weights

    rng = np.random.default_rng(0)
    kernel, recurrent, bias = random_weights(rng, 3, 2, gates=3,
                                             bias_rows=2 if reset_after else 1)
    x, h0 = rng.normal(size=(1, 3, 3)), np.tanh(rng.normal(size=(1, 2)))
    dhs = rng.normal(size=(1, 3, 2))
    grads = reference.gru_backward(x, h0, kernel, recurrent, bias, dhs, reset_after=reset_after)
    args = (x, h0, kernel, recurrent, bias)
    for index, name in enumerate(("x", "h0", "kernel", "recurrent_kernel", "bias")):
        numeric = numerical_gradient(
            lambda *a: solutions.gru_forward(*a, reset_after=reset_after), args, index, dhs)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_lstm_backward_reference_matches_finite_differences():
    case = make_cases("lstm_forward", seed=2, dtypes=("float64",))[1]
    dhs = np.random.default_rng(0).normal(size=case.args[0].shape[:2] + case.args[1].shape[1:])
    grads = reference.lstm_backward(*case.args, dhs)
    for index, name in enumerate(case.arg_names):
        numeric = numerical_gradient(
            lambda *a: solutions.lstm_forward(*a)[0], case.args, index, dhs)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_attention_weights_are_a_distribution_over_keys():
    case = make_cases("dot_product_attention", dtypes=("float64",))[1]
    weights = reference.attention_weights(*case.args)
    query, value, _ = case.args
    assert weights.shape == (query.shape[0], query.shape[1], value.shape[1])
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)
    # The context is exactly the weights applied to the values.
    np.testing.assert_allclose(weights @ value, reference.dot_product_attention(*case.args))


def test_gradcheck_rejects_bad_arguments():
    x = np.ones((2, 2))
    with pytest.raises(ValueError, match="index"):
        numerical_gradient(np.sin, (x,), 3, x)
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(np.sin, (x.astype(np.float32),), 0, x.astype(np.float32))


@pytest.mark.parametrize(
    ("exercise", "position", "bad_shape", "message"),
    [
        ("rnn_forward", 0, (3, 4), r"x should have shape \(\?, \?, \?\), got \(3, 4\)"),
        ("rnn_forward", 1, (3, 7), r"h0 should have shape \(3, 6\), got \(3, 7\)"),
        ("rnn_forward", 3, (6, 5), r"recurrent_kernel should have shape \(6, 6\)"),
        ("lstm_forward", 5, (6,), r"bias should have shape \(24,\), got \(6,\)"),
        ("gru_forward", 4, (18,), r"bias should have shape \(2, 18\), got \(18,\)"),
    ],
)
def test_reference_explains_wrong_shapes(exercise, position, bad_shape, message):
    case = make_cases(exercise)[0]
    args = list(case.args)
    args[position] = np.zeros(bad_shape, dtype=case.dtype)
    with pytest.raises(ValueError, match=message):
        getattr(reference, exercise)(*args, **case.kwargs)
