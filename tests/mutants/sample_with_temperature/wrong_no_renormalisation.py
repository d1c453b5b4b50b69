# wrong: reshapes with p ** (1 / temperature) but does not renormalise before the inverse CDF
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    p = np.asarray(probs, dtype=np.float64) ** (1.0 / temperature)
    cdf = np.cumsum(p)
    return int(min(np.searchsorted(cdf, rng.random(), side="right"), len(p) - 1))
