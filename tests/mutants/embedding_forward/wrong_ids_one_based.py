# wrong: treats ids as counting from 1, so looks up row id - 1 (id 0 wraps to the last row)
def embedding_forward(ids, embeddings):
    return embeddings[ids - 1]
