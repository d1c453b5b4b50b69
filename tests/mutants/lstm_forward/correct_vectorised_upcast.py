# correct: vectorised (inputs projected in one einsum), upcast to float64, cast back to input dtype
import numpy as np


def lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias):
    dtype = x.dtype
    x, h, c = x.astype(np.float64), h0.astype(np.float64), c0.astype(np.float64)
    kernel = kernel.astype(np.float64)
    recurrent_kernel = recurrent_kernel.astype(np.float64)
    projected = np.einsum("btd,dg->btg", x, kernel) + bias.astype(np.float64)
    units = h.shape[1]
    hs = np.empty((x.shape[0], x.shape[1], units))
    for t in range(x.shape[1]):
        a = projected[:, t] + h @ recurrent_kernel
        i = 1.0 / (1.0 + np.exp(-a[:, :units]))
        f = 1.0 / (1.0 + np.exp(-a[:, units:2 * units]))
        g = np.tanh(a[:, 2 * units:3 * units])
        o = 1.0 / (1.0 + np.exp(-a[:, 3 * units:]))
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[:, t] = h
    return hs.astype(dtype), h.astype(dtype), c.astype(dtype)
