# correct: upcast to float64, loop over a time-major copy, transpose back and cast to the input dtype
import numpy as np


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    dtype = x.dtype
    xs = np.transpose(x, (1, 0, 2)).astype(np.float64)  # (time, batch, D)
    K, U, b = (w.astype(np.float64) for w in (kernel, recurrent_kernel, bias))
    h = h0.astype(np.float64)
    out = []
    for x_t in xs:
        h = np.tanh(x_t @ K + h @ U + b)
        out.append(h)
    return np.transpose(np.array(out), (1, 0, 2)).astype(dtype)
