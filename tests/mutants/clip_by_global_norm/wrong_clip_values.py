# wrong: clips each value to [-clip_norm, clip_norm] (clipvalue) instead of scaling by the norm
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    global_norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return [np.clip(g, -clip_norm, clip_norm) for g in grads], global_norm
