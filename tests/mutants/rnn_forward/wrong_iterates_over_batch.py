# wrong: treats axis 0 as time (time-major input habit from other frameworks)
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for x_t in x:  # x_t is one example (time, D), not one time step
        h = np.tanh(x_t @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs, axis=1)
