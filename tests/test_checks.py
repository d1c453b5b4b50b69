"""`check` passes correct answers, rejects every known mistake and names it."""

import re

import numpy as np
import pytest
import solutions

from autograder.mistakes import MISTAKES
from rnncourse import reference
from rnncourse.cases import EXERCISES, make_cases
from rnncourse.checks import check, diagnose

CASES = {exercise: make_cases(exercise) for exercise in EXERCISES}


def _error(fn, exercise, **kwargs):
    with pytest.raises(AssertionError) as info:
        check(fn, getattr(reference, exercise), CASES[exercise], verbose=False, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("style", ["LOOPED", "VECTORISED"])
@pytest.mark.parametrize("exercise", EXERCISES)
def test_correct_solutions_pass_in_float32_and_float64(exercise, style, capsys):
    fn = getattr(solutions, style)[exercise]
    cases = CASES[exercise]
    assert {c.dtype for c in cases} == {"float32", "float64"}
    # None, never a number: nbgrader would read a number as partial credit.
    assert check(fn, getattr(reference, exercise), cases) is None
    assert f"matches Keras on all {len(cases)} cases" in capsys.readouterr().out


def test_a_float64_computation_of_float32_inputs_passes():
    def upcasting(x_t, h_prev, kernel, recurrent_kernel, bias):
        return solutions.rnn_cell_forward(*(a.astype(np.float64) for a in
                                            (x_t, h_prev, kernel, recurrent_kernel, bias)))

    check(upcasting, reference.rnn_cell_forward, CASES["rnn_cell_forward"], verbose=False)


ALL_MISTAKES = [(e, m) for e in EXERCISES for m in MISTAKES[e]]


@pytest.mark.parametrize(
    ("exercise", "mistake"), ALL_MISTAKES, ids=[f"{e}-{m.name}" for e, m in ALL_MISTAKES]
)
def test_every_mistake_is_rejected_and_named(exercise, mistake, cached_reference):
    with pytest.raises(AssertionError) as info:
        check(mistake.fn, cached_reference(exercise), CASES[exercise], verbose=False,
              from_scratch=False, name=exercise)
    message = str(info.value)
    assert f"Hint ({mistake.name})" in message, message
    assert mistake.hint in message


def test_every_exercise_has_at_least_four_mistakes():
    for exercise in EXERCISES:
        assert len(MISTAKES[exercise]) >= 4, exercise
        names = [m.name for m in MISTAKES[exercise]]
        assert len(names) == len(set(names)), exercise


def test_failure_message_says_case_output_shapes_and_errors():
    def off_by_a_bit(x, h0, kernel, recurrent_kernel, bias):
        hs = solutions.rnn_forward(x, h0, kernel, recurrent_kernel, bias)
        hs[:, -1, 0] += 0.5
        return hs

    message = _error(off_by_a_bit, "rnn_forward")
    assert message.startswith("off_by_a_bit failed on case 1 of 8 (batch=3, time=5, D=4, H=6")
    assert "output 'hs'" in message
    assert "shape (3, 5, 6) is right" in message
    assert "3 of 90 values differ" in message
    assert re.search(r"largest absolute error 0\.5 at index \(\d, 4, 0\)", message), message
    assert "largest relative error" in message
    assert "Hint" not in message  # no known mistake looks like this


def test_wrong_shape_is_reported_with_both_shapes():
    def last_only(x, h0, kernel, recurrent_kernel, bias):
        return solutions.rnn_forward(x, h0, kernel, recurrent_kernel, bias)[:, -1]

    message = _error(last_only, "rnn_forward")
    assert "expected shape (3, 5, 6), got shape (3, 6)" in message
    assert "last_state_only" in message


def test_gru_with_the_update_gate_reversed_gets_named():
    def reversed_gru(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
        keras_style = solutions.gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after)
        del keras_style
        # A student's own loop in Chung et al.'s form: h = (1 - z) * h + z * candidate.
        units, h, hs = h0.shape[1], h0, []
        b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, 0.0 * bias)
        for t in range(x.shape[1]):
            px, ph = x[:, t] @ kernel + b_in, h @ recurrent_kernel + b_rec
            z = solutions.sigmoid(px[:, :units] + ph[:, :units])
            r = solutions.sigmoid(px[:, units:2 * units] + ph[:, units:2 * units])
            if reset_after:
                cand = np.tanh(px[:, 2 * units:] + r * ph[:, 2 * units:])
            else:
                cand = np.tanh(px[:, 2 * units:] + (r * h) @ recurrent_kernel[:, 2 * units:])
            h = (1 - z) * h + z * cand
            hs.append(h)
        return np.stack(hs, axis=1)

    message = _error(reversed_gru, "gru_forward")
    assert "Hint (update_gate_reversed)" in message and "z on the old state" in message


def test_a_function_that_calls_tensorflow_is_not_from_scratch():
    from rnncourse.quiet_tf import import_tensorflow

    tf, _ = import_tensorflow()

    def with_tf(x_t, h_prev, kernel, recurrent_kernel, bias):
        return np.asarray(tf.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias))

    message = _error(with_tf, "rnn_cell_forward")
    assert "calls TensorFlow" in message and "from scratch" in message


def test_a_function_that_calls_the_reference_is_not_from_scratch():
    message = _error(reference.rnn_forward, "rnn_forward")
    assert "calls rnncourse's own code" in message


def test_a_function_that_borrows_a_keras_layer_is_not_from_scratch():
    from rnncourse.quiet_tf import import_tensorflow

    _, keras = import_tensorflow()

    def with_keras(x, h0, kernel, recurrent_kernel, bias):
        layer = keras.layers.SimpleRNN(kernel.shape[1], return_sequences=True)
        layer.build((None, None, x.shape[-1]))
        layer.set_weights([kernel, recurrent_kernel, bias])
        return np.asarray(layer(x, initial_state=[h0]))

    assert "calls Keras" in _error(with_keras, "rnn_forward")


def test_returning_a_tensor_is_reported():
    from rnncourse.quiet_tf import import_tensorflow

    tf, _ = import_tensorflow()

    def returns_tensor(query, value, key=None):
        return tf.constant(solutions.dot_product_attention(query, value, key))

    # Building the tensor happens inside the function, so either message is fair.
    message = _error(returns_tensor, "dot_product_attention")
    assert "TensorFlow" in message or "tensorflow" in message


def test_an_exception_is_reported_with_the_arguments():
    def broken(x_t, h_prev, kernel, recurrent_kernel, bias):
        return x_t @ recurrent_kernel  # shapes do not fit

    message = _error(broken, "rnn_cell_forward")
    assert "it raised ValueError" in message
    assert "x_t=array(3, 4) float32" in message and "recurrent_kernel=array(6, 6)" in message


def test_wrong_structure_is_reported():
    def two_items(x, h0, c0, kernel, recurrent_kernel, bias):
        hs, h, _ = solutions.lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias)
        return hs, h

    assert "has 2 item(s); expected a tuple of 3: (hs, h_T, c_T)" in _error(
        two_items, "lstm_forward")

    def missing_key(*args):
        grads = solutions.rnn_backward(*args)
        del grads["h0"]
        return grads

    assert "without the key(s) ['h0']" in _error(missing_key, "rnn_backward")


def test_an_ndarray_subclass_that_lies_about_equality_still_fails():
    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return True

        def __sub__(self, other):
            return np.zeros(self.shape)

        def __array__(self, *args, **kwargs):  # pretend to be anything
            return np.zeros(self.shape)

    def liar(x, h0, kernel, recurrent_kernel, bias):
        return np.zeros((x.shape[0], x.shape[1], h0.shape[1])).view(AlwaysEqual)

    assert "values differ" in _error(liar, "rnn_forward")


def test_nan_output_is_reported():
    def nan(x_t, h_prev, kernel, recurrent_kernel, bias):
        return np.full_like(h_prev, np.nan)

    assert "contains nan" in _error(nan, "rnn_cell_forward")


def test_a_function_that_writes_into_its_inputs_does_not_corrupt_the_check():
    def clobbering(x, h0, kernel, recurrent_kernel, bias):
        hs = solutions.rnn_forward(x, h0, kernel, recurrent_kernel, bias)
        kernel[...] = 0.0
        h0[...] = 0.0
        return hs

    check(clobbering, reference.rnn_forward, CASES["rnn_forward"], verbose=False)
    assert np.any(CASES["rnn_forward"][0].args[2] != 0.0)


def test_diagnose_names_the_mistake():
    lstm = MISTAKES["lstm_cell_forward"]
    swapped = next(m for m in lstm if m.name == "gate_order_fico")
    found = diagnose(swapped.fn, "lstm_cell_forward", CASES["lstm_cell_forward"][0])
    assert [m.name for m in found] == ["gate_order_fico"]


def test_check_rejects_bad_arguments():
    cases = CASES["rnn_forward"]
    with pytest.raises(TypeError, match="student_fn must be a function"):
        check("rnn_forward", reference.rnn_forward, cases)
    with pytest.raises(TypeError, match="reference must be a function"):
        check(solutions.rnn_forward, None, cases)
    with pytest.raises(ValueError, match="non-empty list"):
        check(solutions.rnn_forward, reference.rnn_forward, [])


@pytest.mark.parametrize("change", [lambda out: (out[0][:-1], out[1]),
                                    lambda out: (out[0] + [out[0][0]], out[1])])
def test_clipping_with_too_few_or_too_many_arrays_is_reported(change):
    def wrong_count(grads, clip_norm):
        return change(solutions.clip_by_global_norm(grads, clip_norm))

    assert "return one array per input array" in _error(wrong_count, "clip_by_global_norm")


def test_a_float32_computation_of_float64_inputs_is_named():
    # "Keras uses float32": right to 7 digits, wrong at float64's tolerance. The message
    # must say why, not "expected 0.488499, got 0.488499".
    def in_float32(x_t, h_prev, kernel, recurrent_kernel, bias):
        return solutions.rnn_cell_forward(*(a.astype(np.float32) for a in
                                            (x_t, h_prev, kernel, recurrent_kernel, bias)))

    float64 = [c for c in CASES["rnn_cell_forward"] if c.dtype == "float64"]
    with pytest.raises(AssertionError) as info:
        check(in_float32, reference.rnn_cell_forward, float64, verbose=False)
    message = str(info.value)
    assert "float32 precision" in message and "dtype=x.dtype" in message, message
    # A real mistake in float64 does not get the precision hint.
    with pytest.raises(AssertionError) as info:
        check(lambda *a: solutions.rnn_cell_forward(*a) * 1.01, reference.rnn_cell_forward,
              float64, verbose=False, name="rnn_cell_forward")
    assert "float32 precision" not in str(info.value) and "values differ" in str(info.value)


def test_a_failing_assembly_names_the_pieces_that_fail_on_their_own():
    # lm_loss_and_grads built from the student's pieces: when it fails, the note says
    # which piece is wrong on its own (here dense_forward, which adds the bias twice).
    def dense_forward_twice_the_bias(x, kernel, bias):
        return x @ kernel + 2 * bias

    def assembly(params, x, y, mask):       # wrong itself: the loss is scaled
        loss, grads = solutions.LOOPED["lm_loss_and_grads"](params, x, y, mask)
        return loss * 1.5, grads

    pieces = {name: solutions.LOOPED[name] for name in ("embedding_forward", "rnn_forward")}
    pieces["dense_forward"] = dense_forward_twice_the_bias
    cases = make_cases("lm_loss_and_grads")[:1]
    with pytest.raises(AssertionError) as failure:
        check(assembly, reference.lm_loss_and_grads, cases, builds_on=pieces)
    note = str(failure.value).splitlines()[-1]
    assert note.strip() == ("Note: dense_forward does not match Keras on its own test; "
                            "assembly builds on it, so fix it first.")

    # Every piece right: no note.
    pieces["dense_forward"] = solutions.LOOPED["dense_forward"]
    with pytest.raises(AssertionError) as failure:
        check(assembly, reference.lm_loss_and_grads, cases, builds_on=pieces)
    assert "Note:" not in str(failure.value)
