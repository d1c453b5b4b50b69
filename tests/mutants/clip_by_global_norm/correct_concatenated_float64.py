# correct: norm of all tensors flattened into one float64 vector; clipped arrays keep their dtype
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    flat = np.concatenate([np.ravel(g).astype(np.float64) for g in grads])
    global_norm = float(np.linalg.norm(flat))
    if global_norm <= clip_norm:
        return [np.array(g, copy=True) for g in grads], global_norm
    return [(g * (clip_norm / global_norm)).astype(g.dtype) for g in grads], global_norm
