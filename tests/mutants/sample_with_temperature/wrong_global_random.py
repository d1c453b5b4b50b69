# wrong: draws with the global np.random.choice instead of the rng it was given (not reproducible)
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    logits = np.log(np.asarray(probs, dtype=np.float64)) / temperature
    weights = np.exp(logits - logits.max())
    return int(np.random.choice(len(weights), p=weights / weights.sum()))
