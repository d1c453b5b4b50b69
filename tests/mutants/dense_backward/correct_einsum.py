# correct: einsum over the batch and time axes
import numpy as np


def dense_backward(x, kernel, bias, dout):
    return {
        "x": np.einsum("ntu,du->ntd", dout, kernel),
        "kernel": np.einsum("ntd,ntu->du", x, dout),
        "bias": np.einsum("ntu->u", dout),
    }
