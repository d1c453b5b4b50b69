# correct: one matmul over the last axis, broadcasting over batch and time
def dense_forward(x, kernel, bias):
    return x @ kernel + bias
