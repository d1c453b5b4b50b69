# wrong: the backward states (from x[:, ::-1]) are not flipped back into time order
import numpy as np


def _direction(x, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], kernel.shape[1]), dtype=x.dtype)
    hs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    return np.stack(hs, axis=1)


def bidirectional_rnn_forward(x, forward_weights, backward_weights):
    forward = _direction(x, *forward_weights)
    backward = _direction(x[:, ::-1], *backward_weights)
    return np.concatenate([forward, backward], axis=-1)
