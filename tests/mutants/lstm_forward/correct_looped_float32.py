# correct: looped over a private step function, computed in the input dtype
import numpy as np


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def _lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    a = x_t @ kernel + h @ recurrent_kernel + bias
    a_i, a_f, a_c, a_o = np.split(a, 4, axis=1)
    c = _sigmoid(a_f) * c + _sigmoid(a_i) * np.tanh(a_c)
    h = _sigmoid(a_o) * np.tanh(c)
    return h, c


def lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias):
    h, c = h0, c0
    hs = []
    for t in range(x.shape[1]):
        h, c = _lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        hs.append(h)
    return np.stack(hs, axis=1), h, c
