# ruff: noqa
# Independent: everything in float64 with stored pre-activations and a dict of gradients;
# per-array norms combined (tests/mutants correct_upcast_float64,
# correct_per_tensor_norms_combined).

# %% rnn_backward
def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    dtype = x.dtype
    x64, h064, K, U, b, dhs64 = (np.asarray(a, dtype=np.float64)
                                 for a in (x, h0, kernel, recurrent_kernel, bias, dhs))
    T = x64.shape[1]
    states = [h064]  # states[t] is h_{t-1} for step t
    pre = []
    for t in range(T):
        a = x64[:, t] @ K + states[-1] @ U + b
        pre.append(a)
        states.append(np.tanh(a))
    grads = {"x": np.zeros_like(x64), "kernel": np.zeros_like(K),
             "recurrent_kernel": np.zeros_like(U), "bias": np.zeros_like(b)}
    carry = np.zeros_like(h064)
    for t in range(T - 1, -1, -1):
        da = (dhs64[:, t] + carry) * (1.0 - np.tanh(pre[t]) ** 2)
        grads["x"][:, t] = da @ K.T
        grads["kernel"] = grads["kernel"] + x64[:, t].T @ da
        grads["recurrent_kernel"] = grads["recurrent_kernel"] + states[t].T @ da
        grads["bias"] = grads["bias"] + da.sum(axis=0)
        carry = da @ U.T
    grads["h0"] = carry
    return {name: value.astype(dtype) for name, value in grads.items()}

# %% clip_by_global_norm
def clip_by_global_norm(grads, clip_norm):
    norms = [np.linalg.norm(np.ravel(g)) for g in grads]
    global_norm = np.sqrt(np.sum(np.square(norms)))
    scale = np.minimum(1.0, clip_norm / global_norm)
    return [g * scale for g in grads], global_norm
