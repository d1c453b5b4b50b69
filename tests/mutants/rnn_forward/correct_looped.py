# correct: looped, one step at a time, computed in the input dtype
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs, axis=1)
