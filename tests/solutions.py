"""Correct NumPy solutions, written independently of Keras, in two styles.

`LOOPED` builds each sequence function from its cell, one time step at a
time; `VECTORISED` projects every input with one matmul and loops only over
the recurrence. Both keep the input dtype, so float32 cases are computed in
float32. The tests use them as the independent NumPy computation that the
Keras reference must agree with, and as correct answers the checks must pass.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# --- looped: cells first, sequences built from cells -------------------------------------


def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = rnn_cell_forward(x[:, t], h, kernel, recurrent_kernel, bias)
        hs.append(h)
    return np.stack(hs, axis=1)


def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    hs = rnn_forward(x, h0, kernel, recurrent_kernel, bias)
    grads = {"x": np.zeros_like(x), "kernel": np.zeros_like(kernel),
             "recurrent_kernel": np.zeros_like(recurrent_kernel), "bias": np.zeros_like(bias)}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        h_prev = hs[:, t - 1] if t > 0 else h0
        da = (dhs[:, t] + dh_next) * (1.0 - hs[:, t] ** 2)
        grads["x"][:, t] = da @ kernel.T
        grads["kernel"] += x[:, t].T @ da
        grads["recurrent_kernel"] += h_prev.T @ da
        grads["bias"] += da.sum(axis=0)
        dh_next = da @ recurrent_kernel.T
    grads["h0"] = dh_next
    return grads


def clip_by_global_norm(grads, clip_norm):
    total = 0.0
    for g in grads:
        total += np.sum(g * g)
    norm = np.sqrt(total)
    scale = clip_norm / max(norm, clip_norm)
    return [g * scale for g in grads], norm


def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    i, f, g, o = np.split(z, 4, axis=-1)
    c_t = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
    h_t = sigmoid(o) * np.tanh(c_t)
    return h_t, c_t


def lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias):
    h, c, hs = h0, c0, []
    for t in range(x.shape[1]):
        h, c = lstm_cell_forward(x[:, t], h, c, kernel, recurrent_kernel, bias)
        hs.append(h)
    return np.stack(hs, axis=1), h, c


def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    units = h_prev.shape[-1]
    k_z, k_r, k_h = np.split(kernel, 3, axis=1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)
    if reset_after:
        b_in, b_rec = bias[0], bias[1]
    else:
        b_in, b_rec = bias, np.zeros_like(bias)
    b_z, b_r, b_h = (b_in[i * units:(i + 1) * units] for i in range(3))
    c_z, c_r, c_h = (b_rec[i * units:(i + 1) * units] for i in range(3))
    z = sigmoid(x_t @ k_z + b_z + h_prev @ u_z + c_z)
    r = sigmoid(x_t @ k_r + b_r + h_prev @ u_r + c_r)
    if reset_after:
        candidate = np.tanh(x_t @ k_h + b_h + r * (h_prev @ u_h + c_h))
    else:
        candidate = np.tanh(x_t @ k_h + b_h + (r * h_prev) @ u_h)
    return z * h_prev + (1.0 - z) * candidate


def gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = gru_cell_forward(x[:, t], h, kernel, recurrent_kernel, bias, reset_after)
        hs.append(h)
    return np.stack(hs, axis=1)


def bidirectional_rnn_forward(x, forward_weights, backward_weights):
    units = forward_weights[0].shape[1]
    h0 = np.zeros((x.shape[0], units), dtype=x.dtype)
    forward = rnn_forward(x, h0, *forward_weights)
    backward = rnn_forward(x[:, ::-1], h0, *backward_weights)[:, ::-1]
    return np.concatenate([forward, backward], axis=-1)


def stacked_rnn_forward(x, layers):
    hs = x
    for kernel, recurrent_kernel, bias in layers:
        h0 = np.zeros((x.shape[0], kernel.shape[1]), dtype=x.dtype)
        hs = rnn_forward(hs, h0, kernel, recurrent_kernel, bias)
    return hs


def dot_product_attention(query, value, key=None):
    key = value if key is None else key
    out = np.empty(query.shape[:2] + value.shape[2:], dtype=query.dtype)
    for b in range(query.shape[0]):
        for q in range(query.shape[1]):
            scores = key[b] @ query[b, q]
            weights = np.exp(scores - scores.max())
            weights /= weights.sum()
            out[b, q] = weights @ value[b]
    return out


LOOPED = {name: fn for name, fn in dict(globals()).items()
          if name.endswith(("_forward", "_backward", "_norm", "_attention"))}


# --- vectorised: one matmul for every input, a loop only where time demands it ----------


def v_rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    projected = np.einsum("btd,dh->bth", x, kernel) + bias
    hs = np.empty(x.shape[:2] + h0.shape[-1:], dtype=np.result_type(x, kernel))
    h = h0
    for t in range(x.shape[1]):
        h = hs[:, t] = np.tanh(projected[:, t] + h @ recurrent_kernel)
    return hs


def v_rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    return v_rnn_forward(x_t[:, None], h_prev, kernel, recurrent_kernel, bias)[:, 0]


def v_rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    hs = v_rnn_forward(x, h0, kernel, recurrent_kernel, bias)
    h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    das = np.empty_like(hs)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        das[:, t] = (dhs[:, t] + dh_next) * (1.0 - hs[:, t] ** 2)
        dh_next = das[:, t] @ recurrent_kernel.T
    return {
        "x": das @ kernel.T,
        "h0": dh_next,
        "kernel": np.einsum("btd,bth->dh", x, das),
        "recurrent_kernel": np.einsum("btk,bth->kh", h_prev, das),
        "bias": das.sum(axis=(0, 1)),
    }


def v_clip_by_global_norm(grads, clip_norm):
    norm = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads]))
    return [g * (clip_norm / np.maximum(norm, clip_norm)) for g in grads], norm


def v_lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias):
    units = h0.shape[-1]
    projected = np.einsum("btd,dg->btg", x, kernel) + bias
    hs = np.empty(x.shape[:2] + (units,), dtype=np.result_type(x, kernel))
    h, c = h0, c0
    for t in range(x.shape[1]):
        z = projected[:, t] + h @ recurrent_kernel
        gates = sigmoid(z)
        i, f, o = gates[:, :units], gates[:, units:2 * units], gates[:, 3 * units:]
        c = f * c + i * np.tanh(z[:, 2 * units:3 * units])
        h = hs[:, t] = o * np.tanh(c)
    return hs, h, c


def v_lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    _, h, c = v_lstm_forward(x_t[:, None], h_prev, c_prev, kernel, recurrent_kernel, bias)
    return h, c


def v_gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
    units = h0.shape[-1]
    b_in = bias[0] if reset_after else bias
    projected = np.einsum("btd,dg->btg", x, kernel) + b_in
    hs = np.empty(x.shape[:2] + (units,), dtype=np.result_type(x, kernel))
    h = h0
    for t in range(x.shape[1]):
        px = projected[:, t]
        if reset_after:
            ph = h @ recurrent_kernel + bias[1]
            zr = sigmoid(px[:, :2 * units] + ph[:, :2 * units])
            z, r = zr[:, :units], zr[:, units:]
            candidate = np.tanh(px[:, 2 * units:] + r * ph[:, 2 * units:])
        else:
            zr = sigmoid(px[:, :2 * units] + h @ recurrent_kernel[:, :2 * units])
            z, r = zr[:, :units], zr[:, units:]
            candidate = np.tanh(px[:, 2 * units:] + (r * h) @ recurrent_kernel[:, 2 * units:])
        h = hs[:, t] = z * h + (1.0 - z) * candidate
    return hs


def v_gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    return v_gru_forward(x_t[:, None], h_prev, kernel, recurrent_kernel, bias, reset_after)[:, 0]


def v_bidirectional_rnn_forward(x, forward_weights, backward_weights):
    h0 = np.zeros((x.shape[0], forward_weights[0].shape[1]), dtype=x.dtype)
    backward = np.flip(v_rnn_forward(np.flip(x, axis=1), h0, *backward_weights), axis=1)
    return np.concatenate([v_rnn_forward(x, h0, *forward_weights), backward], axis=2)


def v_stacked_rnn_forward(x, layers):
    for kernel, recurrent_kernel, bias in layers:
        x = v_rnn_forward(x, np.zeros((x.shape[0], kernel.shape[1]), x.dtype), kernel,
                          recurrent_kernel, bias)
    return x


def v_dot_product_attention(query, value, key=None):
    scores = query @ np.swapaxes(value if key is None else key, 1, 2)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ value


VECTORISED = {name[2:]: fn for name, fn in dict(globals()).items() if name.startswith("v_")}


def _from_corpus(function: str, variant: str):
    """A correct answer of the mutation corpus (tests/mutants/), not a third copy here."""
    import importlib.util

    path = Path(__file__).parent / "mutants" / function / f"{variant}.py"
    spec = importlib.util.spec_from_file_location(f"mutant_{function}_{variant}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, function)


LOOPED["lstm_backward"] = _from_corpus("lstm_backward", "correct_looped_caches")
VECTORISED["lstm_backward"] = _from_corpus("lstm_backward", "correct_fused_einsum")
LOOPED["gru_backward"] = _from_corpus("gru_backward", "correct_looped_caches")
VECTORISED["gru_backward"] = _from_corpus("gru_backward", "correct_upcast_float64")
for _function, _looped, _vectorised in (
    ("embedding_forward", "correct_take_looped", "correct_fancy_index"),
    ("embedding_backward", "correct_looped", "correct_add_at"),
    ("dense_forward", "correct_einsum_looped", "correct_reshape"),
    ("dense_backward", "correct_looped", "correct_einsum"),
    ("temporal_softmax_loss", "correct_looped_float64", "correct_log_softmax"),
    ("lm_loss_and_grads", "correct_one_function", "correct_float64_inside"),
):
    LOOPED[_function] = _from_corpus(_function, _looped)
    VECTORISED[_function] = _from_corpus(_function, _vectorised)
assert set(LOOPED) == set(VECTORISED), set(LOOPED) ^ set(VECTORISED)
