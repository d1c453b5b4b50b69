# correct: combines the per-tensor Frobenius norms, sqrt(sum ||g_i||^2), with np.minimum for the scale
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    norms = [np.linalg.norm(np.ravel(g)) for g in grads]
    global_norm = np.sqrt(np.sum(np.square(norms)))
    scale = np.minimum(1.0, clip_norm / global_norm)
    return [g * scale for g in grads], global_norm
