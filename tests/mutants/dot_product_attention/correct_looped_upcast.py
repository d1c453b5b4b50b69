# correct: looped over batch and queries, computed (and returned) in float64
import numpy as np


def dot_product_attention(query, value, key=None):
    query = np.asarray(query, dtype=np.float64)
    value = np.asarray(value, dtype=np.float64)
    key = value if key is None else np.asarray(key, dtype=np.float64)
    batch, tq, _ = query.shape
    out = np.zeros((batch, tq, value.shape[2]))
    for b in range(batch):
        for i in range(tq):
            scores = np.array([np.dot(query[b, i], key[b, j]) for j in range(key.shape[1])])
            weights = np.exp(scores - np.max(scores))
            weights /= np.sum(weights)
            for j in range(value.shape[1]):
                out[b, i] += weights[j] * value[b, j]
    return out
