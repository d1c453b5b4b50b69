# wrong: with key=None the query is used as the key (Keras uses the value as the key)
import numpy as np


def dot_product_attention(query, value, key=None):
    key = query if key is None else key
    scores = query @ np.swapaxes(key, 1, 2)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ value
