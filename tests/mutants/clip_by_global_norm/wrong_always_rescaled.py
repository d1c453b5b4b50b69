# wrong: always rescales to clip_norm, even when the global norm is already below it
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    global_norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    return [g * clip_norm / global_norm for g in grads], global_norm
