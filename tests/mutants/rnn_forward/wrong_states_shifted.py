# wrong: off by one, returns h0 .. h_{T-1} (the state before each input) instead of h1 .. h_T
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in range(x.shape[1]):
        hs.append(h)
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
    return np.stack(hs, axis=1)
