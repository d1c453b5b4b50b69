# wrong: the gradient is not carried back through time: dh at step t is only dhs[:, t] (dh_next computed but never added)
import numpy as np


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gru_backward(x, h0, kernel, recurrent_kernel, bias, dhs, reset_after=True):
    H = h0.shape[1]
    bias = np.asarray(bias)
    if reset_after:
        b_in, b_rec = bias[0], bias[1]
    else:
        b_in, b_rec = bias, None
    u_h = recurrent_kernel[:, 2 * H:]

    h = h0
    caches = []
    for t in range(x.shape[1]):
        xp = x[:, t] @ kernel + b_in
        if reset_after:
            hp = h @ recurrent_kernel + b_rec
            z = _sigmoid(xp[:, :H] + hp[:, :H])
            r = _sigmoid(xp[:, H:2 * H] + hp[:, H:2 * H])
            hh = hp[:, 2 * H:]
            g = np.tanh(xp[:, 2 * H:] + r * hh)
        else:
            hp = h @ recurrent_kernel[:, :2 * H]
            z = _sigmoid(xp[:, :H] + hp[:, :H])
            r = _sigmoid(xp[:, H:2 * H] + hp[:, H:])
            hh = None
            g = np.tanh(xp[:, 2 * H:] + (r * h) @ u_h)
        caches.append((h, z, r, g, hh))
        h = z * h + (1.0 - z) * g

    d_x = np.zeros_like(x)
    d_kernel = np.zeros_like(kernel)
    d_recurrent = np.zeros_like(recurrent_kernel)
    d_bias = np.zeros_like(bias)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        h_prev, z, r, g, hh = caches[t]
        dh = dhs[:, t]
        dg = dh * (1.0 - z)
        da_g = dg * (1.0 - g * g)
        da_z = dh * (h_prev - g) * z * (1.0 - z)
        if reset_after:
            da_r = da_g * hh * r * (1.0 - r)
            da_hh = da_g * r
            d_in = np.concatenate([da_z, da_r, da_g], axis=1)
            d_rec = np.concatenate([da_z, da_r, da_hh], axis=1)
            d_recurrent += h_prev.T @ d_rec
            d_bias[0] += d_in.sum(axis=0)
            d_bias[1] += d_rec.sum(axis=0)
            dh_next = dh * z + d_rec @ recurrent_kernel.T
        else:
            d_rh = da_g @ u_h.T
            da_r = d_rh * h_prev * r * (1.0 - r)
            d_in = np.concatenate([da_z, da_r, da_g], axis=1)
            d_zr = d_in[:, :2 * H]
            d_recurrent[:, :2 * H] += h_prev.T @ d_zr
            d_recurrent[:, 2 * H:] += (r * h_prev).T @ da_g
            d_bias += d_in.sum(axis=0)
            dh_next = dh * z + d_zr @ recurrent_kernel[:, :2 * H].T + d_rh * r
        d_kernel += x[:, t].T @ d_in
        d_x[:, t] = d_in @ kernel.T
    return {"x": d_x, "h0": dh_next, "kernel": d_kernel,
            "recurrent_kernel": d_recurrent, "bias": d_bias}
