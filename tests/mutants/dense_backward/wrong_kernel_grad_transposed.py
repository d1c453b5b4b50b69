# wrong: the kernel gradient is dout^T x, shaped (units, D) instead of (D, units)
def dense_backward(x, kernel, bias, dout):
    batch, time, dim = x.shape
    flat_x = x.reshape(batch * time, dim)
    flat_dout = dout.reshape(batch * time, -1)
    return {"x": dout @ kernel.T, "kernel": flat_dout.T @ flat_x, "bias": flat_dout.sum(axis=0)}
