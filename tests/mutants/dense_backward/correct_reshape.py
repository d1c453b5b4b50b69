# correct: flatten batch and time, then the 2-D formulas
def dense_backward(x, kernel, bias, dout):
    batch, time, dim = x.shape
    flat_x = x.reshape(batch * time, dim)
    flat_dout = dout.reshape(batch * time, kernel.shape[1])
    return {"x": dout @ kernel.T, "kernel": flat_x.T @ flat_dout,
            "bias": flat_dout.sum(axis=0)}
