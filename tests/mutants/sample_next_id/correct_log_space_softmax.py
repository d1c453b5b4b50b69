# correct: softmax of logits / temperature in float64, largest subtracted, rng.choice
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(z))
    z = z / temperature
    weights = np.exp(z - z.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
