# wrong: multiplies the logits by the temperature instead of dividing, so a high temperature sharpens
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64) * temperature
    weights = np.exp(z - z.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
