# wrong: the global norm is missing its square root (sum of squares)
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    global_norm = sum(np.sum(g * g) for g in grads)
    scale = clip_norm / max(global_norm, clip_norm)
    return [g * scale for g in grads], global_norm
