# correct: vectorised (input projections precomputed in one matmul), float32-preserving
import numpy as np


def gru_forward(x, h0, kernel, recurrent_kernel, bias, reset_after=True):
    batch, time, _ = x.shape
    units = h0.shape[1]
    if reset_after:
        input_bias, recurrent_bias = bias
    else:
        input_bias, recurrent_bias = bias, 0.0
    projected = (x.reshape(batch * time, -1) @ kernel + input_bias).reshape(batch, time, 3, units)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=1)
    hs = np.empty((batch, time, units), dtype=np.result_type(x, kernel, h0))
    h = h0
    for t in range(time):
        x_z, x_r, x_h = projected[:, t, 0], projected[:, t, 1], projected[:, t, 2]
        rec = (h @ recurrent_kernel + recurrent_bias).reshape(batch, 3, units)
        z = 0.5 + 0.5 * np.tanh(0.5 * (x_z + rec[:, 0]))
        r = 0.5 + 0.5 * np.tanh(0.5 * (x_r + rec[:, 1]))
        if reset_after:
            candidate = np.tanh(x_h + r * rec[:, 2])
        else:
            candidate = np.tanh(x_h + (r * h) @ u_h)
        h = z * h + (1.0 - z) * candidate
        hs[:, t] = h
    return hs
