# wrong: h_t = o * c_t, without the tanh of the cell
import numpy as np


def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    a = x_t @ kernel + h_prev @ recurrent_kernel + bias
    a_i, a_f, a_c, a_o = np.split(a, 4, axis=1)
    i = 1.0 / (1.0 + np.exp(-a_i))
    f = 1.0 / (1.0 + np.exp(-(a_f)))
    o = 1.0 / (1.0 + np.exp(-a_o))
    g = np.tanh(a_c)
    c_t = f * c_prev + i * g
    h_t = o * c_t
    return h_t, c_t
