# wrong: forgets the bias
def dense_forward(x, kernel, bias):
    return x @ kernel
