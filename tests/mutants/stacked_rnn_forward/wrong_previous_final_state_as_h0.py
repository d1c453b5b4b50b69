# wrong: each layer starts from the previous layer's final state instead of a zero state
import numpy as np


def _layer(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs, axis=1)


def stacked_rnn_forward(x, layers):
    hs = x
    h0 = np.zeros((x.shape[0], layers[0][0].shape[1]), dtype=x.dtype)
    for kernel, recurrent_kernel, bias in layers:
        hs = _layer(hs, h0, kernel, recurrent_kernel, bias)
        h0 = hs[:, -1]
    return hs
