# wrong: sigmoid instead of tanh as the activation
import numpy as np


def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    return 1.0 / (1.0 + np.exp(-(x_t @ kernel + h_prev @ recurrent_kernel + bias)))
