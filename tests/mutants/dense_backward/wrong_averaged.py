# wrong: divides the weight gradients by the number of positions (a mean, not a sum)
def dense_backward(x, kernel, bias, dout):
    batch, time, dim = x.shape
    flat_x = x.reshape(batch * time, dim)
    flat_dout = dout.reshape(batch * time, -1)
    return {"x": dout @ kernel.T, "kernel": flat_x.T @ flat_dout / (batch * time),
            "bias": flat_dout.mean(axis=0)}
