# wrong: the scale is upside down, max(global_norm, clip_norm) / clip_norm
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    global_norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    scale = max(global_norm, clip_norm) / clip_norm
    return [g * scale for g in grads], global_norm
