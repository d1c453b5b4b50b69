# wrong: returns the global norm measured after clipping instead of before
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    global_norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    clipped = [g * clip_norm / max(global_norm, clip_norm) for g in grads]
    return clipped, np.sqrt(sum(np.sum(c * c) for c in clipped))
