# ruff: noqa
# Independent: stacked weights, one projection of every input, preallocated output
# (tests/mutants correct_concatenated_upcast, correct_vectorised_projection).

# %% rnn_cell_forward
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    dtype = x_t.dtype
    inputs = np.concatenate([x_t, h_prev], axis=1).astype(np.float64)
    weights = np.concatenate([kernel, recurrent_kernel], axis=0).astype(np.float64)
    a = inputs @ weights + bias.astype(np.float64)
    return np.tanh(a).astype(dtype)

# %% rnn_forward
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    projected = x @ kernel + bias  # (batch, time, H)
    hs = np.empty(projected.shape, dtype=projected.dtype)
    h = h0
    for t in range(x.shape[1]):
        h = np.tanh(projected[:, t] + h @ recurrent_kernel)
        hs[:, t] = h
    return hs
