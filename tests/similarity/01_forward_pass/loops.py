# ruff: noqa
# Independent: explicit loop over time, built from the cell (tests/mutants correct_one_line,
# correct_looped).

# %% rnn_cell_forward
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)

# %% rnn_forward
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = rnn_cell_forward(x[:, t], h, kernel, recurrent_kernel, bias)
        hs.append(h)
    return np.stack(hs, axis=1)
