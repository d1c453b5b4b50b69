# wrong: checks the temperature but then samples from softmax(logits) unchanged
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
