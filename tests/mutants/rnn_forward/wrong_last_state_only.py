# wrong: returns only the last state (return_sequences=False) instead of every state
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
    return h
