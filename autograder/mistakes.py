"""Wrong on purpose: the mistakes students really make, as runnable variants.

When a student's answer is wrong, `rnncourse.checks.check` runs each variant
here on the same case. If one reproduces the student's output, the failure
message names that mistake ("matches Keras if the i and f gates were
swapped"). Each variant has exactly the exercise's signature.

`MISTAKES[exercise]` lists the variants for one exercise function.

This library lives on the instructor's side and never ships to students: built
with no mistake switched on, its variants are correct answers. Students get
`rnncourse/data/known_mistakes.rnnc` instead, the variants' outputs on the
package's own cases, written by `python -m autograder.mistakes` (`make venv`
runs it; see `rnncourse.hints`).

Example:

>>> [m.name for m in MISTAKES["rnn_cell_forward"]][:3]
['no_bias', 'recurrent_kernel_transposed', 'no_tanh']
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mistake:
    """A named wrong variant of an exercise function.

    Args:
        name: a short identifier, e.g. "update_gate_reversed".
        hint: what to tell the student when their output matches this variant.
        fn: the variant, with the exercise's signature.
    """

    name: str
    hint: str
    fn: Callable

    def output(self, case):
        """The variant's output on `case` (an `rnncourse.cases.Case`)."""
        args, kwargs = case.copy_args()
        return self.fn(*args, **kwargs)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def hard_sigmoid(a):
    """Keras's `hard_sigmoid`, clip(a / 6 + 1/2): a gate activation some students try.

    Old Keras (standalone, and tf.keras before TensorFlow 2.0) defaulted LSTM and GRU
    gates to a hard sigmoid of slope 0.2; tf.keras 2.x and Keras 3 use the sigmoid.
    """
    return np.clip(a / 6.0 + 0.5, 0.0, 1.0)


def relu(a):
    return np.maximum(a, 0.0)


def identity(a):
    return a


# --- building blocks with knobs: each knob is one mistake --------------------------------


def _scan(step, x, states, *, zero_start=False, reverse=False):
    """Run `step(x_t, states) -> states` over time; return hs and final states."""
    if zero_start:
        states = [np.zeros_like(s) for s in states]
    steps = range(x.shape[1])
    hs = []
    for t in reversed(steps) if reverse else steps:
        states = step(x[:, t], states)
        hs.append(states[0])
    if reverse:
        hs = hs[::-1]
    return np.stack(hs, axis=1), states


def _rnn_step(kernel, recurrent_kernel, bias, *, activation=np.tanh, use_bias=True,
              transpose_recurrent=False, swap_kernels=False):
    if swap_kernels:
        kernel, recurrent_kernel = recurrent_kernel, kernel
    if transpose_recurrent:
        recurrent_kernel = recurrent_kernel.T
    b = bias if use_bias else 0.0

    def step(x_t, states):
        return [activation(x_t @ kernel + states[0] @ recurrent_kernel + b)]

    return step


def _lstm_step(kernel, recurrent_kernel, bias, *, order=(0, 1, 2, 3), use_bias=True,
               gate=sigmoid, candidate=np.tanh, cell_output=np.tanh, forget_offset=0.0,
               transpose_blocks=False):
    if transpose_blocks:
        recurrent_kernel = np.concatenate([b.T for b in np.split(recurrent_kernel, 4, 1)], 1)
    b = bias if use_bias else 0.0

    def step(x_t, states):
        h, c = states
        blocks = np.split(x_t @ kernel + h @ recurrent_kernel + b, 4, axis=-1)
        i, f, g, o = (blocks[k] for k in order)
        c = gate(f + forget_offset) * c + gate(i) * candidate(g)
        return [gate(o) * cell_output(c), c]

    return step


def _gru_step(kernel, recurrent_kernel, bias, reset_after, *, order=(0, 1, 2), use_bias=True,
              reversed_update=False, mode=None, recurrent_bias=True, bias_inside_reset=True,
              candidate=np.tanh, transpose_blocks=False):
    """`mode` overrides where the reset gate goes ("after" or "before" the matmul)."""
    mode = mode or ("after" if reset_after else "before")
    bias = np.asarray(bias)
    if not use_bias:
        bias = np.zeros_like(bias)
    b_in, b_rec = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    if not recurrent_bias:
        b_rec = np.zeros_like(b_rec)
    if transpose_blocks:
        recurrent_kernel = np.concatenate([b.T for b in np.split(recurrent_kernel, 3, 1)], 1)
    ks, us = np.split(kernel, 3, 1), np.split(recurrent_kernel, 3, 1)
    bis, brs = np.split(b_in, 3), np.split(b_rec, 3)
    (kz, kr, kh), (uz, ur, uh) = [ks[i] for i in order], [us[i] for i in order]
    (bz, br, bh), (cz, cr, ch) = [bis[i] for i in order], [brs[i] for i in order]

    def step(x_t, states):
        h = states[0]
        z = sigmoid(x_t @ kz + bz + h @ uz + cz)
        r = sigmoid(x_t @ kr + br + h @ ur + cr)
        if mode == "after" and bias_inside_reset:
            hh = candidate(x_t @ kh + bh + r * (h @ uh + ch))
        elif mode == "after":
            hh = candidate(x_t @ kh + bh + r * (h @ uh) + ch)
        else:
            hh = candidate(x_t @ kh + bh + (r * h) @ uh + ch)
        if reversed_update:
            return [(1.0 - z) * h + z * hh]
        return [z * h + (1.0 - z) * hh]

    return step


# --- SimpleRNN ---------------------------------------------------------------------------

_RNN_STEP_MISTAKES = (
    ("no_bias", dict(use_bias=False),
     "it matches Keras with the bias left out: add `bias` inside the activation."),
    ("recurrent_kernel_transposed", dict(transpose_recurrent=True),
     "it matches Keras if the recurrent kernel were transposed: Keras computes "
     "`h_prev @ recurrent_kernel`, not `recurrent_kernel @ h_prev` or `.T`."),
    ("no_tanh", dict(activation=identity),
     "it matches Keras without the tanh: SimpleRNN applies np.tanh to "
     "`x_t @ kernel + h_prev @ recurrent_kernel + bias`."),
    ("relu", dict(activation=relu),
     "it matches an RNN with ReLU: SimpleRNN's default activation is tanh."),
    ("sigmoid", dict(activation=sigmoid),
     "it matches an RNN with a sigmoid: SimpleRNN's default activation is tanh."),
    ("kernels_swapped", dict(swap_kernels=True),
     "it matches Keras if kernel and recurrent_kernel were swapped: `kernel` multiplies "
     "the input x_t and `recurrent_kernel` the previous state."),
)


def _rnn_cell_variant(knobs):
    def variant(x_t, h_prev, kernel, recurrent_kernel, bias):
        return _rnn_step(kernel, recurrent_kernel, bias, **knobs)(x_t, [h_prev])[0]

    return variant


def _rnn_forward_variant(knobs, scan=None, post=None):
    def variant(x, h0, kernel, recurrent_kernel, bias):
        hs, _ = _scan(_rnn_step(kernel, recurrent_kernel, bias, **knobs), x, [h0],
                      **(scan or {}))
        return post(hs, h0) if post else hs

    return variant


def _shifted(hs, h0):
    return np.concatenate([h0[:, None], hs[:, :-1]], axis=1)


def _time_major(hs, _h0):
    return np.swapaxes(hs, 0, 1)


def _last_only(hs, _h0):
    return hs[:, -1]


_SEQUENCE_MISTAKES = (
    ("h0_ignored", dict(scan=dict(zero_start=True)),
     "it matches Keras started from a zero state: use h0 as the state before the first step."),
    ("time_reversed", dict(scan=dict(reverse=True)),
     "it matches Keras reading the sequence backwards: step through time from t = 0 upwards."),
    ("states_shifted", dict(post=_shifted),
     "your states are one step late: hs[:, t] must be the state *after* reading x[:, t], "
     "and h0 itself is not an output."),
    ("time_major", dict(post=_time_major),
     "your output is time-major (time, batch, units): Keras is batch-major, so stack the "
     "states along axis 1, e.g. np.stack(hs, axis=1)."),
    ("last_state_only", dict(post=_last_only),
     "you returned only the last state: return every state, shape (batch, time, units), "
     "as return_sequences=True does."),
)

RNN_CELL = [Mistake(n, h, _rnn_cell_variant(k)) for n, k, h in _RNN_STEP_MISTAKES]
RNN_FORWARD = [Mistake(n, h, _rnn_forward_variant(k)) for n, k, h in _RNN_STEP_MISTAKES] + [
    Mistake(n, h, _rnn_forward_variant({}, **k)) for n, k, h in _SEQUENCE_MISTAKES
]


def _add_step(grads, x, t, used_state, da, kernel, *, accumulate=True):
    """One step's share of the weight gradients (shared weights: added up over time,
    unless `accumulate` is off), and the input's gradient at step t, from the step's
    pre-activation gradient `da` and the state that met recurrent_kernel."""
    step = {"kernel": x[:, t].T @ da, "recurrent_kernel": used_state.T @ da,
            "bias": da.sum(axis=0)}
    for name, value in step.items():
        grads[name] = grads[name] + value if accumulate else value
    grads["x"][:, t] = da @ kernel.T


def _rnn_backward_variant(mistake):
    def variant(x, h0, kernel, recurrent_kernel, bias, dhs):
        hs = _rnn_forward_variant({})(x, h0, kernel, recurrent_kernel, bias)
        grads = {"x": np.zeros_like(x), "kernel": np.zeros_like(kernel),
                 "recurrent_kernel": np.zeros_like(recurrent_kernel),
                 "bias": np.zeros_like(bias)}
        dh_next = np.zeros_like(h0)
        for t in reversed(range(x.shape[1])):
            h_prev = hs[:, t - 1] if t > 0 else h0
            dh = dhs[:, t] + (0.0 if mistake == "no_carry" else dh_next)
            if mistake == "no_tanh_derivative":
                da = dh
            elif mistake == "derivative_of_previous_state":
                da = dh * (1.0 - h_prev**2)
            else:
                da = dh * (1.0 - hs[:, t] ** 2)
            used_state = hs[:, t] if mistake == "h_prev_off_by_one" else h_prev
            _add_step(grads, x, t, used_state, da, kernel,
                      accumulate=mistake != "not_accumulated")
            back = recurrent_kernel if mistake == "recurrent_not_transposed" else recurrent_kernel.T
            dh_next = da @ back
        grads["h0"] = np.zeros_like(h0) if mistake == "no_h0_gradient" else dh_next
        return grads

    return variant


RNN_BACKWARD = [
    Mistake(n, h, _rnn_backward_variant(n)) for n, h in (
        ("no_tanh_derivative",
         "gradient of tanh missing: multiply the incoming gradient by (1 - h_t**2) "
         "before it reaches the weights."),
        ("derivative_of_previous_state",
         "the tanh derivative used the previous state: it is 1 - h_t**2 with h_t the "
         "state this step produced."),
        ("not_accumulated",
         "the weight gradients hold only one time step: the weights are shared across "
         "time, so add (+=) every step's contribution."),
        ("no_carry",
         "the gradient is not carried back through time: each step must add "
         "dh_next = da @ recurrent_kernel.T from the step after it."),
        ("h_prev_off_by_one",
         "the recurrent_kernel gradient used h_t where it needs h_{t-1}, the state that "
         "was multiplied by recurrent_kernel at step t."),
        ("recurrent_not_transposed",
         "the gradient flowed back through recurrent_kernel without a transpose: use "
         "da @ recurrent_kernel.T."),
        ("no_h0_gradient",
         "the gradient for h0 is missing: it is what flows out of the first step, "
         "da_0 @ recurrent_kernel.T."),
    )
]


# --- clipping ----------------------------------------------------------------------------


def _global_norm(grads):
    return np.sqrt(sum(np.sum(np.square(g)) for g in grads))


def _clip_variant(mistake):
    def variant(grads, clip_norm):
        norm = _global_norm(grads)
        if mistake == "per_tensor":
            clipped = [g * clip_norm / max(np.sqrt(np.sum(g * g)), clip_norm) for g in grads]
        elif mistake == "always_scaled":
            clipped = [g * clip_norm / norm for g in grads]
        elif mistake == "squared_norm":
            norm = norm**2
            clipped = [g * clip_norm / max(norm, clip_norm) for g in grads]
        elif mistake == "inverted_scale":
            clipped = [g * max(norm, clip_norm) / clip_norm for g in grads]
        else:  # norm_after_clipping
            clipped = [g * clip_norm / max(norm, clip_norm) for g in grads]
            norm = _global_norm(clipped)
        return clipped, norm

    return variant


CLIP = [
    Mistake(n, h, _clip_variant(n)) for n, h in (
        ("per_tensor",
         "each tensor was clipped by its own norm: clip_by_global_norm scales *all* tensors "
         "by one factor, computed from the norm of all of them together."),
        ("always_scaled",
         "the gradients were rescaled even though their norm was already below clip_norm: "
         "scale by clip_norm / max(global_norm, clip_norm)."),
        ("squared_norm",
         "the global norm is missing its square root: sqrt(sum of every squared entry)."),
        ("inverted_scale",
         "the scale is upside down: multiply by clip_norm / global_norm, not its inverse."),
        ("norm_after_clipping",
         "return the global norm measured *before* clipping, as tf.clip_by_global_norm does."),
    )
]


# --- LSTM --------------------------------------------------------------------------------

_LSTM_GATES = "ifco"


def _lstm_permutations():
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            read = ", ".join(_LSTM_GATES[k] for k in np.argsort(order))
            yield (f"gate_order_{''.join(_LSTM_GATES[k] for k in np.argsort(order))}",
                   dict(order=order),
                   f"it matches Keras if the gate blocks were read in the order {read}: "
                   "Keras stores them as i, f, c, o (input, forget, candidate, output).")


_LSTM_STEP_MISTAKES = (
    ("no_bias", dict(use_bias=False), "it matches Keras with the bias left out."),
    ("recurrent_blocks_transposed", dict(transpose_blocks=True),
     "it matches Keras if each gate's block of recurrent_kernel were transposed: "
     "use h_prev @ recurrent_kernel."),
    ("candidate_sigmoid", dict(candidate=sigmoid),
     "the candidate (the c block) used a sigmoid: Keras uses tanh there, and sigmoid "
     "only for the i, f and o gates."),
    ("gates_tanh", dict(gate=np.tanh),
     "the gates used tanh: the i, f and o gates use the sigmoid (recurrent_activation)."),
    ("hard_sigmoid_gates", dict(gate=hard_sigmoid),
     "it matches recurrent_activation='hard_sigmoid' (the default of old Keras, before "
     "TensorFlow 2): tf.keras 2.x and Keras 3 use the sigmoid 1 / (1 + exp(-a))."),
    ("no_tanh_on_cell", dict(cell_output=identity),
     "h_t is missing the tanh of the cell: h_t = o * tanh(c_t)."),
    ("forget_bias_plus_one", dict(forget_offset=1.0),
     "you added 1 to the forget gate: `unit_forget_bias` only sets the bias's starting "
     "value, and the bias array you are given already contains it."),
    *_lstm_permutations(),
)


def _lstm_cell_variant(knobs):
    def variant(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
        return tuple(_lstm_step(kernel, recurrent_kernel, bias, **knobs)(x_t, [h_prev, c_prev]))

    return variant


def _lstm_forward_variant(knobs, scan=None, post=None):
    def variant(x, h0, c0, kernel, recurrent_kernel, bias):
        step = _lstm_step(kernel, recurrent_kernel, bias, **knobs)
        hs, (h, c) = _scan(step, x, [h0, c0], **(scan or {}))
        return post(hs, h, c, h0) if post else (hs, h, c)

    return variant


LSTM_CELL = [Mistake(n, h, _lstm_cell_variant(k)) for n, k, h in _LSTM_STEP_MISTAKES] + [
    Mistake("h_c_swapped", "you returned (c_t, h_t): return the hidden state first, (h_t, c_t).",
            lambda *a: _lstm_cell_variant({})(*a)[::-1]),
]
def _on_hs(post):
    """Apply a sequence mistake to hs only, keeping the final states."""
    return lambda hs, h, c, h0: (post(hs, h0), h, c)


LSTM_FORWARD = [
    Mistake(n, h, _lstm_forward_variant(k)) for n, k, h in _LSTM_STEP_MISTAKES
] + [
    Mistake(n, h, _lstm_forward_variant({}, scan=k.get("scan"),
                                        post=k.get("post") and _on_hs(k["post"])))
    for n, k, h in _SEQUENCE_MISTAKES
] + [
    Mistake("h_c_swapped", "h_T and c_T are swapped: return (hs, h_T, c_T).",
            _lstm_forward_variant({}, post=lambda hs, h, c, h0: (hs, c, h))),
    Mistake("c_T_as_h_T", "h_T is the last cell state: h_T = hs[:, -1], the last hidden state.",
            _lstm_forward_variant({}, post=lambda hs, h, c, h0: (hs, c, c))),
]


def _lstm_backward_variant(mistake):
    """An LSTM's backward pass; `mistake` (a name below, or None) switches one thing off."""
    def variant(x, h0, c0, kernel, recurrent_kernel, bias, dhs):
        h, c, steps = h0, c0, []
        for t in range(x.shape[1]):
            a_i, a_f, a_g, a_o = np.split(x[:, t] @ kernel + h @ recurrent_kernel + bias, 4, -1)
            i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
            c_t = f * c + i * g
            h_t = o * np.tanh(c_t)
            steps.append((h, c, i, f, g, o, h_t, c_t))
            h, c = h_t, c_t
        grads = {"x": np.zeros_like(x), "kernel": np.zeros_like(kernel),
                 "recurrent_kernel": np.zeros_like(recurrent_kernel),
                 "bias": np.zeros_like(bias)}
        dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
        for t in reversed(range(x.shape[1])):
            h_prev, c_prev, i, f, g, o, h_t, c_t = steps[t]
            dh = dhs[:, t] + (0.0 if mistake == "no_hidden_carry" else dh_next)
            tanh_c = np.tanh(c_t)
            through_tanh = dh * o if mistake == "no_tanh_c_derivative" else \
                dh * o * (1.0 - tanh_c**2)
            dc = through_tanh + (0.0 if mistake == "no_cell_carry" else dc_next)
            d_i, d_f, d_g, d_o = dc * g, dc * (c_t if mistake == "forget_times_current_cell"
                                             else c_prev), dc * i, dh * tanh_c
            if mistake == "no_sigmoid_derivative":
                da = [d_i, d_f, d_g * (1.0 - g**2), d_o]
            elif mistake == "sigmoid_derivative_as_s":
                da = [d_i * i, d_f * f, d_g * (1.0 - g**2), d_o * o]
            else:
                da = [d_i * i * (1.0 - i), d_f * f * (1.0 - f), d_g * (1.0 - g**2),
                      d_o * o * (1.0 - o)]
            if mistake == "gate_order_fico":
                da = [da[1], da[0], da[2], da[3]]
            da = np.concatenate(da, axis=-1)
            used_state = h_t if mistake == "h_prev_off_by_one" else h_prev
            _add_step(grads, x, t, used_state, da, kernel)
            dh_next, dc_next = da @ recurrent_kernel.T, dc * f
        grads["h0"] = dh_next
        grads["c0"] = np.zeros_like(c0) if mistake == "no_c0_gradient" else dc_next
        return grads

    return variant


LSTM_BACKWARD = [
    Mistake(n, h, _lstm_backward_variant(n)) for n, h in (
        ("no_cell_carry",
         "the cell state's gradient is not carried back through time: dc at step t also "
         "receives what step t + 1 sent back through its forget gate, f_{t+1} * dc_{t+1}."),
        ("no_hidden_carry",
         "the hidden state's gradient is not carried back through time: dh at step t is "
         "dhs[:, t] plus what step t + 1 sent back through recurrent_kernel."),
        ("no_tanh_c_derivative",
         "the gradient reaching c_t through h_t = o * tanh(c_t) misses tanh's derivative: "
         "multiply by (1 - tanh(c_t)**2)."),
        ("forget_times_current_cell",
         "the forget gate's gradient used c_t: the forget gate multiplies c_{t-1}, the cell "
         "state before the step."),
        ("gate_order_fico",
         "the gate gradients are stacked in the order f, i, c, o: Keras's blocks are i, f, "
         "c, o, and the gradients of kernel, recurrent_kernel and bias follow that order."),
        ("no_sigmoid_derivative",
         "the gates' gradients miss the sigmoid's derivative: through a gate s = sigmoid(a) "
         "the gradient is multiplied by s * (1 - s)."),
        ("sigmoid_derivative_as_s",
         "the sigmoid's derivative is s * (1 - s), not s: through a gate s = sigmoid(a) "
         "multiply the gradient by s * (1 - s)."),
        ("h_prev_off_by_one",
         "the recurrent_kernel gradient used h_t where it needs h_{t-1}, the state that "
         "was multiplied by recurrent_kernel at step t."),
        ("no_c0_gradient",
         "the gradient for c0 is missing: it is what flows out of the first step through "
         "its forget gate."),
    )
]


# --- GRU ---------------------------------------------------------------------------------

_GRU_GATES = "zrh"


def _gru_permutations():
    for order in itertools.permutations(range(3)):
        if order != (0, 1, 2):
            read = ", ".join(_GRU_GATES[k] for k in np.argsort(order))
            yield (f"gate_order_{read.replace(', ', '')}", dict(order=order),
                   f"it matches Keras if the gate blocks were read in the order {read}: "
                   "Keras stores them as z, r, h (update, reset, candidate).")


_GRU_STEP_MISTAKES = (
    ("update_gate_reversed", dict(reversed_update=True),
     "GRU update uses (1-z) on the old state, the form of Chung et al. (2014) and many "
     "tutorials. Keras (like PyTorch and Cho et al. 2014) uses z on the old state: "
     "h_t = z * h_prev + (1 - z) * candidate."),
    ("reset_before_when_after", dict(mode="before"),
     "you applied the reset gate before the recurrent matmul, (r * h_prev) @ U_h: with "
     "reset_after=True Keras computes r * (h_prev @ U_h + recurrent bias)."),
    ("reset_after_when_before", dict(mode="after"),
     "you applied the reset gate after the recurrent matmul: with reset_after=False Keras "
     "computes (r * h_prev) @ U_h."),
    ("recurrent_bias_ignored", dict(recurrent_bias=False),
     "the recurrent bias (bias[1]) is missing: with reset_after=True the bias has two rows, "
     "bias[0] for the input side and bias[1] for the recurrent side."),
    ("recurrent_bias_outside_reset", dict(bias_inside_reset=False),
     "the candidate's recurrent bias belongs inside the reset: r * (h_prev @ U_h + bias[1][h "
     "block]), not r * (h_prev @ U_h) + bias."),
    ("no_bias", dict(use_bias=False), "it matches Keras with the bias left out."),
    ("candidate_sigmoid", dict(candidate=sigmoid),
     "the candidate used a sigmoid: Keras uses tanh for the h block."),
    ("recurrent_blocks_transposed", dict(transpose_blocks=True),
     "it matches Keras if each gate's block of recurrent_kernel were transposed: use "
     "h_prev @ recurrent_kernel."),
    *_gru_permutations(),
)


def _gru_cell_variant(knobs):
    def variant(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
        return _gru_step(kernel, recurrent_kernel, bias, reset_after, **knobs)(x_t, [h_prev])[0]

    return variant


def _gru_forward_variant(knobs, scan=None, post=None):
    def variant(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
        step = _gru_step(kernel, recurrent_kernel, bias, reset_after, **knobs)
        hs, _ = _scan(step, x, [h0], **(scan or {}))
        return post(hs, h0) if post else hs

    return variant


GRU_CELL = [Mistake(n, h, _gru_cell_variant(k)) for n, k, h in _GRU_STEP_MISTAKES]
GRU_FORWARD = [Mistake(n, h, _gru_forward_variant(k)) for n, k, h in _GRU_STEP_MISTAKES] + [
    Mistake(n, h, _gru_forward_variant({}, **k)) for n, k, h in _SEQUENCE_MISTAKES
]


def _gru_backward_variant(mistake):
    """A GRU's backward pass in both reset_after modes; `mistake` switches one thing off."""
    def variant(x, h0, kernel, recurrent_kernel, bias, dhs, reset_after=True):
        bias = np.asarray(bias)
        b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros_like(bias))
        k_z, k_r, k_h = np.split(kernel, 3, axis=1)
        u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)
        h, steps = h0, []
        for t in range(x.shape[1]):
            x_z, x_r, x_h = np.split(x[:, t] @ kernel + b_in, 3, axis=-1)
            rec_z, rec_r, rec_h = np.split(h @ recurrent_kernel + b_rec, 3, axis=-1)
            z, r = sigmoid(x_z + rec_z), sigmoid(x_r + rec_r)
            g = np.tanh(x_h + r * rec_h) if reset_after else np.tanh(x_h + (r * h) @ u_h)
            steps.append((h, z, r, g, rec_h))
            h = z * h + (1.0 - z) * g
        grads = {"x": np.zeros_like(x), "kernel": np.zeros_like(kernel),
                 "recurrent_kernel": np.zeros_like(recurrent_kernel),
                 "bias": np.zeros_like(bias)}
        dh_next = np.zeros_like(h0)
        for t in reversed(range(x.shape[1])):
            h_prev, z, r, g, rec_h = steps[t]
            dh = dhs[:, t] + (0.0 if mistake == "no_carry" else dh_next)
            dz = dh * (g - h_prev) if mistake in ("update_gate_reversed", "update_gradient_sign") \
                else dh * (h_prev - g)
            dg = dh * (z if mistake == "update_gate_reversed" else 1.0 - z)
            da_h = dg * (1.0 - g**2)
            da_z = dz * z * (1.0 - z)
            if reset_after:
                dr = da_h * rec_h
                da_rec_h = da_h * (1.0 if mistake == "reset_not_in_candidate_gradient" else r)
            else:
                d_rh = da_h @ u_h.T                       # the gradient of r * h_prev
                dr = d_rh * h_prev
            da_r = dr * r * (1.0 - r)
            da_in = np.concatenate([da_z, da_r, da_h], axis=-1)
            grads["kernel"] += x[:, t].T @ da_in
            grads["x"][:, t] = da_in @ kernel.T
            if reset_after:
                da_rec = np.concatenate([da_z, da_r, da_rec_h], axis=-1)
                grads["recurrent_kernel"] += h_prev.T @ da_rec
                rec_bias = da_rec if mistake != "recurrent_bias_outside_reset" else \
                    np.concatenate([da_z, da_r, da_h], axis=-1)
                grads["bias"] += np.stack([da_in.sum(axis=0), rec_bias.sum(axis=0)])
                dh_next = dh * (1.0 - z if mistake == "update_gate_reversed" else z) \
                    + da_rec @ recurrent_kernel.T
            else:
                grads["recurrent_kernel"] += np.concatenate(
                    [h_prev.T @ da_z, h_prev.T @ da_r, (r * h_prev).T @ da_h], axis=1)
                grads["bias"] += da_in.sum(axis=0)
                through_reset = d_rh if mistake == "reset_not_in_candidate_gradient" else d_rh * r
                dh_next = dh * (1.0 - z if mistake == "update_gate_reversed" else z) \
                    + da_z @ u_z.T + da_r @ u_r.T + through_reset
        grads["h0"] = np.zeros_like(h0) if mistake == "no_h0_gradient" else dh_next
        return grads

    return variant


GRU_BACKWARD = [
    Mistake(n, h, _gru_backward_variant(n)) for n, h in (
        ("no_carry",
         "the gradient is not carried back through time: dh at step t is dhs[:, t] plus "
         "what step t + 1 sent back to its h_prev."),
        ("update_gate_reversed",
         "the update gate is used the other way round: Keras computes "
         "h_t = z * h_prev + (1 - z) * candidate, so z weighs the previous state."),
        ("reset_not_in_candidate_gradient",
         "the gradient through the candidate's recurrent term misses the reset gate: that "
         "term is r times the recurrent product, so its gradient is multiplied by r too."),
        ("update_gradient_sign",
         "the update gate's gradient has the wrong sign: h_t = z * h_prev + (1 - z) * "
         "candidate, so dh_t/dz = h_prev - candidate."),
        ("recurrent_bias_outside_reset",
         "with reset_after=True the candidate's recurrent bias sits inside the reset, "
         "r * (h_prev @ U_h + b), so its gradient is multiplied by r."),
        ("no_h0_gradient",
         "the gradient for h0 is missing: it is what flows out of the first step to its "
         "h_prev."),
    )
]


# --- bidirectional and stacked -----------------------------------------------------------


def _simple_rnn(x, weights, h0=None):
    if h0 is None:
        h0 = np.zeros((x.shape[0], np.shape(weights[0])[1]), dtype=x.dtype)
    return _rnn_forward_variant({})(x, h0, *weights)


def _bidirectional_variant(mistake):
    def variant(x, forward_weights, backward_weights):
        if mistake == "same_weights":
            backward_weights = forward_weights
        forward = _simple_rnn(x, forward_weights)
        if mistake == "backward_not_reversed":
            backward = _simple_rnn(x, backward_weights)
        else:
            backward = _simple_rnn(x[:, ::-1], backward_weights)
            if mistake != "backward_not_realigned":
                backward = backward[:, ::-1]
        if mistake == "sum_merge":
            return forward + backward
        pair = [backward, forward] if mistake == "concat_order_swapped" else [forward, backward]
        return np.concatenate(pair, axis=-1)

    return variant


BIDIRECTIONAL = [
    Mistake(n, h, _bidirectional_variant(n)) for n, h in (
        ("backward_not_realigned",
         "the backward states are still in reversed time order: flip them back "
         "(hs_backward[:, ::-1]) before concatenating, so both halves describe step t."),
        ("backward_not_reversed",
         "the backward layer read the sequence forwards: feed it x[:, ::-1], then flip "
         "its states back."),
        ("concat_order_swapped",
         "the halves are in the wrong order: Keras concatenates [forward, backward]."),
        ("same_weights",
         "the backward direction used forward_weights: each direction has its own weights."),
        ("sum_merge",
         "you added the two directions: merge_mode='concat' puts them side by side, giving "
         "2 * units features."),
    )
]


def _stacked_variant(mistake):
    def variant(x, layers):
        hs, state = x, None
        chosen = list(layers)[::-1] if mistake == "layers_reversed" else list(layers)
        for k, weights in enumerate(chosen):
            source = x if mistake == "each_layer_reads_x" else hs
            h0 = state if mistake == "state_carried_between_layers" else None
            hs = _simple_rnn(source, weights, h0)
            state = hs[:, -1]
            if mistake == "returns_first_layer" and k == 0:
                return hs
        return hs

    return variant


STACKED = [
    Mistake(n, h, _stacked_variant(n)) for n, h in (
        ("each_layer_reads_x",
         "every layer read the input x: layer k must read the states hs of layer k - 1."),
        ("returns_first_layer",
         "you returned the bottom layer's states: return the top (last) layer's."),
        ("layers_reversed", "the layers ran top first: layers[0] is the bottom layer."),
        ("state_carried_between_layers",
         "each layer starts from a zero state: you passed the previous layer's final state "
         "as its h0."),
    )
]


# --- attention ---------------------------------------------------------------------------


def _softmax(scores, axis):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _attention_variant(mistake):
    def variant(query, value, key=None):
        key = value if key is None else key
        if mistake == "key_value_swapped":
            key, value = value, key
        scores = query @ np.swapaxes(key, 1, 2)
        if mistake == "scaled":
            scores = scores / np.sqrt(query.shape[-1])
        if mistake == "no_softmax":
            weights = scores
        else:
            weights = _softmax(scores, axis=1 if mistake == "softmax_over_queries" else -1)
        return weights if mistake == "returns_weights" else weights @ value

    return variant


ATTENTION = [
    Mistake(n, h, _attention_variant(n)) for n, h in (
        ("scaled",
         "you divided the scores by sqrt(dim): keras.layers.Attention is Luong's dot-product "
         "attention and, with use_scale=False (the default), applies no scaling."),
        ("softmax_over_queries",
         "the softmax ran over the queries: each query's weights over the Tv keys must sum "
         "to 1, so take the softmax along the last axis."),
        ("no_softmax",
         "the scores were used without a softmax: weights = softmax(query @ key^T) along "
         "the last axis."),
        ("key_value_swapped",
         "key and value are swapped: scores come from query @ key^T, and the weights "
         "average the values."),
        ("returns_weights",
         "you returned the attention weights (batch, Tq, Tv): return weights @ value."),
    )
]


# --- language-model pieces: embedding, dense on sequences, masked sequence loss -----------


def _embedding_forward_variant(mistake):
    def variant(ids, embeddings):
        if mistake == "ids_one_based":
            return embeddings[ids - 1]          # id 0 wraps round to the last row
        if mistake == "time_major":
            return embeddings[ids.T]
        if mistake == "returns_one_hot":
            return np.eye(len(embeddings), dtype=embeddings.dtype)[ids]
        if mistake == "column_lookup":
            return embeddings[:, ids]
        return embeddings[ids]

    return variant


EMBEDDING_FORWARD = [
    Mistake(n, h, _embedding_forward_variant(n)) for n, h in (
        ("ids_one_based",
         "it matches looking up row ids - 1: ids count from 0, so id i is row i of "
         "embeddings (embeddings[ids])."),
        ("time_major",
         "it matches looking up ids.T: the output is batch-major like ids, "
         "(batch, time, D), so index with ids as given."),
        ("returns_one_hot",
         "you returned the one-hot vectors of the ids: multiply them by embeddings, or "
         "simply look the rows up, embeddings[ids]."),
        ("column_lookup",
         "it matches indexing the columns of embeddings: Keras stores one row per id, "
         "shape (V, D), so out[n, t] = embeddings[ids[n, t]]."),
    )
]


def _embedding_backward_variant(mistake):
    def variant(ids, embeddings, dout):
        grad = np.zeros_like(embeddings)
        if mistake == "repeated_ids_not_added":
            grad[ids] += dout               # buffered: a repeated id keeps only one share
        elif mistake == "averaged_over_repeats":
            np.add.at(grad, ids, dout)
            counts = np.bincount(ids.ravel(), minlength=len(embeddings))
            grad /= np.maximum(counts, 1)[:, None]
        elif mistake == "ids_one_based":
            np.add.at(grad, ids - 1, dout)
        elif mistake == "returns_dout":
            return dout
        else:
            np.add.at(grad, ids, dout)
        return grad

    return variant


EMBEDDING_BACKWARD = [
    Mistake(n, h, _embedding_backward_variant(n)) for n, h in (
        ("repeated_ids_not_added",
         "an id that appears at several positions must collect the sum of all their dout "
         "rows. `grad[ids] += dout` keeps only one of them, because NumPy's fancy-index "
         "assignment is buffered: use np.add.at(grad, ids, dout)."),
        ("averaged_over_repeats",
         "it matches averaging the dout rows of a repeated id: the gradient of a sum is the "
         "sum, so every position adds its whole dout row to its id's row."),
        ("ids_one_based",
         "it matches adding into row ids - 1: id i is row i of embeddings, counting from 0."),
        ("returns_dout",
         "you returned dout, the gradient of the output: the gradient of the weight has the "
         "shape of embeddings, (V, D), with each position's dout row added to its id's row."),
    )
]


def _dense_forward_variant(mistake):
    def variant(x, kernel, bias):
        if mistake == "kernel_transposed":
            return x @ kernel.T + bias
        if mistake == "relu_added":
            return np.maximum(x @ kernel + bias, 0.0)
        if mistake == "tanh_added":
            return np.tanh(x @ kernel + bias)
        if mistake == "no_bias":
            return x @ kernel
        return x @ kernel + bias

    return variant


DENSE_FORWARD = [
    Mistake("no_bias", "it matches Dense without its bias: out = x @ kernel + bias.",
            _dense_forward_variant("no_bias")),
    Mistake("kernel_transposed",
            "it matches a transposed kernel: Keras's kernel has shape (D, units), so "
            "out = x @ kernel + bias.",
            _dense_forward_variant("kernel_transposed")),
    Mistake("relu_added",
            "it matches Dense with a ReLU: the output layer of a language model is linear "
            "(Keras's default activation=None), the softmax comes in the loss.",
            _dense_forward_variant("relu_added")),
    Mistake("tanh_added",
            "it matches Dense with a tanh: the output layer is linear (Keras's default "
            "activation=None), out = x @ kernel + bias.",
            _dense_forward_variant("tanh_added")),
]


def _dense_backward_variant(mistake):
    def variant(x, kernel, bias, dout):
        batch, time = x.shape[:2]
        d_x = dout @ (kernel if mistake == "dx_kernel_not_transposed" else kernel.T)
        if mistake == "last_step_only":
            d_kernel, d_bias = x[:, -1].T @ dout[:, -1], dout[:, -1].sum(axis=0)
        else:
            d_kernel = x.reshape(-1, x.shape[-1]).T @ dout.reshape(-1, dout.shape[-1])
            d_bias = dout.sum(axis=(0, 1))
        if mistake == "averaged_over_positions":
            d_kernel, d_bias = d_kernel / (batch * time), d_bias / (batch * time)
        if mistake == "bias_not_summed_over_batch":
            d_bias = dout[0].sum(axis=0)
        return {"x": d_x, "kernel": d_kernel, "bias": d_bias}

    return variant


DENSE_BACKWARD = [
    Mistake(n, h, _dense_backward_variant(n)) for n, h in (
        ("dx_kernel_not_transposed",
         "the gradient of x used the kernel itself: out = x @ kernel gives "
         "dx = dout @ kernel.T."),
        ("last_step_only",
         "the kernel and bias gradients used the last time step only: the same weights act "
         "at every step and every sequence, so add up all batch * time positions, e.g. "
         "x.reshape(-1, D).T @ dout.reshape(-1, units)."),
        ("averaged_over_positions",
         "the kernel and bias gradients were divided by batch * time: the gradient of a sum "
         "adds the positions' shares, it does not average them."),
        ("bias_not_summed_over_batch",
         "the bias gradient used only the first sequence: sum dout over the batch and the "
         "time axes, dout.sum(axis=(0, 1))."),
    )
]


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _loss_variant(mistake):
    def variant(logits, y, mask):
        batch, time, vocab = logits.shape
        log_p = _log_softmax(logits)
        weights = np.ones_like(mask) if mistake == "mask_ignored" else mask
        count = {"mean_over_all_positions": batch * time,
                 "divides_by_batch": batch}.get(mistake, weights.sum())
        nll = -np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0]
        loss = np.sum(nll * weights) / count
        d_logits = np.exp(log_p)
        d_logits[np.arange(batch)[:, None], np.arange(time)[None, :], y] -= 1.0
        if mistake == "gradient_sign_flipped":
            d_logits = -d_logits
        if mistake != "gradient_unmasked":
            d_logits = d_logits * weights[..., None]
        if mistake != "gradient_not_divided":
            d_logits = d_logits / count
        return loss, d_logits

    return variant


TEMPORAL_SOFTMAX_LOSS = [
    Mistake(n, h, _loss_variant(n)) for n, h in (
        ("mean_over_all_positions",
         "it matches dividing by batch * time, which is what SparseCategoricalCrossentropy "
         "does with its default reduction: here the loss is the mean over the positions "
         "that count, so divide by mask.sum()."),
        ("divides_by_batch",
         "it matches dividing by the batch size: the loss is the mean over the positions "
         "that count, so divide the masked sum by mask.sum()."),
        ("mask_ignored",
         "it matches a loss that ignores the mask: padding positions (mask 0) must add "
         "nothing, neither to the loss nor to the gradient, and do not count in the mean."),
        ("gradient_unmasked",
         "the loss is right but the gradient is not masked: padding positions take no part "
         "in the loss, so their rows of d_logits are zero."),
        ("gradient_not_divided",
         "the loss is right but the gradient was not divided like the loss: the loss is a "
         "mean over mask.sum() positions, so each row of d_logits is "
         "(softmax - one_hot) * mask / mask.sum()."),
        ("gradient_sign_flipped",
         "the gradient has the wrong sign: d loss / d logits is softmax(logits) minus the "
         "one-hot target, not the other way round."),
    )
]


# --- the whole language model: each knob is one piece's mistake, inside the full model --


def _lm_variant(mistake, piece=None):
    """The language model's loss and gradients with `mistake` made in one `piece`
    ("loss", "dense", "rnn" or "embedding"); None is the correct model."""
    def chosen(name):
        return mistake if piece == name else None

    def variant(params, x, y, mask):
        embedded = params["embeddings"][x]
        h0 = np.zeros((x.shape[0], params["bias"].shape[0]), dtype=embedded.dtype)
        hs = _rnn_forward_variant({})(embedded, h0, params["kernel"],
                                       params["recurrent_kernel"], params["bias"])
        logits = hs @ params["output_kernel"] + params["output_bias"]
        loss, d_logits = _loss_variant(chosen("loss"))(logits, y, mask)
        dense = _dense_backward_variant(chosen("dense"))(
            hs, params["output_kernel"], params["output_bias"], d_logits)
        rnn = _rnn_backward_variant(chosen("rnn"))(
            embedded, h0, params["kernel"], params["recurrent_kernel"], params["bias"],
            dense["x"])
        d_embeddings = _embedding_backward_variant(chosen("embedding"))(
            x, params["embeddings"], rnn["x"])
        grads = {"embeddings": d_embeddings, "kernel": rnn["kernel"],
                 "recurrent_kernel": rnn["recurrent_kernel"], "bias": rnn["bias"],
                 "output_kernel": dense["kernel"], "output_bias": dense["bias"]}
        return loss, grads

    return variant


LM_LOSS_AND_GRADS = [
    Mistake(name, hint, _lm_variant(mistake, piece)) for name, piece, mistake, hint in (
        ("loss_over_all_positions", "loss", "mean_over_all_positions",
         "it matches a loss divided by batch * time: the loss is the mean over the "
         "positions where mask is 1, as in temporal_softmax_loss."),
        ("mask_ignored", "loss", "mask_ignored",
         "it matches a model whose loss ignores the mask: padding must add nothing to the "
         "loss or to any gradient."),
        ("no_carry_through_time", "rnn", "no_carry",
         "the gradient is not carried back through time in the recurrent layer: each step "
         "gets its own share from the output layer plus dh_next from the step after it."),
        ("no_tanh_derivative", "rnn", "no_tanh_derivative",
         "the recurrent layer's gradient skips tanh's derivative: multiply by "
         "(1 - h_t**2) before it reaches the recurrent weights."),
        ("repeated_ids_not_added", "embedding", "repeated_ids_not_added",
         "the embeddings' gradient keeps one share per repeated id: add every position's "
         "row with np.add.at, as in embedding_backward."),
        ("output_weights_last_step_only", "dense", "last_step_only",
         "the output layer's gradients use the last step only: its kernel and bias act at "
         "every step, so sum over batch and time, as in dense_backward."),
    )
]


MISTAKES: dict[str, list[Mistake]] = {
    "rnn_cell_forward": RNN_CELL,
    "rnn_forward": RNN_FORWARD,
    "rnn_backward": RNN_BACKWARD,
    "clip_by_global_norm": CLIP,
    "lstm_cell_forward": LSTM_CELL,
    "lstm_forward": LSTM_FORWARD,
    "lstm_backward": LSTM_BACKWARD,
    "gru_cell_forward": GRU_CELL,
    "gru_forward": GRU_FORWARD,
    "gru_backward": GRU_BACKWARD,
    "bidirectional_rnn_forward": BIDIRECTIONAL,
    "stacked_rnn_forward": STACKED,
    "dot_product_attention": ATTENTION,
    "embedding_forward": EMBEDDING_FORWARD,
    "embedding_backward": EMBEDDING_BACKWARD,
    "dense_forward": DENSE_FORWARD,
    "dense_backward": DENSE_BACKWARD,
    "temporal_softmax_loss": TEMPORAL_SOFTMAX_LOSS,
    "lm_loss_and_grads": LM_LOSS_AND_GRADS,
}


def record(path) -> dict:
    """Write every mistake's output on `make_cases(exercise)` (seed 0) to `path`, the
    table `rnncourse.hints` reads on a student's machine. Returns the table."""
    from rnncourse import codec
    from rnncourse.cases import make_cases
    from rnncourse.hints import case_key

    table = {}
    for exercise, mistakes in MISTAKES.items():
        cases = make_cases(exercise)
        table[exercise] = []
        for mistake in mistakes:
            outputs = {}
            for case in cases:
                try:
                    with np.errstate(all="ignore"):
                        outputs[case_key(exercise, case)] = mistake.output(case)
                except Exception:  # noqa: BLE001 - a variant may not apply to this shape
                    continue
            table[exercise].append({"name": mistake.name, "hint": mistake.hint,
                                    "outputs": outputs})
    codec.to_file(table, path)
    os.chmod(path, 0o644)       # package data: readable by whoever installs it
    return table


if __name__ == "__main__":
    import sys

    from rnncourse.hints import TABLE

    record(sys.argv[1] if len(sys.argv) > 1 else TABLE)
