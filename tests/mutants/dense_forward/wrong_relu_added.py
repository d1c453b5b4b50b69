# wrong: adds a ReLU, as in a hidden layer
import numpy as np


def dense_forward(x, kernel, bias):
    return np.maximum(x @ kernel + bias, 0.0)
