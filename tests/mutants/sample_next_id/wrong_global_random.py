# wrong: draws with the global np.random.choice instead of the rng it was given (not reproducible)
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(z))
    weights = np.exp(z / temperature - (z / temperature).max())
    return int(np.random.choice(len(weights), p=weights / weights.sum()))
