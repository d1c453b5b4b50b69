# correct: per-gate slices of the weights, upcast to float64, results returned in float64
import numpy as np


def _sigmoid(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, c_prev = (np.asarray(v, dtype=np.float64) for v in (x_t, h_prev, c_prev))
    kernel = np.asarray(kernel, dtype=np.float64)
    recurrent_kernel = np.asarray(recurrent_kernel, dtype=np.float64)
    bias = np.asarray(bias, dtype=np.float64)
    units = h_prev.shape[1]

    def block(k):
        cols = slice(k * units, (k + 1) * units)
        return x_t @ kernel[:, cols] + h_prev @ recurrent_kernel[:, cols] + bias[cols]

    i, f, g, o = _sigmoid(block(0)), _sigmoid(block(1)), np.tanh(block(2)), _sigmoid(block(3))
    c_t = f * c_prev + i * g
    h_t = o * np.tanh(c_t)
    return h_t, c_t
