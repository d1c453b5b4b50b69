# correct: one matmul on [x_t, h_prev] with the stacked weights, upcast to float64 and cast back
import numpy as np


def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    dtype = x_t.dtype
    inputs = np.concatenate([x_t, h_prev], axis=1).astype(np.float64)
    weights = np.concatenate([kernel, recurrent_kernel], axis=0).astype(np.float64)
    a = inputs @ weights + bias.astype(np.float64)
    return np.tanh(a).astype(dtype)
