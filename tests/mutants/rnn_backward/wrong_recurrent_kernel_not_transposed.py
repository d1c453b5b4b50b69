# wrong: the gradient flows back through recurrent_kernel without a transpose
import numpy as np


def rnn_backward(x, h0, kernel, recurrent_kernel, bias, dhs):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    hs = np.stack(hs, axis=1)
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
        dh_next = da @ recurrent_kernel
    return {"x": d_x, "h0": dh_next, "kernel": d_kernel,
            "recurrent_kernel": d_recurrent, "bias": d_bias}
