# correct: vectorised (input projections precomputed with one matmul), float32-preserving
import numpy as np


def lstm_forward(x, h0, c0, kernel, recurrent_kernel, bias):
    batch, time, _ = x.shape
    projected = (x.reshape(batch * time, -1) @ kernel + bias).reshape(batch, time, -1)
    h, c = h0, c0
    hs = np.empty((batch, time, h0.shape[1]), dtype=np.result_type(x, kernel, h0))
    for t in range(time):
        i, f, g, o = np.split(projected[:, t] + h @ recurrent_kernel, 4, axis=-1)
        c = c * (1.0 / (1.0 + np.exp(-f))) + np.tanh(g) / (1.0 + np.exp(-i))
        h = np.tanh(c) / (1.0 + np.exp(-o))
        hs[:, t] = h
    return hs, hs[:, -1], c
