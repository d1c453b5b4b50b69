# correct: one code path for both modes: the candidate's recurrent term is outer * ((inner * h) @ U_h + b), with the reset in outer (reset_after) or inner (not)
import numpy as np


def _sig(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def gru_backward(x, h0, kernel, recurrent_kernel, bias, dhs, reset_after=True):
    bias = np.asarray(bias)
    dt = x.dtype
    units = h0.shape[-1]
    zr = slice(0, 2 * units)
    cand = slice(2 * units, 3 * units)
    b_in = bias[0] if reset_after else bias
    b_rec = bias[1] if reset_after else np.zeros_like(bias)
    after = dt.type(1.0 if reset_after else 0.0)    # 1: reset outside the matmul, 0: inside
    one = dt.type(1.0)

    states, saved = [h0], []
    for t in range(x.shape[1]):
        h = states[-1]
        pre_in = x[:, t] @ kernel + b_in
        pre_zr = pre_in[:, zr] + h @ recurrent_kernel[:, zr] + b_rec[zr]
        z, r = np.split(_sig(pre_zr), 2, axis=-1)
        outer = after * r + (one - after)
        inner = (one - after) * r + after
        rec = (inner * h) @ recurrent_kernel[:, cand] + b_rec[cand]
        g = np.tanh(pre_in[:, cand] + outer * rec)
        saved.append((z, r, g, outer, inner, rec))
        states.append(z * h + (one - z) * g)

    grads = {name: np.zeros_like(v) for name, v in
             (("x", x), ("kernel", kernel), ("recurrent_kernel", recurrent_kernel))}
    d_b_in = np.zeros_like(b_in)
    d_b_rec = np.zeros_like(b_rec)
    carry = np.zeros_like(h0)
    for t in range(x.shape[1] - 1, -1, -1):
        h = states[t]
        z, r, g, outer, inner, rec = saved[t]
        dh = dhs[:, t] + carry
        d_pre_g = dh * (one - z) * (one - g * g)
        d_rec = d_pre_g * outer
        d_inner_h = d_rec @ recurrent_kernel[:, cand].T
        d_r = after * d_pre_g * rec + (one - after) * d_inner_h * h
        d_z = dh * (h - g)
        d_pre_zr = np.concatenate([d_z, d_r], axis=-1) * np.concatenate([z * (one - z), r * (one - r)], axis=-1)
        d_pre_in = np.concatenate([d_pre_zr, d_pre_g], axis=-1)
        grads["x"][:, t] = d_pre_in @ kernel.T
        grads["kernel"] += x[:, t].T @ d_pre_in
        grads["recurrent_kernel"][:, zr] += h.T @ d_pre_zr
        grads["recurrent_kernel"][:, cand] += (inner * h).T @ d_rec
        d_b_in += d_pre_in.sum(axis=0)
        d_b_rec += np.concatenate([d_pre_zr, d_rec], axis=-1).sum(axis=0)
        carry = dh * z + d_pre_zr @ recurrent_kernel[:, zr].T + d_inner_h * inner
    grads["h0"] = carry
    grads["bias"] = np.stack([d_b_in, d_b_rec]) if reset_after else d_b_in
    return grads
