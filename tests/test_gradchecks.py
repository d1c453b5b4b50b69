"""The hidden finite-difference checks of the backward exercises reject wrong gradients.

Each backward exercise's hidden test ends with a check against finite differences in
float64, which trusts neither Keras nor the student. Here that very code (read from the
source notebook) runs on the instructor's library: the correct variant passes, and every
known mistake fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder import mistakes
from rnncourse.cases import make_cases

ROOT = Path(__file__).resolve().parents[1]
BACKWARD = {
    "rnn_backward": ("02_bptt/bptt.ipynb", mistakes._rnn_backward_variant),
    "lstm_backward": ("04_lstm_gru/lstm_gru.ipynb", mistakes._lstm_backward_variant),
    "gru_backward": ("04_lstm_gru/lstm_gru.ipynb", mistakes._gru_backward_variant),
    "embedding_backward": ("05_language_model/language_model.ipynb",
                           mistakes._embedding_backward_variant),
    "dense_backward": ("05_language_model/language_model.ipynb",
                       mistakes._dense_backward_variant),
    "temporal_softmax_loss": ("05_language_model/language_model.ipynb",
                              mistakes._loss_variant),
    "lm_loss_and_grads": ("05_language_model/language_model.ipynb", mistakes._lm_variant),
}


def _finite_difference_check(exercise: str) -> str:
    """The hidden test's code from its gradient check on (the part after the Keras one)."""
    path, _ = BACKWARD[exercise]
    notebook = json.loads((ROOT / "notebooks" / path).read_text(encoding="utf8"))
    [source] = ["".join(c["source"]) for c in notebook["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == f"test_{exercise}"]
    hidden = source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
    start = hidden.index("from rnncourse.gradcheck import ")
    return hidden[start:]


def _run(exercise: str, fn) -> None:
    exec(_finite_difference_check(exercise), {"np": np, "make_cases": make_cases,
                                              exercise: fn})


@pytest.mark.parametrize("exercise", sorted(BACKWARD))
def test_the_correct_gradient_passes_the_finite_difference_check(exercise):
    _run(exercise, BACKWARD[exercise][1](None))


@pytest.mark.parametrize("exercise, mistake", [
    (exercise, m) for exercise in sorted(BACKWARD) for m in mistakes.MISTAKES[exercise]],
    ids=lambda value: getattr(value, "name", value))
def test_every_known_mistake_fails_the_finite_difference_check(exercise, mistake):
    with pytest.raises(AssertionError, match="(disagrees with|but) finite differences"):
        _run(exercise, mistake.fn)
