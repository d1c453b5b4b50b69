# wrong: divides the probabilities (after the softmax) by the temperature, which renormalising undoes
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(z))
    p = np.exp(z - z.max()) / temperature
    return int(rng.choice(len(p), p=p / p.sum()))
