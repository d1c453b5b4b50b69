"""Half a megabyte of real English that every Python already has: pydoc's help topics.

`python_help_text()` is the text that `help("assert")`, `help("for")` and the other
help topics print, read from the standard library's `pydoc_data.topics` (about 465 kB
on Python 3.11): nothing is downloaded and nothing is copied into this repository.
`char_corpus()` turns it into character ids, split into a training text and a
held-out text, and `ngram_cross_entropy` measures the count baselines (unigram,
bigram) that a language model has to beat.

Example:

>>> corpus = char_corpus()                                       # doctest: +SKIP
>>> len(corpus.vocab), len(corpus.train_ids) > 400_000          # doctest: +SKIP
(97, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_float, check_int
from .text import Vocabulary

__all__ = ["CharCorpus", "char_batches", "char_corpus", "ngram_cross_entropy",
           "python_help_text"]


def python_help_text() -> str:
    """Every help topic of `pydoc_data.topics`, in sorted key order, joined by newlines.

    Returns:
        One str of about 465,000 characters (Python 3.11), mostly English prose about
        Python with code examples.
    """
    from pydoc_data.topics import topics

    return "\n".join(topics[key] for key in sorted(topics))


@dataclass(frozen=True)
class CharCorpus:
    """A character-level corpus: the vocabulary, and the training and held-out ids.

    Args:
        vocab: a `Vocabulary` at `level="char"` (id 0 padding, id 1 for rare characters).
        train_ids: int32 ids of the training text, shape `(n_train,)`.
        val_ids: int32 ids of the held-out text (the end of the text), shape `(n_val,)`.
    """

    vocab: Vocabulary
    train_ids: np.ndarray
    val_ids: np.ndarray


def char_corpus(held_out: float = 0.1, min_count: int = 20) -> CharCorpus:
    """pydoc's help text as character ids, the last `held_out` share held out.

    Args:
        held_out: the fraction of the text, taken from its end, kept for evaluation.
        min_count: characters seen fewer times in the whole text share the unknown id 1.

    Returns:
        A `CharCorpus`.

    Example:

    >>> corpus = char_corpus(held_out=0.1)                      # doctest: +SKIP
    >>> corpus.vocab.decode(corpus.train_ids[:22])              # doctest: +SKIP
    'The "assert" statement'
    """
    held_out = check_float("held_out", held_out, 0.0, 0.5, low_open=True)
    min_count = check_int("min_count", min_count)
    text = python_help_text()
    vocab = Vocabulary.from_text(text, level="char", min_count=min_count)
    ids = np.asarray(vocab.encode(text), dtype=np.int32)
    n_val = int(round(len(ids) * held_out))
    return CharCorpus(vocab, ids[:-n_val], ids[-n_val:])


def ngram_cross_entropy(train_ids, test_ids, vocab_size: int, order: int) -> float:
    """Held-out cross-entropy, in nats per character, of an add-one smoothed n-gram model.

    `order=1` is the unigram model (each id with its frequency in `train_ids`);
    `order=2` the bigram model (each id with its frequency after the previous id). The
    first `order - 1` ids of `test_ids` are context only and are not scored.

    Args:
        train_ids: the ids the counts come from, shape `(n,)`.
        test_ids: the ids scored, shape `(m,)`, `m >= order`.
        vocab_size: the number of ids V.
        order: 1 or 2.

    Returns:
        The mean of `-ln p(id | previous ids)` over the scored ids.

    Example:

    >>> round(ngram_cross_entropy([2, 3, 2, 3], [2, 3], 4, order=2), 3)
    0.693
    """
    order = check_int("order", order)
    if order not in (1, 2):
        raise ValueError(f"order must be 1 (unigram) or 2 (bigram), got {order}")
    vocab_size = check_int("vocab_size", vocab_size)
    train = np.asarray(train_ids, dtype=np.int64)
    test = np.asarray(test_ids, dtype=np.int64)
    if len(test) < order:
        raise ValueError(f"test_ids needs at least {order} ids, got {len(test)}")
    if order == 1:
        counts = np.bincount(train, minlength=vocab_size) + 1.0
        return float(-np.mean(np.log(counts[test] / counts.sum())))
    counts = np.ones((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1.0)
    probs = counts / counts.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(probs[test[:-1], test[1:]])))


def char_batches(ids, steps: int, batch_size: int, length: int, seed=None):
    """`steps` training batches of windows cut at random places from `ids`.

    Each batch holds `batch_size` windows `x` of `length` ids and their targets `y`, the
    same windows shifted by one id, so `y[n, t]` is the id that follows `x[n, t]`.

    Args:
        ids: the text as ids, shape `(n,)`, `n > length`.
        steps: the number of batches.
        batch_size: windows per batch.
        length: ids per window (the time steps).
        seed: an int or None, for the window positions.

    Yields:
        `(x, y)`, int32 arrays of shape `(batch_size, length)`.

    Example:

    >>> x, y = next(char_batches(np.arange(100), 1, batch_size=2, length=5, seed=0))
    >>> bool(np.all(y == x + 1)), x.shape
    (True, (2, 5))
    """
    steps = check_int("steps", steps)
    batch_size = check_int("batch_size", batch_size)
    length = check_int("length", length)
    ids = np.asarray(ids, dtype=np.int32)
    if ids.ndim != 1 or len(ids) <= length:
        raise ValueError(f"ids must be 1-D and longer than length={length}, got shape "
                         f"{ids.shape}")
    rng = np.random.default_rng(seed)
    offsets = np.arange(length)
    for _ in range(steps):
        starts = rng.integers(0, len(ids) - length, batch_size)[:, None]
        yield ids[starts + offsets], ids[starts + offsets + 1]
