# wrong: takes embeddings to be (D, V) and indexes its columns, then moves the axis last
import numpy as np


def embedding_forward(ids, embeddings):
    return np.moveaxis(embeddings[:, ids % embeddings.shape[1]], 0, -1)
