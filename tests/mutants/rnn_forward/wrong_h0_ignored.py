# wrong: starts from a zero state instead of h0
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h = np.zeros_like(h0)
    hs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs, axis=1)
