# correct: softmax of log(p) / temperature in float64, largest logit subtracted, rng.choice
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    logits = np.log(np.asarray(probs, dtype=np.float64)) / temperature
    weights = np.exp(logits - logits.max())
    return int(rng.choice(len(weights), p=weights / weights.sum()))
