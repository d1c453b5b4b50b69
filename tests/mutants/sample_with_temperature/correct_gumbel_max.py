# correct: Gumbel-max trick, argmax(log(p) / temperature + Gumbel noise drawn with rng)
import numpy as np


def sample_with_temperature(probs, temperature, rng):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    logits = np.log(np.asarray(probs, dtype=np.float64)) / temperature
    gumbel = -np.log(-np.log(rng.random(len(logits))))
    return int(np.argmax(logits + gumbel))
