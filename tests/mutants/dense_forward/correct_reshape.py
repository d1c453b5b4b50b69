# correct: flatten batch and time, multiply, restore the shape
def dense_forward(x, kernel, bias):
    batch, time, dim = x.shape
    out = x.reshape(batch * time, dim) @ kernel + bias
    return out.reshape(batch, time, kernel.shape[1])
