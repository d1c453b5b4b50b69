# correct: einsum with explicit indices
import numpy as np


def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    a = np.einsum("bd,dh->bh", x_t, kernel) + np.einsum("bk,kh->bh", h_prev, recurrent_kernel)
    return np.tanh(a + bias[None, :])
