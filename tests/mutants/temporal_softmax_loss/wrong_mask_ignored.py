# wrong: ignores the mask, so padding counts in the loss and the gradient
import numpy as np


def temporal_softmax_loss(logits, y, mask):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    batch, time, vocab = logits.shape
    n, t = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
    loss = -np.mean(log_p[n, t, y])
    d_logits = np.exp(log_p)
    d_logits[n, t, y] -= 1.0
    return loss, d_logits / (batch * time)
