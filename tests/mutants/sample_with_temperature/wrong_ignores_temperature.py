# wrong: validates the temperature but then samples from probs unchanged
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    p = np.asarray(probs, dtype=np.float64)
    return int(rng.choice(len(p), p=p / p.sum()))
