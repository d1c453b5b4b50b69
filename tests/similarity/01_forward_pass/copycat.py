# ruff: noqa
# ada's answer: variables renamed, functions reordered, comments changed.

# %% rnn_cell_forward
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    # z = x W + h U, plus b
    z = np.dot(x_t, kernel) + np.dot(h_prev, recurrent_kernel)
    z = z + bias
    return np.tanh(z)

# %% rnn_forward
def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    # unroll the cell over time
    hidden = loop(lambda inp, prev: rnn_cell_forward(inp, prev, kernel, recurrent_kernel, bias),
                  h0, split_time(x))
    return np.stack(hidden, axis=1)


def loop(cell, h, seq):
    result = []
    for item in seq:
        h = cell(item, h)
        result.append(h)
    return result


def split_time(inputs):
    # slice along axis 1
    return [inputs[:, i, :] for i in range(inputs.shape[1])]
