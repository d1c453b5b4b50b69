# wrong: each tensor is clipped by its own norm instead of the global norm
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    clipped = []
    for g in grads:
        norm = np.sqrt(np.sum(g * g))
        clipped.append(g * clip_norm / max(norm, clip_norm))
    global_norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return clipped, global_norm
