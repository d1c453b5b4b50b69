# wrong: exponentiates the raw logits, which overflows for large logits (inf / inf = nan)
import numpy as np


def temporal_softmax_loss(logits, y, mask):
    exp = np.exp(logits)
    probs = exp / exp.sum(axis=-1, keepdims=True)
    batch, time, vocab = logits.shape
    n, t = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
    loss = -np.sum(np.log(probs[n, t, y]) * mask) / mask.sum()
    d_logits = probs.copy()
    d_logits[n, t, y] -= 1.0
    return loss, d_logits * mask[..., None] / mask.sum()
