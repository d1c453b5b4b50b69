# wrong: dx uses the kernel itself instead of its transpose
def dense_backward(x, kernel, bias, dout):
    batch, time, dim = x.shape
    flat_x = x.reshape(batch * time, dim)
    flat_dout = dout.reshape(batch * time, -1)
    return {"x": dout @ kernel, "kernel": flat_x.T @ flat_dout, "bias": flat_dout.sum(axis=0)}
