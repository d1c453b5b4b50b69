# ruff: noqa
# ada's answer: variables renamed, functions reordered, comments changed.

# %% rnn_backward
def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    states = rnn_forward(x, h0, kernel, recurrent_kernel, bias)
    shifted = np.concatenate([h0[:, None, :], states[:, :-1, :]], axis=1)
    acc = {"kernel": np.zeros_like(kernel),
           "recurrent_kernel": np.zeros_like(recurrent_kernel),
           "bias": np.zeros_like(bias)}
    grad_x = np.zeros_like(x)
    g_h = np.zeros_like(h0)
    # backpropagation through time: last step first
    for i in range(x.shape[1] - 1, -1, -1):
        g_a = dtanh(dhs[:, i, :] + g_h, states[:, i, :])
        grads_i = backward_one_step(g_a, x[:, i, :], shifted[:, i, :], kernel, recurrent_kernel)
        for key in acc:
            acc[key] = acc[key] + grads_i[key]
        grad_x[:, i, :] = grads_i["x_t"]
        g_h = grads_i["h_prev"]
    return dict(acc, x=grad_x, h0=g_h)


def backward_one_step(g_a, inp, prev, W, U):
    # chain rule for a = inp W + prev U + b
    return {
        "x_t": g_a @ W.T,
        "kernel": inp.T @ g_a,
        "recurrent_kernel": prev.T @ g_a,
        "bias": np.sum(g_a, axis=0),
        "h_prev": g_a @ U.T,
    }


def dtanh(upstream, y):
    # d tanh(a) / da = 1 - tanh(a)^2
    return upstream * (1.0 - np.square(y))

# %% clip_by_global_norm
def clip_by_global_norm(grads, clip_norm):
    norm = float(np.sqrt(sum(sq(t) for t in grads)))
    if norm > clip_norm:
        ratio = clip_norm / norm
        return [t * ratio for t in grads], norm
    return list(grads), norm


def sq(a):
    # squared L2 norm of one array
    v = np.asarray(a).reshape(-1)
    return float(v @ v)
