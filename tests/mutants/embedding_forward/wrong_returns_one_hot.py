# wrong: builds the one-hot vectors and forgets to multiply them by the embeddings
import numpy as np


def embedding_forward(ids, embeddings):
    return np.eye(embeddings.shape[0], dtype=embeddings.dtype)[ids]
