# correct: vectorised input projection per layer, computed (and returned) in float64
import numpy as np


def stacked_rnn_forward(x, layers):
    hs = np.asarray(x, dtype=np.float64)
    batch, time, _ = hs.shape
    for weights in layers:
        kernel, recurrent_kernel, bias = (np.asarray(w, dtype=np.float64) for w in weights)
        projected = np.einsum("btd,dh->bth", hs, kernel) + bias
        hs = np.empty((batch, time, kernel.shape[1]))
        h = np.zeros((batch, kernel.shape[1]))
        for t in range(time):
            h = hs[:, t] = np.tanh(projected[:, t] + h @ recurrent_kernel)
    return hs
