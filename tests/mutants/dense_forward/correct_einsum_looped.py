# correct: one einsum per time step, stacked along axis 1
import numpy as np


def dense_forward(x, kernel, bias):
    steps = [np.einsum("nd,du->nu", x[:, t], kernel) + bias for t in range(x.shape[1])]
    return np.stack(steps, axis=1)
