# wrong: with reset_after=True the reset is applied before the matmul, (r * h_prev) @ U_h + b'_h
import numpy as np


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def _gru_step(x_t, h, kernel, recurrent_kernel, bias, reset_after):
    if reset_after:
        b_in, b_rec = bias[0], bias[1]
    else:
        b_in, b_rec = bias, np.zeros_like(bias)
    x_z, x_r, x_h = np.split(x_t @ kernel + b_in, 3, axis=-1)
    h_z, h_r, h_h = np.split(h @ recurrent_kernel + b_rec, 3, axis=-1)
    u_h = recurrent_kernel[:, 2 * h.shape[1]:]
    z = _sigmoid(x_z + h_z)
    r = _sigmoid(x_r + h_r)
    if reset_after:
        candidate = np.tanh(x_h + (r * h) @ u_h + b_rec[2 * h.shape[1]:])
    else:
        candidate = np.tanh(x_h + (r * h) @ u_h)
    return z * h + (1.0 - z) * candidate


def gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
    h = h0
    hs = []
    for t in range(x.shape[1]):
        h = _gru_step(x[:, t], h, kernel, recurrent_kernel, bias, reset_after)
        hs.append(h)
    return np.stack(hs, axis=1)
