"""Named hints work on a student's machine from recorded outputs, not from code.

`rnncourse/data/known_mistakes.rnnc` (built by `make venv` from the instructor's
`autograder/mistakes.py`) must be current, and must name every known mistake on the
cases a student runs, exactly as the runnable library does in grading.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.mistakes import MISTAKES, record
from rnncourse import hints, reference
from rnncourse.cases import EXERCISES, make_cases
from rnncourse.checks import check

CASES = {exercise: make_cases(exercise) for exercise in EXERCISES}
ALL_MISTAKES = [(e, m) for e in EXERCISES for m in MISTAKES[e]]


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return sorted(a) == sorted(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_the_shipped_table_is_what_the_library_records_today(tmp_path):
    assert hints.TABLE.is_file(), (
        f"{hints.TABLE} is missing: `make venv` builds it (python -m autograder.mistakes)")
    fresh = record(tmp_path / "table.rnnc")
    shipped = hints._table(hints.TABLE)
    assert sorted(shipped) == sorted(fresh)
    for exercise, mistakes in fresh.items():
        assert [m["name"] for m in shipped[exercise]] == [m["name"] for m in mistakes]
        for new, old in zip(mistakes, shipped[exercise]):
            assert new["hint"] == old["hint"]
            assert sorted(new["outputs"]) == sorted(old["outputs"]), (exercise, new["name"])
            assert all(_same(new["outputs"][k], old["outputs"][k]) for k in new["outputs"]), (
                f"{exercise}/{new['name']}: the shipped outputs are stale; run `make venv`")


@pytest.mark.parametrize(
    ("exercise", "mistake"), ALL_MISTAKES, ids=[f"{e}-{m.name}" for e, m in ALL_MISTAKES]
)
def test_every_mistake_is_named_from_the_recorded_outputs(exercise, mistake, cached_reference):
    recorded = hints.recorded(exercise)
    assert all(not hasattr(m, "fn") for m in recorded)      # data only, no code
    with pytest.raises(AssertionError) as info:
        check(mistake.fn, cached_reference(exercise), CASES[exercise], verbose=False,
              from_scratch=False, name=exercise, mistakes=recorded)
    message = str(info.value)
    assert f"Hint ({mistake.name})" in message, message
    assert mistake.hint in message


def test_on_other_cases_the_table_names_nothing_and_check_still_fails():
    # The hidden tests use other seeds: only the grader's library can name a mistake there.
    [mistake] = [m for m in MISTAKES["rnn_cell_forward"] if m.name == "no_bias"]
    other = make_cases("rnn_cell_forward", seed=7411)[:1]
    with pytest.raises(AssertionError) as info:
        check(mistake.fn, reference.rnn_cell_forward, other, verbose=False,
              from_scratch=False, mistakes=hints.recorded("rnn_cell_forward"))
    assert "failed on case 1" in str(info.value) and "Hint" not in str(info.value)
