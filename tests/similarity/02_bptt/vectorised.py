# ruff: noqa
# Independent: only the recurrence is looped, the weight gradients are one einsum each;
# the norm of every array flattened into one vector
# (tests/mutants correct_vectorised_einsum, correct_concatenated_float64).

# %% rnn_backward
def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    steps = x.shape[1]
    projected = x @ kernel + bias
    hs = np.empty(projected.shape, dtype=projected.dtype)
    h = h0
    for t in range(steps):
        h = hs[:, t] = np.tanh(projected[:, t] + h @ recurrent_kernel)
    h_prevs = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # h_{t-1} for every t
    das = np.empty_like(hs)
    dh_next = np.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        das[:, t] = (dhs[:, t] + dh_next) * (1.0 - hs[:, t] * hs[:, t])
        dh_next = das[:, t] @ recurrent_kernel.T
    return {
        "x": das @ kernel.T,
        "h0": dh_next,
        "kernel": np.einsum("btd,bth->dh", x, das),
        "recurrent_kernel": np.einsum("btk,bth->kh", h_prevs, das),
        "bias": das.sum(axis=(0, 1)),
    }

# %% clip_by_global_norm
def clip_by_global_norm(grads, clip_norm):
    flat = np.concatenate([np.ravel(g).astype(np.float64) for g in grads])
    global_norm = float(np.linalg.norm(flat))
    if global_norm <= clip_norm:
        return [np.array(g, copy=True) for g in grads], global_norm
    return [(g * (clip_norm / global_norm)).astype(g.dtype) for g in grads], global_norm
