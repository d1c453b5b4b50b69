# wrong: the loss is masked but the gradient is not
import numpy as np


def temporal_softmax_loss(logits, y, mask):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    batch, time, vocab = logits.shape
    n, t = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
    loss = -np.sum(log_p[n, t, y] * mask) / mask.sum()
    d_logits = np.exp(log_p)
    d_logits[n, t, y] -= 1.0
    return loss, d_logits / mask.sum()
