# correct: one fused matmul split with np.split, computed in the input dtype (float32 stays float32)
import numpy as np


def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    a = x_t @ kernel + h_prev @ recurrent_kernel + bias
    a_i, a_f, a_c, a_o = np.split(a, 4, axis=1)
    i = 1.0 / (1.0 + np.exp(-a_i))
    f = 1.0 / (1.0 + np.exp(-a_f))
    o = 1.0 / (1.0 + np.exp(-a_o))
    c_t = f * c_prev + i * np.tanh(a_c)
    h_t = o * np.tanh(c_t)
    return h_t, c_t
