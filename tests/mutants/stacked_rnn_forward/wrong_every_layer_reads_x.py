# wrong: every layer reads the input x instead of the previous layer's states
import numpy as np


def _layer(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs, axis=1)


def stacked_rnn_forward(x, layers):
    hs = x
    for kernel, recurrent_kernel, bias in layers:
        h0 = np.zeros((x.shape[0], kernel.shape[1]), dtype=x.dtype)
        hs = _layer(x, h0, kernel, recurrent_kernel, bias)
    return hs
