# correct: backward loop over reversed(range(time)), each state stored at its step (no flips)
import numpy as np


def bidirectional_rnn_forward(x, forward_weights, backward_weights):
    batch, time, _ = x.shape
    units = forward_weights[0].shape[1]
    hs = np.zeros((batch, time, 2 * units), dtype=x.dtype)
    kernel, recurrent_kernel, bias = forward_weights
    h = np.zeros((batch, units), dtype=x.dtype)
    for t in range(time):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs[:, t, :units] = h
    kernel, recurrent_kernel, bias = backward_weights
    h = np.zeros((batch, units), dtype=x.dtype)
    for t in reversed(range(time)):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs[:, t, units:] = h
    return hs
