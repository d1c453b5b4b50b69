"""Named hints on a student's machine, without the code that makes them.

When an answer is wrong, `rnncourse.checks.check` looks for a known mistake that
reproduces it ("matches Keras if the i and f gates were swapped"). The library of
those mistakes (`autograder/mistakes.py`) is runnable NumPy, and some of its
variants, with no mistake switched on, are correct answers. So it stays on the
instructor's side and is never shipped to students. What ships instead is this
table: each mistake's *outputs* on the package's own cases (`make_cases(exercise)`,
seed 0, the cases a student can run), recorded by the instructor's library when
the package is built (`python -m autograder.mistakes`). A wrong output can be
matched against it; nothing in it computes anything.

On other cases (the hidden tests), only the grader, which has the library, can
name a mistake.

Example:

>>> [m.name for m in recorded("rnn_cell_forward")][:2]      # doctest: +SKIP
['no_bias', 'recurrent_kernel_transposed']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse import codec
from rnncourse.reference_cache import key

TABLE = Path(__file__).resolve().parent / "data" / "known_mistakes.rnnc"


@dataclass(frozen=True)
class RecordedMistake:
    """A known mistake, as the outputs it gives on the package's cases.

    Args:
        name: the mistake's short name, e.g. "update_gate_reversed".
        hint: what to tell the student whose output matches it.
        exercise: the exercise function it is a mistake of.
        outputs: `case_key(exercise, case)` -> the mistake's output on that case.
    """

    name: str
    hint: str
    exercise: str
    outputs: dict = field(repr=False)

    def output(self, case):
        """The mistake's output on `case`; LookupError if it was not recorded there."""
        return self.outputs[case_key(self.exercise, case)]


def case_key(exercise: str, case) -> str:
    """The digest that finds a case in the table: the exercise and the exact arguments."""
    return key(exercise, tuple(case.args), dict(case.kwargs))


@functools.lru_cache(maxsize=1)
def _table(path: Path = TABLE) -> dict:
    try:
        return codec.from_file(path)
    except (OSError, ValueError):
        return {}       # not built (a bare source checkout): checks still run, unnamed


def recorded(exercise: str) -> list[RecordedMistake]:
    """The recorded mistakes of `exercise` (an empty list if none were recorded)."""
    return [RecordedMistake(m["name"], m["hint"], exercise, m["outputs"])
            for m in _table().get(exercise, [])]
