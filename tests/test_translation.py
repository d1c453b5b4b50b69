"""rnncourse.translation: greedy decoding, scoring and attention weights on real Keras models.

The models here are built with known weights instead of trained, so that what greedy
decoding must write, and what the attention must weigh, is known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse.data import date_dataset
from rnncourse.quiet_tf import import_tensorflow
from rnncourse.translation import (
    attention_weights,
    beam_decode,
    greedy_decode,
    held_out_rows,
    score_translator,
)

tf, keras = import_tensorflow()
SOURCE_V, TARGET_V = 60, 15


def _translator(next_id: np.ndarray, mask_zero: bool = True, name: str = "attention",
                table: np.ndarray | None = None):
    """A translator whose score at step t is largest for `next_id[decoder_input[:, t]]`.

    With `table`, the logits at step t are row `decoder_input[:, t]` of the table.

    The attention's values are all zero, so it adds nothing to the scores, and its
    weights are uniform over the source positions (the unpadded ones with `mask_zero`).
    """
    source = keras.Input(shape=(None,), dtype="int32")
    so_far = keras.Input(shape=(None,), dtype="int32")
    if table is None:
        table = 10.0 * np.eye(TARGET_V)[next_id]            # row i: a peak at next_id[i]
    scores = keras.layers.Embedding(
        TARGET_V, TARGET_V, embeddings_initializer=keras.initializers.Constant(table))(so_far)
    memory = keras.layers.Embedding(SOURCE_V, TARGET_V, mask_zero=mask_zero,
                                    embeddings_initializer="zeros")(source)
    context, _ = keras.layers.Attention(name=name)([scores, memory],
                                                   return_attention_scores=True)
    return keras.Model([source, so_far], keras.layers.Add()([scores, context]))


def test_greedy_decode_feeds_back_its_own_guesses() -> None:
    # Each id's successor is id + 1: fed back step by step, decoding counts up from the
    # start id. Reading the scores at the wrong step, or not feeding back, breaks the count.
    model = _translator((np.arange(TARGET_V) + 1) % TARGET_V)
    source = np.array([[5, 6, 7, 0], [8, 0, 0, 0]], dtype=np.int32)
    decoded = greedy_decode(model, source, start_id=2, steps=6)
    assert decoded.dtype == np.int32 and decoded.shape == (2, 7)
    np.testing.assert_array_equal(decoded, np.tile(np.arange(2, 9), (2, 1)))


def test_score_translator_compares_each_position_with_the_target() -> None:
    data = date_dataset(200, seed=3)
    one = data.target_vocab.id_of("1")
    model = _translator(np.full(TARGET_V, one))            # always writes "1111111111"
    rows = np.arange(200) < 150
    score = score_translator(model, data, rows)
    targets = np.array([list(t) for t in data.targets[:150]])
    np.testing.assert_allclose(score.per_position, np.mean(targets == "1", axis=0))
    assert score.guesses == ["1111111111"] * 150
    assert score.exact == 0.0
    assert score.decoded.shape == (150, 11)


def test_attention_weights_spread_over_the_unpadded_source_only() -> None:
    model = _translator(np.zeros(TARGET_V, dtype=int))
    source = np.array([[5, 6, 7, 0, 0], [8, 9, 0, 0, 0]], dtype=np.int32)
    weights = attention_weights(model, source, np.full((2, 3), 2))
    assert weights.shape == (2, 3, 5)
    np.testing.assert_allclose(weights[0], np.tile([1 / 3] * 3 + [0, 0], (3, 1)), atol=1e-6)
    np.testing.assert_allclose(weights[1], np.tile([0.5, 0.5, 0, 0, 0], (3, 1)), atol=1e-6)

    unmasked = attention_weights(_translator(np.zeros(TARGET_V, dtype=int), mask_zero=False),
                                 source, np.full((2, 3), 2))
    np.testing.assert_allclose(unmasked, 0.2, atol=1e-6)     # the padding gets its share


def test_attention_weights_follow_the_model_as_it_trains() -> None:
    # attention_weights keeps one probe model per translator (building it costs more than
    # running it): the probe must share the translator's layers, so weights read after
    # training are the trained model's, on inputs of any size.
    model = _translator(np.zeros(TARGET_V, dtype=int))
    source = np.array([[5, 6, 7, 0, 0], [8, 9, 0, 0, 0]], dtype=np.int32)
    before = attention_weights(model, source, np.full((2, 3), 2))
    memory = next(layer for layer in model.layers
                  if isinstance(layer, keras.layers.Embedding) and layer.mask_zero)
    memory.set_weights([np.random.default_rng(0).normal(size=(SOURCE_V, TARGET_V))])
    after = attention_weights(model, source, np.full((2, 3), 2))
    fresh = keras.Model(model.inputs, model.get_layer("attention").output[1])
    np.testing.assert_allclose(after, fresh.predict_on_batch([source, np.full((2, 3), 2)]),
                               atol=1e-6)
    assert not np.allclose(after, before)
    longer = attention_weights(model, source[:1, :4], np.full((1, 6), 2))
    assert longer.shape == (1, 6, 4)


def test_attention_weights_name_the_layers_when_none_is_called_attention() -> None:
    model = _translator(np.zeros(TARGET_V, dtype=int), name="lookup")
    with pytest.raises(ValueError, match=r"no layer named 'attention'.*'lookup'"):
        attention_weights(model, np.ones((1, 2), np.int32), np.ones((1, 2), np.int32))


def test_held_out_rows_are_the_dates_training_never_saw() -> None:
    train, test = date_dataset(300, seed=1), date_dataset(300, seed=2)
    rows = held_out_rows(test, train)
    assert rows.dtype == bool and rows.shape == (300,)
    seen = set(train.dates)
    assert [d not in seen for d in test.dates] == rows.tolist()
    assert not held_out_rows(train, train).any()


def test_beam_search_finds_the_likelier_sequence_that_greedy_misses() -> None:
    # From <start> (2): A=5 is likelier (0.6) than B=6 (0.4). After A every id is equally
    # likely (1/15); after B, C=7 is certain. Greedy takes A (total 0.6/15 = 0.04); a beam
    # of 2 keeps B and finds B, C (total 0.4).
    table = np.zeros((TARGET_V, TARGET_V))
    table[2] = -30.0
    table[2, 5], table[2, 6] = np.log(0.6), np.log(0.4)
    table[6] = -30.0
    table[6, 7] = 30.0
    model = _translator(None, table=table)
    source = np.array([[5, 6, 0]], dtype=np.int32)
    greedy = greedy_decode(model, source, start_id=2, steps=2)
    assert greedy[0, :2].tolist() == [2, 5]
    np.testing.assert_array_equal(beam_decode(model, source, 2, beam_width=2, steps=2),
                                  [[2, 6, 7]])
    np.testing.assert_array_equal(beam_decode(model, source, 2, beam_width=1, steps=2)[:, :2],
                                  greedy[:, :2])
    with pytest.raises(ValueError, match="beam_width must be at least 1"):
        beam_decode(model, source, 2, beam_width=0)
