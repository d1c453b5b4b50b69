# wrong: the global norm is the sum of the per-tensor norms, not the root of the summed squares
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    global_norm = sum(np.linalg.norm(np.ravel(g)) for g in grads)
    scale = clip_norm / max(global_norm, clip_norm)
    return [g * scale for g in grads], global_norm
