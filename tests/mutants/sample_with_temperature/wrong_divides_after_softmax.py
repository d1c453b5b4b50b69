# wrong: divides the probabilities (after the softmax) by the temperature, which renormalising undoes
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    p = np.asarray(probs, dtype=np.float64) / temperature
    return int(rng.choice(len(p), p=p / p.sum()))
