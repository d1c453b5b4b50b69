"""Import TensorFlow and Keras without a word on stderr.

nbgrader scores a cell zero if it writes anything to stderr, and TensorFlow
2.21 prints its start-up lines (absl, oneDNN, CUDA stubs) straight to file
descriptor 2, at import and again at the first layer call. Environment
variables alone do not stop it, so we point fd 2 at /dev/null around both.

Everything in rnncourse that needs TensorFlow gets it from here, so importing
`rnncourse` itself never loads TensorFlow (about 5 s and 670 MB).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import warnings


@contextlib.contextmanager
def silenced_stderr():
    """Send everything written to stderr (Python and C++) to /dev/null.

    Example:

    >>> with silenced_stderr():
    ...     print("hidden", file=sys.stderr)
    """
    sys.stderr.flush()
    saved_fd = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved_stream = sys.stderr
    try:
        os.dup2(devnull, 2)
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - closed below
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        sys.stderr.close()
        sys.stderr = saved_stream
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        os.close(devnull)


@functools.cache
def import_tensorflow():
    """Return `(tf, keras)`, imported quietly and warmed up once per process.

    Returns:
        The `tensorflow` module and the `keras` (Keras 3) module.

    Example:

    >>> tf, keras = import_tensorflow()
    >>> keras.__version__.startswith("3.")
    True
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with silenced_stderr():
        import keras
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        with contextlib.suppress(ImportError):
            from absl import logging as absl_logging

            absl_logging.set_verbosity(absl_logging.ERROR)
        # The first layer call and the first gradient print more start-up lines.
        layer = keras.layers.SimpleRNN(1)
        x = tf.zeros((1, 1, 1))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
        tape.gradient(y, x)
    return tf, keras
