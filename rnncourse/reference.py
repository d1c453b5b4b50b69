"""The oracle: every exercise function, computed by real Keras layers.

Each function here has the same name and arguments as the exercise a student
writes, takes NumPy arrays laid out as `layer.get_weights()` returns them,
builds the Keras layer, loads the weights, runs it, and returns NumPy arrays.
Gradients come from `tf.GradientTape`. The dtype of the inputs sets the
layer's dtype, so float64 cases are computed in float64.

`output_names` on each function names its outputs for failure messages.

Example:

>>> from rnncourse.cases import make_cases
>>> case = make_cases("rnn_forward")[0]
>>> rnn_forward(*case.args).shape
(3, 5, 6)
"""

from __future__ import annotations

import numpy as np

from rnncourse.cases import LM_PARAMS
from rnncourse.quiet_tf import import_tensorflow
from rnncourse.reference_cache import cached


def _outputs(*names):
    """Record the names of a function's outputs, for messages; look known calls up first."""

    def mark(fn):
        fn = cached(fn)
        fn.output_names = names
        return fn

    return mark


def _dtype_of(array) -> str:
    dtype = np.asarray(array).dtype
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"expected float32 or float64 arrays, got {dtype}")
    return str(dtype)


def _require_shape(name, array, shape):
    """Raise a ValueError naming `name` unless `array` has `shape` (None = any size)."""
    actual = np.shape(array)
    if len(actual) != len(shape) or any(e is not None and e != a for e, a in zip(shape, actual)):
        wanted = str(tuple("?" if e is None else e for e in shape)).replace("'", "")
        raise ValueError(f"{name} should have shape {wanted}, got {actual}")


def _check_recurrent(x, states, kernel, recurrent_kernel, bias, gates, bias_rows=1):
    """Validate a recurrent layer's inputs against Keras's weight layout."""
    _require_shape("x", x, (None, None, None))
    batch, _, input_dim = np.shape(x)
    _require_shape("kernel", kernel, (input_dim, None))
    units, rest = divmod(np.shape(kernel)[1], gates)
    if rest:
        raise ValueError(f"kernel's second axis must be {gates} * units, got {np.shape(kernel)}")
    _require_shape("recurrent_kernel", recurrent_kernel, (units, gates * units))
    _require_shape("bias", bias, (gates * units,) if bias_rows == 1 else (2, gates * units))
    for name, state in states.items():
        _require_shape(name, state, (batch, units))
    return _dtype_of(x)


def _loaded(layer, input_shape, weights):
    """Build `layer` for `input_shape` and load `weights` (Keras's own order)."""
    layer.build(input_shape)
    layer.set_weights([np.asarray(w) for w in weights])
    return layer


def _simple_rnn_layer(input_dim, kernel, recurrent_kernel, bias, dtype):
    _, keras = import_tensorflow()
    layer = keras.layers.SimpleRNN(
        np.shape(kernel)[1], return_sequences=True, dtype=dtype
    )
    return _loaded(layer, (None, None, input_dim), (kernel, recurrent_kernel, bias))


def _lstm_layer(input_dim, kernel, recurrent_kernel, bias, dtype):
    _, keras = import_tensorflow()
    layer = keras.layers.LSTM(
        np.shape(kernel)[1] // 4, return_sequences=True, return_state=True, dtype=dtype
    )
    return _loaded(layer, (None, None, input_dim), (kernel, recurrent_kernel, bias))


def _gru_layer(input_dim, kernel, recurrent_kernel, bias, reset_after, dtype):
    _, keras = import_tensorflow()
    layer = keras.layers.GRU(
        np.shape(kernel)[1] // 3, return_sequences=True, reset_after=reset_after, dtype=dtype
    )
    return _loaded(layer, (None, None, input_dim), (kernel, recurrent_kernel, bias))


def _numpy(tensors):
    return [np.asarray(t) for t in tensors]


# --- SimpleRNN ---------------------------------------------------------------------------


@_outputs("hs")
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    """`SimpleRNN(units, return_sequences=True)` called with `initial_state=h0`.

    Args:
        x: inputs, shape `(batch, time, D)`.
        h0: initial state, shape `(batch, H)`.
        kernel: `(D, H)`; recurrent_kernel: `(H, H)`; bias: `(H,)`.

    Returns:
        hs: every hidden state, shape `(batch, time, H)`.
    """
    dtype = _check_recurrent(x, {"h0": h0}, kernel, recurrent_kernel, bias, gates=1)
    layer = _simple_rnn_layer(np.shape(x)[-1], kernel, recurrent_kernel, bias, dtype)
    return np.asarray(layer(x, initial_state=[h0]))


@_outputs("h_t")
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    """One step of `SimpleRNN` (tanh).

    Args:
        x_t: input at one time step, shape `(batch, D)`.
        h_prev: previous state, shape `(batch, H)`.
        kernel: `(D, H)`; recurrent_kernel: `(H, H)`; bias: `(H,)`.

    Returns:
        h_t: the next state, shape `(batch, H)`.
    """
    return rnn_forward(np.asarray(x_t)[:, None, :], h_prev, kernel, recurrent_kernel, bias)[:, 0]


def layer_gradients(layer, x, initial_state, upstream):
    """Gradients of `sum(outputs * upstream)` by `tf.GradientTape`.

    Args:
        layer: a built Keras recurrent layer whose first output is `hs`.
        x: inputs, shape `(batch, time, D)`.
        initial_state: list of state arrays, each `(batch, H)`.
        upstream: the gradient flowing into `hs`, same shape as `hs`.

    Returns:
        `(d_x, [d_state, ...], [d_weight, ...])` as NumPy arrays, weights in
        `layer.get_weights()` order.
    """
    tf, _ = import_tensorflow()
    x = tf.constant(x)
    states = [tf.constant(s) for s in initial_state]
    with tf.GradientTape() as tape:
        tape.watch([x, *states])
        outputs = layer(x, initial_state=states)
        hs = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
        loss = tf.reduce_sum(hs * tf.constant(upstream))
    grads = tape.gradient(loss, [x, *states, *layer.trainable_weights])
    grads = _numpy(grads)
    return grads[0], grads[1 : 1 + len(states)], grads[1 + len(states) :]


@_outputs("x", "h0", "kernel", "recurrent_kernel", "bias")
def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    """Gradients of `sum(rnn_forward(x, h0, ...) * dhs)`, by `tf.GradientTape`.

    Args:
        x: `(batch, time, D)`; h0: `(batch, H)`; kernel: `(D, H)`;
        recurrent_kernel: `(H, H)`; bias: `(H,)`.
        dhs: the upstream gradient, shape `(batch, time, H)`.

    Returns:
        dict with keys "x", "h0", "kernel", "recurrent_kernel", "bias", each
        shaped like the argument of that name.
    """
    dtype = _check_recurrent(x, {"h0": h0}, kernel, recurrent_kernel, bias, gates=1)
    _require_shape("dhs", dhs, np.shape(x)[:2] + (np.shape(h0)[1],))
    layer = _simple_rnn_layer(np.shape(x)[-1], kernel, recurrent_kernel, bias, dtype)
    d_x, (d_h0,), weights = layer_gradients(layer, x, [h0], dhs)
    return dict(zip(("x", "h0", "kernel", "recurrent_kernel", "bias"), (d_x, d_h0, *weights)))


@_outputs("clipped_list", "global_norm")
def clip_by_global_norm(grads, clip_norm):
    """`tf.clip_by_global_norm`.

    Args:
        grads: list of arrays of any shapes.
        clip_norm: a positive float.

    Returns:
        `(clipped_list, global_norm)`: the arrays scaled by
        `clip_norm / max(global_norm, clip_norm)`, and the norm before clipping.
    """
    tf, _ = import_tensorflow()
    clipped, norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], clip_norm)
    return _numpy(clipped), np.asarray(norm)


# --- LSTM --------------------------------------------------------------------------------


@_outputs("hs", "h_T", "c_T")
def lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias):
    """`LSTM(units, return_sequences=True, return_state=True)`, `initial_state=[h0, c0]`.

    Args:
        x: `(batch, time, D)`; h0, c0: `(batch, H)`.
        kernel: `(D, 4H)`; recurrent_kernel: `(H, 4H)`; bias: `(4H,)`,
        gates in Keras's order i, f, c, o.

    Returns:
        `(hs, h_T, c_T)`: shapes `(batch, time, H)`, `(batch, H)`, `(batch, H)`.
    """
    dtype = _check_recurrent(x, {"h0": h0, "c0": c0}, kernel, recurrent_kernel, bias, gates=4)
    layer = _lstm_layer(np.shape(x)[-1], kernel, recurrent_kernel, bias, dtype)
    return tuple(_numpy(layer(x, initial_state=[h0, c0])))


@_outputs("h_t", "c_t")
def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One step of `LSTM`.

    Args:
        x_t: `(batch, D)`; h_prev, c_prev: `(batch, H)`; weights as `lstm_forward`.

    Returns:
        `(h_t, c_t)`, each `(batch, H)`.
    """
    _, h_t, c_t = lstm_forward(
        np.asarray(x_t)[:, None, :], h_prev, c_prev, kernel, recurrent_kernel, bias
    )
    return h_t, c_t


@_outputs("x", "h0", "c0", "kernel", "recurrent_kernel", "bias")
def lstm_backward(x, h0, c0, kernel, recurrent_kernel, bias, dhs):
    """Gradients of `sum(hs * dhs)` for an LSTM, by `tf.GradientTape`.

    Returns:
        dict with keys "x", "h0", "c0", "kernel", "recurrent_kernel", "bias".
    """
    dtype = _check_recurrent(x, {"h0": h0, "c0": c0}, kernel, recurrent_kernel, bias, gates=4)
    layer = _lstm_layer(np.shape(x)[-1], kernel, recurrent_kernel, bias, dtype)
    d_x, (d_h0, d_c0), (d_k, d_rk, d_b) = layer_gradients(layer, x, [h0, c0], dhs)
    return {"x": d_x, "h0": d_h0, "c0": d_c0, "kernel": d_k, "recurrent_kernel": d_rk,
            "bias": d_b}


# --- GRU ---------------------------------------------------------------------------------


@_outputs("hs")
def gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
    """`GRU(units, return_sequences=True, reset_after=...)` with `initial_state=h0`.

    Args:
        x: `(batch, time, D)`; h0: `(batch, H)`.
        kernel: `(D, 3H)`; recurrent_kernel: `(H, 3H)`, gates in Keras's order z, r, h.
        bias: `(2, 3H)` when `reset_after=True` (input row, recurrent row), else `(3H,)`.
        reset_after: where the reset gate is applied (Keras's default is True).

    Returns:
        hs: `(batch, time, H)`.
    """
    dtype = _check_recurrent(x, {"h0": h0}, kernel, recurrent_kernel, bias, gates=3,
                             bias_rows=2 if reset_after else 1)
    layer = _gru_layer(np.shape(x)[-1], kernel, recurrent_kernel, bias, reset_after, dtype)
    return np.asarray(layer(x, initial_state=[h0]))


@_outputs("h_t")
def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    """One step of `GRU`, either `reset_after` mode.

    Returns:
        h_t: `(batch, H)`.
    """
    return gru_forward(
        np.asarray(x_t)[:, None, :], h_prev, kernel, recurrent_kernel, bias, reset_after
    )[:, 0]


@_outputs("x", "h0", "kernel", "recurrent_kernel", "bias")
def gru_backward(x, h0, kernel, recurrent_kernel, bias, dhs, reset_after=True):
    """Gradients of `sum(hs * dhs)` for a GRU, by `tf.GradientTape`.

    Returns:
        dict with keys "x", "h0", "kernel", "recurrent_kernel", "bias".
    """
    dtype = _check_recurrent(x, {"h0": h0}, kernel, recurrent_kernel, bias, gates=3,
                             bias_rows=2 if reset_after else 1)
    layer = _gru_layer(np.shape(x)[-1], kernel, recurrent_kernel, bias, reset_after, dtype)
    d_x, (d_h0,), (d_k, d_rk, d_b) = layer_gradients(layer, x, [h0], dhs)
    return {"x": d_x, "h0": d_h0, "kernel": d_k, "recurrent_kernel": d_rk, "bias": d_b}


# --- Bidirectional, stacked, attention ---------------------------------------------------


@_outputs("hs")
def bidirectional_rnn_forward(x, forward_weights, backward_weights):
    """`Bidirectional(SimpleRNN(units, return_sequences=True))`, `merge_mode="concat"`.

    Args:
        x: `(batch, time, D)`.
        forward_weights, backward_weights: `(kernel, recurrent_kernel, bias)`
        tuples for each direction. Initial states are zero.

    Returns:
        hs: `(batch, time, 2H)`, forward states then backward states, both in time order.
    """
    _, keras = import_tensorflow()
    dtype = _dtype_of(x)
    units = np.shape(forward_weights[0])[1]
    layer = keras.layers.Bidirectional(
        keras.layers.SimpleRNN(units, return_sequences=True, dtype=dtype),
        merge_mode="concat",
        dtype=dtype,
    )
    _loaded(layer, (None, None, np.shape(x)[-1]), [*forward_weights, *backward_weights])
    return np.asarray(layer(x))


@_outputs("hs")
def stacked_rnn_forward(x, layers):
    """A `keras.Sequential` stack of `SimpleRNN(return_sequences=True)` layers.

    Args:
        x: `(batch, time, D)`.
        layers: list of `(kernel, recurrent_kernel, bias)`, bottom layer first.
        Initial states are zero.

    Returns:
        hs: the top layer's states, `(batch, time, H_top)`.
    """
    _, keras = import_tensorflow()
    dtype = _dtype_of(x)
    model = keras.Sequential(
        [keras.layers.SimpleRNN(np.shape(k)[1], return_sequences=True, dtype=dtype)
         for k, _, _ in layers]
    )
    model.build((None, None, np.shape(x)[-1]))
    model.set_weights([np.asarray(w) for weights in layers for w in weights])
    return np.asarray(model(x))


@_outputs("output")
def dot_product_attention(query, value, key=None):
    """`keras.layers.Attention()([query, value, key])`: Luong dot-product, no scaling.

    Args:
        query: `(batch, Tq, dim)`; value: `(batch, Tv, dim)`;
        key: `(batch, Tv, dim)` or None, in which case the value is the key.

    Returns:
        output: `(batch, Tq, dim)`, the attention-weighted sum of values.
    """
    _, keras = import_tensorflow()
    layer = keras.layers.Attention(dtype=_dtype_of(query))
    inputs = [query, value] if key is None else [query, value, key]
    return np.asarray(layer(inputs))


def attention_weights(query, value, key=None):
    """The attention distribution `keras.layers.Attention` computes, `(batch, Tq, Tv)`."""
    _, keras = import_tensorflow()
    layer = keras.layers.Attention(dtype=_dtype_of(query))
    inputs = [query, value] if key is None else [query, value, key]
    _, scores = layer(inputs, return_attention_scores=True)
    return np.asarray(scores)


# --- Language-model pieces: embedding, dense on sequences, masked sequence loss ---------


def _embedding_layer(embeddings):
    _, keras = import_tensorflow()
    vocab, dim = np.shape(embeddings)
    layer = keras.layers.Embedding(vocab, dim, dtype=_dtype_of(embeddings))
    return _loaded(layer, (None, None), (embeddings,))


def _require_ids(ids, vocab):
    _require_shape("ids", ids, (None, None))
    ids = np.asarray(ids)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"ids should be integers, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab):
        raise ValueError(f"ids should lie in range({vocab}), got {ids.min()}..{ids.max()}")


@_outputs("out")
def embedding_forward(ids, embeddings):
    """`keras.layers.Embedding(V, D)` with its `embeddings` matrix set.

    Args:
        ids: integer ids, shape `(batch, time)`, each in `range(V)`.
        embeddings: the layer's weight, shape `(V, D)`.

    Returns:
        out: row `ids[n, t]` of `embeddings` at `out[n, t]`, shape `(batch, time, D)`.
    """
    _require_ids(ids, np.shape(embeddings)[0])
    return np.asarray(_embedding_layer(embeddings)(np.asarray(ids)))


@_outputs("d_embeddings")
def embedding_backward(ids, embeddings, dout):
    """Gradient of `sum(embedding_forward(ids, embeddings) * dout)` by `tf.GradientTape`.

    Args:
        ids: `(batch, time)`; embeddings: `(V, D)`; dout: `(batch, time, D)`.

    Returns:
        d_embeddings: shape `(V, D)`, the sum of `dout[n, t]` over every position whose
        id is that row's.
    """
    tf, _ = import_tensorflow()
    _require_ids(ids, np.shape(embeddings)[0])
    _require_shape("dout", dout, np.shape(ids) + (np.shape(embeddings)[1],))
    layer = _embedding_layer(embeddings)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(np.asarray(ids)) * tf.constant(dout))
    (grad,) = tape.gradient(loss, layer.trainable_weights)
    return np.asarray(tf.convert_to_tensor(grad))    # Keras hands back IndexedSlices


def _dense_layer(x, kernel, bias):
    _, keras = import_tensorflow()
    _require_shape("x", x, (None, None, None))
    _require_shape("kernel", kernel, (np.shape(x)[-1], None))
    _require_shape("bias", bias, (np.shape(kernel)[1],))
    layer = keras.layers.Dense(np.shape(kernel)[1], dtype=_dtype_of(x))
    return _loaded(layer, (None, None, np.shape(x)[-1]), (kernel, bias))


@_outputs("out")
def dense_forward(x, kernel, bias):
    """`keras.layers.Dense(units)` (no activation) applied to a sequence, every step alike.

    Args:
        x: `(batch, time, D)`; kernel: `(D, units)`; bias: `(units,)`.

    Returns:
        out: `(batch, time, units)`.
    """
    return np.asarray(_dense_layer(x, kernel, bias)(x))


@_outputs("x", "kernel", "bias")
def dense_backward(x, kernel, bias, dout):
    """Gradients of `sum(dense_forward(x, kernel, bias) * dout)` by `tf.GradientTape`.

    Args:
        x: `(batch, time, D)`; kernel: `(D, units)`; bias: `(units,)`;
        dout: `(batch, time, units)`.

    Returns:
        dict with keys "x", "kernel", "bias", each shaped like that argument.
    """
    tf, _ = import_tensorflow()
    layer = _dense_layer(x, kernel, bias)
    _require_shape("dout", dout, np.shape(x)[:2] + (np.shape(kernel)[1],))
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x) * tf.constant(dout))
    d_x, d_kernel, d_bias = _numpy(tape.gradient(loss, [x, *layer.trainable_weights]))
    return {"x": d_x, "kernel": d_kernel, "bias": d_bias}


@_outputs("loss", "d_logits")
def temporal_softmax_loss(logits, y, mask):
    """Masked mean cross-entropy over a sequence, and its gradient.

    `keras.losses.SparseCategoricalCrossentropy(from_logits=True,
    reduction="mean_with_sample_weight")(y, logits, sample_weight=mask)`: the mean of
    `-log softmax(logits[n, t])[y[n, t]]` over the positions where `mask` is 1, and its
    gradient with respect to `logits` by `tf.GradientTape`.

    Args:
        logits: unnormalised scores, shape `(batch, time, V)`.
        y: the target ids, integers of shape `(batch, time)`.
        mask: 1.0 where a target counts, 0.0 at padding, shape `(batch, time)`.

    Returns:
        `(loss, d_logits)`: a scalar and an array shaped like `logits`.
    """
    tf, keras = import_tensorflow()
    _require_shape("logits", logits, (None, None, None))
    _require_ids(y, np.shape(logits)[-1])
    _require_shape("y", y, np.shape(logits)[:2])
    _require_shape("mask", mask, np.shape(logits)[:2])
    dtype = _dtype_of(logits)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="mean_with_sample_weight", dtype=dtype)
    logits = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = loss_fn(np.asarray(y), logits, sample_weight=tf.constant(mask, dtype=dtype))
    return np.asarray(loss), np.asarray(tape.gradient(loss, logits))


# --- The whole language model: embedding, SimpleRNN, dense, masked loss -------------

@_outputs("loss", "grads")
def lm_loss_and_grads(params, x, y, mask):
    """A character language model's masked loss and the gradient of every weight.

    The model is `Embedding(V, D)`, then `SimpleRNN(H, return_sequences=True)` from a
    zero state, then `Dense(V)` on every step; the loss is `temporal_softmax_loss`'s
    (`SparseCategoricalCrossentropy(from_logits=True,
    reduction="mean_with_sample_weight")` with `sample_weight=mask`). Gradients by
    `tf.GradientTape`.

    Args:
        params: dict of the weights: "embeddings" `(V, D)`, "kernel" `(D, H)`,
            "recurrent_kernel" `(H, H)`, "bias" `(H,)`, "output_kernel" `(H, V)`,
            "output_bias" `(V,)`.
        x: input ids, `(batch, time)`; y: target ids, `(batch, time)`;
        mask: 1.0 where a target counts, `(batch, time)`.

    Returns:
        `(loss, grads)`: a scalar, and a dict with the keys of `params`.
    """
    tf, keras = import_tensorflow()
    missing = [k for k in LM_PARAMS if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}")
    embedding = _embedding_layer(params["embeddings"])
    dtype = _dtype_of(params["embeddings"])
    units = np.shape(params["recurrent_kernel"])[0]
    rnn = _simple_rnn_layer(np.shape(params["embeddings"])[1], params["kernel"],
                            params["recurrent_kernel"], params["bias"], dtype)
    dense = _loaded(keras.layers.Dense(np.shape(params["output_kernel"])[1], dtype=dtype),
                    (None, None, units), (params["output_kernel"], params["output_bias"]))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction="mean_with_sample_weight", dtype=dtype)
    _require_ids(y, np.shape(params["output_kernel"])[1])
    weights = [embedding.embeddings, *rnn.trainable_weights, *dense.trainable_weights]
    with tf.GradientTape() as tape:
        logits = dense(rnn(embedding(np.asarray(x))))
        loss = loss_fn(np.asarray(y), logits, sample_weight=tf.constant(mask, dtype=dtype))
    grads = [np.asarray(tf.convert_to_tensor(g)) for g in tape.gradient(loss, weights)]
    return np.asarray(loss), dict(zip(LM_PARAMS, grads))
