# correct: p ** (1 / temperature) rescaled by its maximum, renormalised, drawn by inverse CDF with rng.random()
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if not temperature > 0:
        raise ValueError(f"the temperature must be positive, got temperature={temperature!r}")
    p = np.asarray(probs, dtype=np.float64)
    p = (p / p.max()) ** (1.0 / temperature)
    cdf = np.cumsum(p / p.sum())
    index = int(np.searchsorted(cdf, rng.random(), side="right"))
    return min(index, len(p) - 1)
