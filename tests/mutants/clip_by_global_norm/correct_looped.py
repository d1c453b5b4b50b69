# correct: looped sum of squares, computed in the input dtype
import numpy as np


def clip_by_global_norm(grads, clip_norm):
    total = 0.0
    for g in grads:
        total += np.sum(g * g)
    global_norm = np.sqrt(total)
    scale = clip_norm / max(global_norm, clip_norm)
    return [g * scale for g in grads], global_norm
