# correct: looped over positions, computed in float64 and returned in the input dtype
import numpy as np


def temporal_softmax_loss(logits, y, mask):
    z = logits.astype(np.float64)
    total, count = 0.0, 0.0
    d = np.zeros_like(z)
    batch, time, _ = z.shape
    for n in range(batch):
        for t in range(time):
            if mask[n, t] == 0:
                continue
            row = z[n, t] - z[n, t].max()
            p = np.exp(row) / np.exp(row).sum()
            total += -np.log(p[y[n, t]]) * mask[n, t]
            count += mask[n, t]
            d[n, t] = p * mask[n, t]
            d[n, t, y[n, t]] -= mask[n, t]
    return np.asarray(total / count, dtype=logits.dtype), (d / count).astype(logits.dtype)
