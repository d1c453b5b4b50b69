# wrong: multiplies by the transposed kernel (right shape only when D == units)
def dense_forward(x, kernel, bias):
    return x @ kernel.T + bias
