# wrong: multiplies the logits by the temperature instead of dividing, so a high temperature sharpens
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    logits = np.log(np.asarray(probs, dtype=np.float64)) * temperature
    weights = np.exp(logits - logits.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
