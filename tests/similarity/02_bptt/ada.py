# ruff: noqa
# Original answer, helper-function style.

# %% rnn_backward
def _tanh_backward(grad_out, out):
    """Gradient through tanh, given its output."""
    return grad_out * (1.0 - np.square(out))


def _step_backward(da, x_t, h_prev, kernel, recurrent_kernel):
    """The gradients of one step, from the gradient of its pre-activation."""
    return {
        "x_t": da @ kernel.T,
        "kernel": x_t.T @ da,
        "recurrent_kernel": h_prev.T @ da,
        "bias": np.sum(da, axis=0),
        "h_prev": da @ recurrent_kernel.T,
    }


def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    hs = rnn_forward(x, h0, kernel, recurrent_kernel, bias)
    previous = np.concatenate([h0[:, None, :], hs[:, :-1, :]], axis=1)
    total = {"kernel": np.zeros_like(kernel),
             "recurrent_kernel": np.zeros_like(recurrent_kernel),
             "bias": np.zeros_like(bias)}
    dx = np.zeros_like(x)
    carried = np.zeros_like(h0)
    # walk back in time, carrying the state gradient
    for t in range(x.shape[1] - 1, -1, -1):
        da = _tanh_backward(dhs[:, t, :] + carried, hs[:, t, :])
        step = _step_backward(da, x[:, t, :], previous[:, t, :], kernel, recurrent_kernel)
        for name in total:
            total[name] = total[name] + step[name]
        dx[:, t, :] = step["x_t"]
        carried = step["h_prev"]
    return dict(total, x=dx, h0=carried)

# %% clip_by_global_norm
def _squared_norm(array):
    flat = np.asarray(array).reshape(-1)
    return float(flat @ flat)


def clip_by_global_norm(grads, clip_norm):
    global_norm = float(np.sqrt(sum(_squared_norm(g) for g in grads)))
    if global_norm > clip_norm:
        factor = clip_norm / global_norm
        return [g * factor for g in grads], global_norm
    return list(grads), global_norm
