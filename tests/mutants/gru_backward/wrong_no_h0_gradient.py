# wrong: no gradient for h0: it returns zeros instead of what flows out of the first step
import numpy as np


def gru_backward(x, h0, kernel, recurrent_kernel, bias, dhs, reset_after=True):
    out_dtype = np.asarray(x).dtype
    x = np.asarray(x, dtype=np.float64)
    h0 = np.asarray(h0, dtype=np.float64)
    W = np.asarray(kernel, dtype=np.float64)
    U = np.asarray(recurrent_kernel, dtype=np.float64)
    b = np.asarray(bias, dtype=np.float64)
    dhs = np.asarray(dhs, dtype=np.float64)
    n, T, _ = x.shape
    H = h0.shape[1]
    Wz, Wr, Wh = W[:, :H], W[:, H:2 * H], W[:, 2 * H:]
    Uz, Ur, Uh = U[:, :H], U[:, H:2 * H], U[:, 2 * H:]
    if reset_after:
        bi, bh = b[0], b[1]
    else:
        bi, bh = b, np.zeros_like(b)

    xz = np.einsum("ntd,dk->ntk", x, Wz) + bi[:H]
    xr = np.einsum("ntd,dk->ntk", x, Wr) + bi[H:2 * H]
    xh = np.einsum("ntd,dk->ntk", x, Wh) + bi[2 * H:]

    prev = np.empty((n, T, H))
    Z = np.empty((n, T, H))
    R = np.empty((n, T, H))
    G = np.empty((n, T, H))
    C = np.empty((n, T, H))   # h_prev @ Uh + bh_h (reset_after) or (r * h_prev) @ Uh
    h = h0
    for t in range(T):
        prev[:, t] = h
        z = 1.0 / (1.0 + np.exp(-(xz[:, t] + h @ Uz + bh[:H])))
        r = 1.0 / (1.0 + np.exp(-(xr[:, t] + h @ Ur + bh[H:2 * H])))
        if reset_after:
            c = h @ Uh + bh[2 * H:]
            g = np.tanh(xh[:, t] + r * c)
        else:
            c = (r * h) @ Uh
            g = np.tanh(xh[:, t] + c)
        Z[:, t], R[:, t], G[:, t], C[:, t] = z, r, g, c
        h = z * h + (1.0 - z) * g

    A_z = np.empty((n, T, H))
    A_r = np.empty((n, T, H))
    A_h = np.empty((n, T, H))
    A_c = np.empty((n, T, H))   # gradient of the candidate's recurrent matmul output
    carry = np.zeros((n, H))
    for t in range(T - 1, -1, -1):
        z, r, g, c, hp = Z[:, t], R[:, t], G[:, t], C[:, t], prev[:, t]
        dh = dhs[:, t] + carry
        a_h = dh * (1.0 - z) * (1.0 - g ** 2)
        a_z = dh * (hp - g) * z * (1.0 - z)
        if reset_after:
            a_c = a_h * r
            a_r = a_h * c * r * (1.0 - r)
            carry = dh * z + a_z @ Uz.T + a_r @ Ur.T + a_c @ Uh.T
        else:
            a_c = a_h
            d_rh = a_h @ Uh.T
            a_r = d_rh * hp * r * (1.0 - r)
            carry = dh * z + a_z @ Uz.T + a_r @ Ur.T + d_rh * r
        A_z[:, t], A_r[:, t], A_h[:, t], A_c[:, t] = a_z, a_r, a_h, a_c

    A_in = np.concatenate([A_z, A_r, A_h], axis=-1)
    d_x = np.einsum("ntk,dk->ntd", A_in, W)
    d_W = np.einsum("ntd,ntk->dk", x, A_in)
    rec_source = prev if reset_after else R * prev
    d_U = np.concatenate([
        np.einsum("nti,ntk->ik", prev, A_z),
        np.einsum("nti,ntk->ik", prev, A_r),
        np.einsum("nti,ntk->ik", rec_source, A_c),
    ], axis=1)
    d_bi = A_in.sum(axis=(0, 1))
    if reset_after:
        d_b = np.stack([d_bi, np.concatenate([A_z, A_r, A_c], axis=-1).sum(axis=(0, 1))])
    else:
        d_b = d_bi
    grads = {"x": d_x, "h0": np.zeros_like(h0), "kernel": d_W, "recurrent_kernel": d_U, "bias": d_b}
    return {k: v.astype(out_dtype) for k, v in grads.items()}
