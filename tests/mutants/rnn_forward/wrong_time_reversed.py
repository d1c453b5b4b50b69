# wrong: reads the sequence backwards (iterates over x along the wrong end of the time axis)
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in reversed(range(x.shape[1])):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs[::-1], axis=1)
