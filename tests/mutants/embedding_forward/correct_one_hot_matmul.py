# correct: one-hot vectors times the embedding matrix, in the embeddings' dtype
import numpy as np


def embedding_forward(ids, embeddings):
    one_hot = np.eye(embeddings.shape[0], dtype=embeddings.dtype)[ids]
    return one_hot @ embeddings
