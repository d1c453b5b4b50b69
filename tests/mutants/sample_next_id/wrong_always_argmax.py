# wrong: greedy decoding, always returns the most likely id whatever the temperature
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    return int(np.argmax(logits))
