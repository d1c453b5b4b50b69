"""Decoding, scoring and reading the attention of a date translator.

Chapter 6 and assignment 6 both train a Keras encoder-decoder on
`rnncourse.data.date_dataset` and use these helpers on it. A translator here is a
`keras.Model` with two inputs, `[encoder_input, decoder_input]` of shapes `(n, Ts)`
and `(n, Tt)` (int ids), and one output of shape `(n, Tt, V)`: a score (logit or
probability) for every target id at every decoder step. A translator with attention
names the layer that computes the attention weights `"attention"`.

Functions:
    held_out_rows    which test pairs hold a date the training pairs do not
    greedy_decode    translate by feeding back the most likely id, step by step
    beam_decode      translate by keeping the few most likely prefixes at each step
    score_translator exact-match and per-position accuracy of a decoding
    attention_weights the weights of the layer named "attention", shape (n, Tt, Ts)

TensorFlow is imported only when a model is run, so importing this module is cheap.

Example:

>>> from rnncourse.data import date_dataset
>>> train, test = date_dataset(50, seed=0), date_dataset(20, seed=1)
>>> held_out_rows(test, train).shape
(20,)
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from rnncourse.data import DateDataset
from rnncourse.data.dates import START_TOKEN, TARGET_LEN

ATTENTION_LAYER = "attention"
_PROBES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # see attention_weights


def held_out_rows(test: DateDataset, train: DateDataset) -> np.ndarray:
    """Which pairs of `test` hold a date that no pair of `train` holds.

    Args:
        test: the pairs to score.
        train: the pairs a model trained on.

    Returns:
        A bool array of shape `(len(test),)`.

    Example:

    >>> from rnncourse.data import date_dataset
    >>> data = date_dataset(5, seed=0)
    >>> held_out_rows(data, data).any()
    False
    """
    seen = set(train.dates)
    return np.array([d not in seen for d in test.dates], dtype=bool)


def greedy_decode(model, encoder_input, start_id: int, steps: int = TARGET_LEN) -> np.ndarray:
    """Translate by greedy decoding: at each step feed back the most likely id.

    The decoder input starts as `<start>` followed by zeros. At step `t` the model
    runs on the whole input and the argmax of its scores at position `t` becomes
    position `t + 1` of the input. A left-to-right decoder's output at `t` does not
    depend on later positions, so the zeros ahead of `t` do not matter.

    Args:
        model: a translator (see the module docstring).
        encoder_input: int ids, shape `(n, Ts)`.
        start_id: the id of `<start>` in the target vocabulary.
        steps: how many ids to write.

    Returns:
        int32, shape `(n, steps + 1)`: `start_id` followed by the `steps` ids written.
    """
    encoder_input = np.asarray(encoder_input, dtype=np.int32)
    decoded = np.zeros((len(encoder_input), steps + 1), dtype=np.int32)
    decoded[:, 0] = start_id
    for t in range(steps):
        scores = np.asarray(model.predict_on_batch([encoder_input, decoded]))
        decoded[:, t + 1] = scores[:, t].argmax(axis=-1)
    return decoded


def _log_probabilities(scores: np.ndarray) -> np.ndarray:
    """Log-softmax over the last axis, in float64 (a softmax of logits)."""
    scores = np.asarray(scores, dtype=np.float64)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def beam_decode(model, encoder_input, start_id: int, beam_width: int = 4,
                steps: int = TARGET_LEN, from_logits: bool = True) -> np.ndarray:
    """Translate by beam search: keep the `beam_width` most likely prefixes at each step.

    Greedy decoding commits to the single most likely id at every step; one early
    mistake cannot be undone. Beam search keeps the `beam_width` prefixes of highest
    total log-probability, extends each by every id, and keeps the best `beam_width`
    of those, so a prefix that starts less likely can still win. With `beam_width=1`
    it is greedy decoding. Every output has exactly `steps` ids (an ISO date always
    has ten characters), so no end token is needed.

    Args:
        model: a translator (see the module docstring).
        encoder_input: int ids, shape `(n, Ts)`.
        start_id: the id of `<start>` in the target vocabulary.
        beam_width: the number of prefixes kept per source, at least 1.
        steps: how many ids to write.
        from_logits: the model returns logits (True) or probabilities (False).

    Returns:
        int32, shape `(n, steps + 1)`: `start_id` followed by the best sequence found.
    """
    if int(beam_width) < 1:
        raise ValueError(f"beam_width must be at least 1, got {beam_width}")
    k = int(beam_width)
    encoder_input = np.asarray(encoder_input, dtype=np.int32)
    n = len(encoder_input)
    beams = np.zeros((n, k, steps + 1), dtype=np.int32)
    beams[:, :, 0] = start_id
    # At the start all k beams are the same prefix: count it once.
    totals = np.full((n, k), -np.inf)
    totals[:, 0] = 0.0
    repeated = np.repeat(encoder_input, k, axis=0)              # (n * k, Ts)
    for t in range(steps):
        scores = np.asarray(model.predict_on_batch([repeated, beams.reshape(n * k, -1)]))
        step = scores[:, t].reshape(n, k, -1)
        log_p = _log_probabilities(step) if from_logits else np.log(np.clip(step, 1e-30, 1))
        vocab = log_p.shape[-1]
        candidates = (totals[:, :, None] + log_p).reshape(n, k * vocab)
        best = np.argsort(-candidates, axis=1, kind="stable")[:, :k]    # (n, k)
        parent, token = best // vocab, best % vocab
        beams = np.take_along_axis(beams, parent[:, :, None], axis=1)
        beams[:, :, t + 1] = token
        totals = np.take_along_axis(candidates, best, axis=1)
    return beams[:, 0]


@dataclass(frozen=True)
class TranslationScore:
    """How well greedy decoding translates a set of dates.

    Attributes:
        exact: the fraction of dates translated exactly (all ten characters).
        per_position: shape `(10,)`, the fraction right at each position of `yyyy-mm-dd`.
        guesses: the translations, as strings.
        decoded: `greedy_decode`'s ids, shape `(n, 11)`.
    """

    exact: float
    per_position: np.ndarray
    guesses: list[str]
    decoded: np.ndarray


def score_translator(model, data: DateDataset, rows=None, beam_width: int = 1,
                     from_logits: bool = True) -> TranslationScore:
    """Decode `data`'s sources (or the `rows` picked) and compare with its targets.

    Args:
        model: a translator.
        data: the pairs, from `date_dataset`.
        rows: a bool mask or index array of the pairs to use; `None` uses all.
        beam_width: 1 decodes greedily (`greedy_decode`); more uses `beam_decode`.
        from_logits: for beam search, whether the model returns logits.

    Returns:
        A `TranslationScore`.
    """
    picked = np.arange(len(data)) if rows is None else np.arange(len(data))[rows]
    vocab = data.target_vocab
    start = vocab.id_of(START_TOKEN)
    if beam_width == 1:
        decoded = greedy_decode(model, data.encoder_input[picked], start)
    else:
        decoded = beam_decode(model, data.encoder_input[picked], start, beam_width,
                              from_logits=from_logits)
    guesses = [vocab.decode(row) for row in decoded]
    truth = np.array(data.targets)[picked]
    exact = float(np.mean(np.array(guesses) == truth))
    per_position = np.mean(decoded[:, 1:] == data.decoder_input[picked][:, 1:], axis=0)
    return TranslationScore(exact, per_position, guesses, decoded)


def attention_weights(model, encoder_input, decoder_input,
                      layer: str = ATTENTION_LAYER) -> np.ndarray:
    """The weights of the translator's attention layer on these inputs.

    The layer named `layer` either returns the weights itself (shape `(n, Tt, Ts)`),
    or returns `[context, weights]`, as Keras's `Attention` and `AdditiveAttention` do
    when called with `return_attention_scores=True`. `MultiHeadAttention`'s weights,
    shape `(n, heads, Tt, Ts)`, are averaged over the heads.

    Args:
        model: a translator with a layer named `layer`.
        encoder_input: int ids, shape `(n, Ts)`.
        decoder_input: int ids, shape `(n, Tt)`.
        layer: the name of the attention layer.

    Returns:
        float, shape `(n, Tt, Ts)`: row `[i, t]` is how much decoder step `t` of pair
        `i` looks at each source position.

    Raises:
        ValueError: the model has no such layer, or it does not return weights.
    """
    from rnncourse.quiet_tf import import_tensorflow

    _, keras = import_tensorflow()
    try:
        found = model.get_layer(layer)
    except ValueError:
        names = ", ".join(repr(x.name) for x in model.layers)
        raise ValueError(f"the model has no layer named {layer!r}; its layers are {names}. "
                         f"Pass name={layer!r} to the layer that computes the attention "
                         f"weights.") from None
    # One probe model per (model, layer): building it and tracing its predict function
    # cost more than running it, and a test reads the weights of one model several times.
    probes = _PROBES.setdefault(model, {})
    if layer not in probes:
        output = found.output
        if isinstance(output, (list, tuple)):
            if len(output) != 2:
                raise ValueError(f"the layer {layer!r} returns {len(output)} tensors; it "
                                 f"should return the weights, or [context, weights]")
            output = output[1]
        probes[layer] = keras.Model(model.inputs, output)
    weights = np.asarray(probes[layer].predict_on_batch(
        [np.asarray(encoder_input, dtype=np.int32), np.asarray(decoder_input, dtype=np.int32)]))
    if weights.ndim == 4:           # MultiHeadAttention: (n, heads, Tt, Ts)
        weights = weights.mean(axis=1)
    return weights


__all__ = ["ATTENTION_LAYER", "TranslationScore", "attention_weights", "beam_decode",
           "greedy_decode", "held_out_rows", "score_translator"]
