# wrong: the top layer returns only its last state (return_sequences=False) instead of every state
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
        hs = _layer(hs, h0, kernel, recurrent_kernel, bias)
    return hs[:, -1]
