# correct: softmax then p ** (1 / temperature) rescaled by its maximum, inverse CDF with rng.random()
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"the temperature must not be negative, got temperature={temperature!r}")
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(z))
    p = np.exp(z - z.max())
    p = (p / p.max()) ** (1.0 / temperature)
    cdf = np.cumsum(p / p.sum())
    index = int(np.searchsorted(cdf, rng.random(), side="right"))
    return min(index, len(p) - 1)
