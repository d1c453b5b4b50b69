# correct: flatten to (batch * time, V), one-hot targets, softmax with the max subtracted
import numpy as np


def temporal_softmax_loss(logits, y, mask):
    batch, time, vocab = logits.shape
    flat = logits.reshape(-1, vocab)
    weights = mask.reshape(-1)
    one_hot = np.eye(vocab, dtype=logits.dtype)[y.reshape(-1)]
    exp = np.exp(flat - flat.max(axis=1, keepdims=True))
    probs = exp / exp.sum(axis=1, keepdims=True)
    log_probs = np.log(exp.sum(axis=1)) - (flat - flat.max(axis=1, keepdims=True))[
        np.arange(len(flat)), y.reshape(-1)]
    loss = np.sum(log_probs * weights) / np.sum(weights)
    d_flat = (probs - one_hot) * weights[:, None] / np.sum(weights)
    return loss, d_flat.reshape(batch, time, vocab)
