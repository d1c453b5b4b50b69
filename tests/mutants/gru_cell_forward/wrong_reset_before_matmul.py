# wrong: with reset_after=True the reset is applied before the matmul, (r * h_prev) @ U_h + b'_h
import numpy as np


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    if reset_after:
        b_in, b_rec = bias[0], bias[1]
    else:
        b_in, b_rec = bias, np.zeros_like(bias)
    w_z, w_r, w_h = np.split(kernel, 3, axis=-1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=-1)
    b_z, b_r, b_h = np.split(b_in, 3, axis=-1)
    c_z, c_r, c_h = np.split(b_rec, 3, axis=-1)
    z = _sigmoid(x_t @ w_z + b_z + h_prev @ u_z + c_z)
    r = _sigmoid(x_t @ w_r + b_r + h_prev @ u_r + c_r)
    if reset_after:
        candidate = np.tanh(x_t @ w_h + b_h + (r * h_prev) @ u_h + c_h)
    else:
        candidate = np.tanh(x_t @ w_h + b_h + (r * h_prev) @ u_h)
    return z * h_prev + (1.0 - z) * candidate
