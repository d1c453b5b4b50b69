# ruff: noqa
# Answered only the one-line cell, written the way everybody writes it; rnn_forward is
# left as released.

# %% rnn_cell_forward
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)
