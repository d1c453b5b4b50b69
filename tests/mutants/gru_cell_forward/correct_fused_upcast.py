# correct: two fused matmuls sliced by columns, upcast to float64 and cast back to the input dtype
import numpy as np


def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after=True):
    dtype = x_t.dtype
    x_t, h_prev = x_t.astype(np.float64), h_prev.astype(np.float64)
    kernel, recurrent_kernel = kernel.astype(np.float64), recurrent_kernel.astype(np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    units = h_prev.shape[1]
    zr, hh = slice(0, 2 * units), slice(2 * units, 3 * units)
    if bias.ndim == 2:
        x_part = x_t @ kernel + bias[0]
        h_part = h_prev @ recurrent_kernel + bias[1]
    else:
        x_part = x_t @ kernel + bias
        h_part = h_prev @ recurrent_kernel
    gates = 1.0 / (1.0 + np.exp(-(x_part[:, zr] + h_part[:, zr])))
    z, r = gates[:, :units], gates[:, units:]
    if reset_after:
        candidate = np.tanh(x_part[:, hh] + r * h_part[:, hh])
    else:
        candidate = np.tanh(x_part[:, hh] + (r * h_prev) @ recurrent_kernel[:, hh])
    return (z * h_prev + (1.0 - z) * candidate).astype(dtype)
