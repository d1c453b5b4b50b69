# correct: vectorised input projection, computed (and returned) in float64
import numpy as np


def bidirectional_rnn_forward(x, forward_weights, backward_weights):
    x = np.asarray(x, dtype=np.float64)
    batch, time, _ = x.shape
    halves = []
    for weights, sequence in ((forward_weights, x), (backward_weights, np.flip(x, axis=1))):
        kernel, recurrent_kernel, bias = (np.asarray(w, dtype=np.float64) for w in weights)
        projected = np.einsum("btd,dh->bth", sequence, kernel) + bias
        hs = np.empty((batch, time, kernel.shape[1]))
        h = np.zeros((batch, kernel.shape[1]))
        for t in range(time):
            h = hs[:, t] = np.tanh(projected[:, t] + h @ recurrent_kernel)
        halves.append(hs)
    return np.concatenate([halves[0], np.flip(halves[1], axis=1)], axis=2)
