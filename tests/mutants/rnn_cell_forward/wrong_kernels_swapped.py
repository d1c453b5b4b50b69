# wrong: kernel and recurrent_kernel swapped (only runs when D == H)
import numpy as np


def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    return np.tanh(x_t @ recurrent_kernel + h_prev @ kernel + bias)
