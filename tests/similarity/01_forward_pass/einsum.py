# ruff: noqa
# Independent: einsum, and a loop over a time-major float64 copy
# (tests/mutants correct_einsum, correct_upcast_time_major).

# %% rnn_cell_forward
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    a = np.einsum("bd,dh->bh", x_t, kernel) + np.einsum("bk,kh->bh", h_prev, recurrent_kernel)
    return np.tanh(a + bias[None, :])

# %% rnn_forward
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
