# ruff: noqa
# Independent: explicit loops, accumulating every gradient step by step
# (tests/mutants correct_looped, forward pass from the given cell).

# %% rnn_backward
def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    hs = rnn_forward(x, h0, kernel, recurrent_kernel, bias)
    d_x = np.zeros_like(x)
    d_kernel = np.zeros_like(kernel)
    d_recurrent = np.zeros_like(recurrent_kernel)
    d_bias = np.zeros_like(bias)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        h_prev = hs[:, t - 1] if t > 0 else h0
        da = (dhs[:, t] + dh_next) * (1.0 - hs[:, t] ** 2)
        d_kernel += x[:, t].T @ da
        d_recurrent += h_prev.T @ da
        d_bias += da.sum(axis=0)
        d_x[:, t] = da @ kernel.T
        dh_next = da @ recurrent_kernel.T
    return {"x": d_x, "h0": dh_next, "kernel": d_kernel,
            "recurrent_kernel": d_recurrent, "bias": d_bias}

# %% clip_by_global_norm
def clip_by_global_norm(grads, clip_norm):
    total = 0.0
    for g in grads:
        total += np.sum(g * g)
    global_norm = np.sqrt(total)
    scale = clip_norm / max(global_norm, clip_norm)
    return [g * scale for g in grads], global_norm
