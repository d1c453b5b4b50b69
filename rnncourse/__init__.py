"""rnncourse: the helper package behind the book and the exercises.

Importing it is cheap and silent: TensorFlow loads only when a Keras reference
is first computed (see `rnncourse.quiet_tf`).

Modules:
    cases      seeded random inputs and weights for every exercise function
    reference  the same functions computed by real Keras layers (the oracle)
    hints      the known mistakes' outputs on these cases, to name a student's mistake
    checks     `check(student_fn, reference, cases)` with readable failures
    data       offline data sets: sine windows, adding/copy tasks, text, sunspots, dates
    plots      the figures of the book
"""

__version__ = "0.1.0"

from rnncourse.cases import Case, make_cases  # noqa: E402 - after the docstring and version
from rnncourse.checks import check  # noqa: E402

__all__ = ["Case", "check", "make_cases"]
