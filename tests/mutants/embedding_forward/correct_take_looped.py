# correct: np.take row by row, looping over the batch
import numpy as np


def embedding_forward(ids, embeddings):
    rows = [np.take(embeddings, ids[n], axis=0) for n in range(ids.shape[0])]
    return np.stack(rows, axis=0)
