# correct: time in the outer loop, layers in the inner one (a state per layer), float32
import numpy as np


def stacked_rnn_forward(x, layers):
    states = [np.zeros((x.shape[0], k.shape[1]), dtype=x.dtype) for k, _, _ in layers]
    outputs = []
    for t in range(x.shape[1]):
        inp = x[:, t]
        for k, (kernel, recurrent_kernel, bias) in enumerate(layers):
            states[k] = np.tanh(inp @ kernel + states[k] @ recurrent_kernel + bias)
            inp = states[k]
        outputs.append(inp)
    return np.stack(outputs, axis=1)
