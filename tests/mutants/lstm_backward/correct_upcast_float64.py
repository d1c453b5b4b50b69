# correct: upcast to float64, keep whole-sequence arrays of gates and states, per-gate weight blocks by slice assignment, cast back
import numpy as np


def lstm_backward(x, h0, c0, kernel, recurrent_kernel, bias, dhs):
    dtype = x.dtype
    X, h_init, c_init, W, U, b, dH = (np.asarray(a, dtype=np.float64)
                                      for a in (x, h0, c0, kernel, recurrent_kernel, bias, dhs))
    batch, T, _ = X.shape
    H = h_init.shape[1]
    hs = np.zeros((batch, T + 1, H))  # hs[:, t] is h_{t-1} for step t
    cs = np.zeros((batch, T + 1, H))
    hs[:, 0], cs[:, 0] = h_init, c_init
    gates = np.zeros((batch, T, 4, H))  # activated i, f, g, o
    for t in range(T):
        a = (X[:, t] @ W + hs[:, t] @ U + b).reshape(batch, 4, H)
        gates[:, t, [0, 1, 3]] = 0.5 * (1.0 + np.tanh(0.5 * a[:, [0, 1, 3]]))
        gates[:, t, 2] = np.tanh(a[:, 2])
        cs[:, t + 1] = gates[:, t, 1] * cs[:, t] + gates[:, t, 0] * gates[:, t, 2]
        hs[:, t + 1] = gates[:, t, 3] * np.tanh(cs[:, t + 1])

    dX = np.zeros_like(X)
    dW = np.zeros_like(W)
    dU = np.zeros_like(U)
    db = np.zeros_like(b)
    carry_h = np.zeros((batch, H))
    carry_c = np.zeros((batch, H))
    for t in range(T - 1, -1, -1):
        ig, fg, gg, og = (gates[:, t, k] for k in range(4))
        tc = np.tanh(cs[:, t + 1])
        total_h = dH[:, t] + carry_h
        total_c = carry_c + total_h * og * (1.0 - tc * tc)
        blocks = (total_c * gg * ig * (1.0 - ig),
                  total_c * cs[:, t] * fg * (1.0 - fg),
                  total_c * ig * (1.0 - gg * gg),
                  total_h * tc * og * (1.0 - og))
        carry_h = np.zeros((batch, H))
        for k, da in enumerate(blocks):
            cols = slice(k * H, (k + 1) * H)
            dW[:, cols] += X[:, t].T @ da
            dU[:, cols] += hs[:, t].T @ da
            db[cols] += da.sum(axis=0)
            dX[:, t] += da @ W[:, cols].T
            carry_h += da @ U[:, cols].T
        carry_c = total_c * fg
    grads = {"x": dX, "h0": carry_h, "c0": carry_c, "kernel": dW,
             "recurrent_kernel": dU, "bias": db}
    return {name: value.astype(dtype) for name, value in grads.items()}
