# wrong: the scores are divided by sqrt(dim) (Transformer scaling; Keras does not scale)
import numpy as np


def dot_product_attention(query, value, key=None):
    key = value if key is None else key
    scores = query @ np.swapaxes(key, 1, 2) / np.sqrt(query.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ value
