# correct: an explicit loop over every position, adding its dout row to its id's row
import numpy as np


def embedding_backward(ids, embeddings, dout):
    grad = np.zeros(embeddings.shape, dtype=dout.dtype)
    batch, time = ids.shape
    for n in range(batch):
        for t in range(time):
            grad[ids[n, t]] += dout[n, t]
    return grad
