# wrong: never checks the temperature, so 0 divides by zero and negative values sample
import numpy as np


def sample_next_id(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) / temperature
    weights = np.exp(z - z.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
