# ruff: noqa
# Original answer, helper-function style.

# %% rnn_cell_forward
def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    # input part plus recurrent part, then the bias
    pre_activation = np.dot(x_t, kernel) + np.dot(h_prev, recurrent_kernel)
    pre_activation = pre_activation + bias
    return np.tanh(pre_activation)

# %% rnn_forward
def _time_steps(x):
    """The inputs one time step at a time."""
    return [x[:, step, :] for step in range(x.shape[1])]


def _run(step_fn, state, inputs):
    outputs = []
    for x_t in inputs:
        state = step_fn(x_t, state)
        outputs.append(state)
    return outputs


def rnn_forward(x, h0, kernel, recurrent_kernel, bias):
    states = _run(lambda x_t, h: rnn_cell_forward(x_t, h, kernel, recurrent_kernel, bias),
                  h0, _time_steps(x))
    return np.stack(states, axis=1)
