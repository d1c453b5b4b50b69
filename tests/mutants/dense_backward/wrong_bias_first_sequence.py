# wrong: the bias gradient sums over time but only for the first sequence
def dense_backward(x, kernel, bias, dout):
    batch, time, dim = x.shape
    flat_x = x.reshape(batch * time, dim)
    flat_dout = dout.reshape(batch * time, -1)
    return {"x": dout @ kernel.T, "kernel": flat_x.T @ flat_dout, "bias": dout[0].sum(axis=0)}
