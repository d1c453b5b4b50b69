# wrong: the gradient is one_hot - softmax, the negative of the right one
import numpy as np


def temporal_softmax_loss(logits, y, mask):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    batch, time, vocab = logits.shape
    n, t = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
    loss = -np.sum(log_p[n, t, y] * mask) / mask.sum()
    one_hot = np.eye(vocab)[y]
    return loss, (one_hot - np.exp(log_p)) * mask[..., None] / mask.sum()
