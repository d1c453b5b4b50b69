# wrong: the derivative of tanh(c_t) is missing in dc: dc += dh * o, without (1 - tanh(c_t)**2)
import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_backward(x, h0, c0, kernel, recurrent_kernel, bias, dhs):
    H = h0.shape[1]
    h, c = h0, c0
    caches = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i = _sigmoid(z[:, :H])
        f = _sigmoid(z[:, H:2 * H])
        g = np.tanh(z[:, 2 * H:3 * H])
        o = _sigmoid(z[:, 3 * H:])
        h_prev, c_prev = h, c
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        caches.append((h_prev, c_prev, i, f, g, o, tanh_c))
    d_x = np.zeros_like(x)
    d_kernel = np.zeros_like(kernel)
    d_recurrent = np.zeros_like(recurrent_kernel)
    d_bias = np.zeros_like(bias)
    dh_next = np.zeros_like(h0)
    dc_next = np.zeros_like(c0)
    for t in reversed(range(x.shape[1])):
        h_prev, c_prev, i, f, g, o, tanh_c = caches[t]
        dh = dhs[:, t] + dh_next
        dc = dc_next + dh * o
        do = dh * tanh_c * o * (1.0 - o)
        di = dc * g * i * (1.0 - i)
        df = dc * c_prev * f * (1.0 - f)
        dg = dc * i * (1.0 - g ** 2)
        dz = np.concatenate([di, df, dg, do], axis=1)
        d_kernel += x[:, t].T @ dz
        d_recurrent += h_prev.T @ dz
        d_bias += dz.sum(axis=0)
        d_x[:, t] = dz @ kernel.T
        dh_next = dz @ recurrent_kernel.T
        dc_next = dc * f
    return {"x": d_x, "h0": dh_next, "c0": dc_next, "kernel": d_kernel,
            "recurrent_kernel": d_recurrent, "bias": d_bias}
