# wrong: never checks the temperature, so 0 raises ZeroDivisionError and negative values sample
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    p = np.asarray(probs, dtype=np.float64) ** (1.0 / temperature)
    return int(rng.choice(len(p), p=p / p.sum()))
