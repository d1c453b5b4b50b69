# correct: the whole model in one function, looped over time, no helper
import numpy as np


def lm_loss_and_grads(params, x, y, mask):
    embeddings, kernel = params["embeddings"], params["kernel"]
    recurrent_kernel, bias = params["recurrent_kernel"], params["bias"]
    output_kernel, output_bias = params["output_kernel"], params["output_bias"]
    batch, time = x.shape
    e = embeddings[x]
    h = np.zeros((batch, bias.shape[0]), dtype=embeddings.dtype)
    hs = []
    for t in range(time):
        h = np.tanh(e[:, t] @ kernel + h @ recurrent_kernel + bias)
        hs.append(h)
    hs = np.stack(hs, axis=1)
    z = hs @ output_kernel + output_bias
    z = z - z.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    n, s = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
    count = mask.sum()
    loss = -np.sum(log_p[n, s, y] * mask) / count
    dz = np.exp(log_p)
    dz[n, s, y] -= 1.0
    dz = dz * mask[..., None] / count
    grads = {"output_kernel": np.einsum("nth,ntv->hv", hs, dz),
             "output_bias": dz.sum(axis=(0, 1))}
    dhs = dz @ output_kernel.T
    d_kernel, d_recurrent = np.zeros_like(kernel), np.zeros_like(recurrent_kernel)
    d_bias, de = np.zeros_like(bias), np.zeros_like(e)
    dh_next = np.zeros_like(h)
    for t in reversed(range(time)):
        h_prev = hs[:, t - 1] if t > 0 else np.zeros_like(h)
        da = (dhs[:, t] + dh_next) * (1.0 - hs[:, t] ** 2)
        d_kernel += e[:, t].T @ da
        d_recurrent += h_prev.T @ da
        d_bias += da.sum(axis=0)
        de[:, t] = da @ kernel.T
        dh_next = da @ recurrent_kernel.T
    d_embeddings = np.zeros_like(embeddings)
    np.add.at(d_embeddings, x, de)
    grads.update(embeddings=d_embeddings, kernel=d_kernel, recurrent_kernel=d_recurrent,
                 bias=d_bias)
    return loss, grads
