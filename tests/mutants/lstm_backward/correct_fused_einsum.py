# correct: one fused matmul on [x_t, h_{t-1}] per step, gates by np.split, weight and input gradients by einsum over all steps at the end
import numpy as np


def lstm_backward(x, h0, c0, kernel, recurrent_kernel, bias, dhs):
    batch, T, D = x.shape
    H = h0.shape[1]
    W = np.concatenate([kernel, recurrent_kernel], axis=0)  # (D + H, 4H)
    h, c = h0, c0
    h_prev_all, c_prev_all, c_all, acts = [], [], [], []
    for t in range(T):
        z = np.concatenate([x[:, t], h], axis=1) @ W + bias
        zi, zf, zg, zo = np.split(z, 4, axis=1)
        i, f, o = (1.0 / (1.0 + np.exp(-v)) for v in (zi, zf, zo))
        g = np.tanh(zg)
        h_prev_all.append(h)
        c_prev_all.append(c)
        c = f * c + i * g
        h = o * np.tanh(c)
        c_all.append(c)
        acts.append((i, f, g, o))

    dZ = np.zeros((batch, T, 4 * H), dtype=np.result_type(x, kernel, dhs))
    dh_next = np.zeros_like(h0)
    dc_next = np.zeros_like(c0)
    for t in range(T - 1, -1, -1):
        i, f, g, o = acts[t]
        tanh_c = np.tanh(c_all[t])
        dh = dhs[:, t] + dh_next
        dc = dh * o * (1.0 - tanh_c ** 2) + dc_next
        dZ[:, t] = np.concatenate([
            dc * g * i * (1.0 - i),
            dc * c_prev_all[t] * f * (1.0 - f),
            dc * i * (1.0 - g ** 2),
            dh * tanh_c * o * (1.0 - o),
        ], axis=1)
        dh_next = dZ[:, t] @ recurrent_kernel.T
        dc_next = dc * f

    hs_prev = np.stack(h_prev_all, axis=1)  # (batch, T, H): h_{t-1}
    return {
        "x": np.einsum("btg,dg->btd", dZ, kernel),
        "h0": dh_next,
        "c0": dc_next,
        "kernel": np.einsum("btd,btg->dg", x, dZ),
        "recurrent_kernel": np.einsum("bth,btg->hg", hs_prev, dZ),
        "bias": dZ.sum(axis=(0, 1)),
    }
