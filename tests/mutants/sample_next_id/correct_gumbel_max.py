# correct: Gumbel-max trick, argmax(logits / temperature + Gumbel noise drawn with rng)
import numpy as np


def sample_next_id(logits, temperature, rng):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    gumbel = -np.log(-np.log(rng.random(len(logits))))
    return int(np.argmax(logits / temperature + gumbel))
