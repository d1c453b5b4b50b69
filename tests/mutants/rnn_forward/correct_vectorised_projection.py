# correct: vectorised input projection (one matmul for all steps), preallocated output
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    projected = x @ kernel + bias  # (batch, time, H)
    hs = np.empty(projected.shape, dtype=projected.dtype)
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(projected[:, t] + h @ recurrent_kernel)
        hs[:, t] = h
    return hs
