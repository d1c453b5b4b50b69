# correct: vectorised (inputs projected in one einsum), upcast to float64, returns float64
import numpy as np


def gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
    x, h = np.asarray(x, np.float64), np.asarray(h0, np.float64)
    kernel = np.asarray(kernel, np.float64)
    recurrent_kernel = np.asarray(recurrent_kernel, np.float64)
    bias = np.asarray(bias, np.float64)
    units = h.shape[1]
    b_in = bias[0] if reset_after else bias
    b_rec = bias[1] if reset_after else np.zeros(3 * units)
    projected = np.einsum("btd,dg->btg", x, kernel) + b_in
    u_h = recurrent_kernel[:, 2 * units:]
    hs = np.empty((x.shape[0], x.shape[1], units))
    for t in range(x.shape[1]):
        xp = projected[:, t]
        hp = h @ recurrent_kernel + b_rec
        z = 1.0 / (1.0 + np.exp(-(xp[:, :units] + hp[:, :units])))
        r = 1.0 / (1.0 + np.exp(-(xp[:, units:2 * units] + hp[:, units:2 * units])))
        if reset_after:
            candidate = np.tanh(xp[:, 2 * units:] + r * hp[:, 2 * units:])
        else:
            candidate = np.tanh(xp[:, 2 * units:] + (r * h) @ u_h)
        h = z * h + (1.0 - z) * candidate
        hs[:, t] = h
    return hs
