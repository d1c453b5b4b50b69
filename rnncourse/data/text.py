"""A small tokenizer, replacing the `keras.preprocessing.text.Tokenizer` that Keras 3 removed.

`Vocabulary` maps tokens (characters or words) to integer ids and back.
Two ids are reserved, as in `keras.layers.TextVectorization`:

- `0` (`PAD_ID`) is padding, so `Embedding(..., mask_zero=True)` can mask it;
- `1` (`OOV_ID`) stands for every token the vocabulary does not know.

Then come optional special tokens (e.g. `"<start>"`, `"<end>"`), then the
real tokens, most frequent first.

`sliding_windows`, `pad_sequences` and `ngram_prefixes` turn id sequences
into next-token training pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ._checks import check_int

__all__ = [
    "KERAS_FILTERS",
    "OOV_ID",
    "OOV_TOKEN",
    "PAD_ID",
    "PAD_TOKEN",
    "Vocabulary",
    "ngram_prefixes",
    "pad_sequences",
    "sliding_windows",
]

PAD_ID = 0
OOV_ID = 1
PAD_TOKEN = ""
OOV_TOKEN = "[UNK]"
# The default `filters` of the old Keras Tokenizer: removed from word-level text.
# The apostrophe is not in it, so "don't" stays one word, as it did in Keras.
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_LEVELS = ("char", "word")


def _check_level(level: object) -> str:
    if level not in _LEVELS:
        raise ValueError(f"level must be 'char' or 'word', got {level!r}")
    return str(level)


def _check_text(name: str, text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    return text


class Vocabulary:
    """A two-way map between tokens (characters or words) and integer ids.

    Ids: `0` is padding, `1` is out-of-vocabulary (OOV), then the
    `specials` in order, then `tokens` in order.

    Tokenization:

    - `level="char"`: every character is a token, spaces and punctuation
      included. Case is kept unless `lower=True`, so
      `decode(encode(text)) == text` for any text whose characters are all
      in the vocabulary. (The old Keras Tokenizer lowercased by default even
      at character level; we keep case so that round trips are exact.)
    - `level="word"`: like the old Keras Tokenizer, the text is lowercased
      (unless `lower=False`), every character of `KERAS_FILTERS` is replaced
      by a space, and the text is split on whitespace. So
      `"Hello, world!"` becomes `["hello", "world"]`, and
      `decode(encode(text)) == " ".join(tokenize(text))`: exact for
      in-vocabulary text that is already lowercase, unpunctuated and single-spaced.

    Build one from a corpus with `Vocabulary.from_text`, or from an explicit
    token list with the constructor.

    Args:
        tokens: the tokens, in id order (the first gets id
            `2 + len(specials)`). No duplicates, no empty strings; at
            `level="char"` every token is a single character.
        level: `"char"` or `"word"`.
        lower: lowercase text before tokenizing. Defaults to `False` at
            char level and `True` at word level.
        specials: extra reserved tokens (e.g. `("<start>", "<end>")`) that get
            ids `2, 3, ...`. Tokenizing text never produces them; put their
            ids into sequences yourself.

    Example:

    >>> vocab = Vocabulary.from_text("hello world", level="char")
    >>> ids = vocab.encode("hello")
    >>> vocab.decode(ids)
    'hello'
    >>> int(vocab.encode("hex")[2]) == OOV_ID  # 'x' was never seen
    True
    """

    def __init__(
        self,
        tokens: Iterable[str],
        *,
        level: str = "char",
        lower: bool | None = None,
        specials: Sequence[str] = (),
    ) -> None:
        self.level = _check_level(level)
        if lower is None:
            lower = level == "word"
        if not isinstance(lower, bool):
            raise TypeError(f"lower must be a bool or None, got {lower!r}")
        self.lower = lower
        if isinstance(tokens, str) and level == "word":
            raise TypeError(
                "tokens must be a list of words, got a single str; "
                "use Vocabulary.from_text to build a vocabulary from text"
            )
        if isinstance(specials, str):
            raise TypeError(f"specials must be a sequence of str, got the str {specials!r}")

        self.specials = tuple(specials)
        self._id_to_token: list[str] = [PAD_TOKEN, OOV_TOKEN]
        self._token_to_id: dict[str, int] = {}
        for token in self.specials:
            self._add("specials", token)
        for token in tokens:
            if level == "char" and isinstance(token, str) and len(token) != 1:
                raise ValueError(f"tokens must be single characters at level='char', got {token!r}")
            self._add("tokens", token)

    def _add(self, name: str, token: object) -> None:
        if not isinstance(token, str):
            raise TypeError(f"{name} must contain only str, got {token!r}")
        if token in (PAD_TOKEN, OOV_TOKEN):
            raise ValueError(f"{name} must not contain the reserved token {token!r}")
        if token in self._token_to_id:
            raise ValueError(f"{name} must not contain duplicates, got {token!r} twice")
        self._token_to_id[token] = len(self._id_to_token)
        self._id_to_token.append(token)

    @classmethod
    def from_text(
        cls,
        texts: str | Iterable[str],
        *,
        level: str = "char",
        lower: bool | None = None,
        max_tokens: int | None = None,
        min_count: int = 1,
        specials: Sequence[str] = (),
    ) -> Vocabulary:
        """Build a vocabulary from a corpus, most frequent tokens first.

        Ties keep the order of first appearance, as the old Keras Tokenizer did.

        Args:
            texts: one string, or an iterable of strings (e.g. lines).
            level: `"char"` or `"word"`.
            lower: as in the constructor.
            max_tokens: maximum size of the vocabulary, counting the padding,
                OOV and special ids (like `TextVectorization(max_tokens=...)`).
                The rarest tokens are dropped. `None` keeps them all.
            min_count: drop tokens seen fewer than this many times.
            specials: as in the constructor.

        Returns:
            A `Vocabulary`.

        Example:

        >>> vocab = Vocabulary.from_text(["The cat.", "The dog!"], level="word")
        >>> vocab.tokens
        ['', '[UNK]', 'the', 'cat', 'dog']
        """
        level = _check_level(level)
        if isinstance(texts, str):
            texts = [texts]
        min_count = check_int("min_count", min_count)
        probe = cls([], level=level, lower=lower, specials=specials)
        if max_tokens is not None:
            max_tokens = check_int("max_tokens", max_tokens, minimum=len(probe))

        counts: dict[str, int] = {}  # dicts keep insertion order: first appearance
        for text in texts:
            for token in probe.tokenize(text):
                counts[token] = counts.get(token, 0) + 1
        # sorted() is stable, so equal counts stay in order of first appearance.
        ranked = sorted(counts, key=lambda token: -counts[token])
        kept = [token for token in ranked if counts[token] >= min_count]
        if max_tokens is not None:
            kept = kept[: max_tokens - len(probe)]
        return cls(kept, level=level, lower=probe.lower, specials=specials)

    # -- mapping -------------------------------------------------------------

    def tokenize(self, text: str) -> list[str]:
        """Split `text` into tokens (characters or words), as `encode` does.

        Args:
            text: a string.

        Returns:
            A list of str tokens.

        Example:

        >>> Vocabulary([], level="word").tokenize("Hello, World!")
        ['hello', 'world']
        """
        text = _check_text("text", text)
        if self.lower:
            text = text.lower()
        if self.level == "char":
            return list(text)
        text = text.translate(str.maketrans(KERAS_FILTERS, " " * len(KERAS_FILTERS)))
        return text.split()

    def encode(self, text: str, *, strict: bool = False) -> np.ndarray:
        """Turn text into ids.

        Args:
            text: a string.
            strict: if `True`, raise on tokens that are not in the
                vocabulary instead of mapping them to `OOV_ID`.

        Returns:
            An int32 array of shape `(n_tokens,)`.

        Example:

        >>> vocab = Vocabulary(["a", "b"])
        >>> vocab.encode("abc").tolist()
        [2, 3, 1]
        """
        tokens = self.tokenize(text)
        ids = [self._token_to_id.get(token, OOV_ID) for token in tokens]
        if strict and OOV_ID in ids:
            unknown = sorted({t for t, i in zip(tokens, ids, strict=True) if i == OOV_ID})
            raise ValueError(f"text contains tokens not in the vocabulary: {unknown}")
        return np.asarray(ids, dtype=np.int32)

    def decode(self, ids: Iterable[int] | np.ndarray, *, skip_special: bool = True) -> str:
        """Turn ids back into text.

        Padding ids are dropped; OOV ids become `"[UNK]"`. Characters are
        joined with nothing, words with one space.

        Args:
            ids: ids of shape `(n_tokens,)`.
            skip_special: drop the special tokens (e.g. `"<start>"`) too.

        Returns:
            A str.

        Example:

        >>> vocab = Vocabulary(["a", "b"])
        >>> vocab.decode([2, 3, 0, 0])
        'ab'
        """
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"ids must be 1-D (one sequence), got shape {ids.shape}")
        if ids.size and not np.issubdtype(ids.dtype, np.integer):
            raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
        bad = ids[(ids < 0) | (ids >= len(self))]
        if bad.size:
            raise ValueError(
                f"ids must be in [0, {len(self)}) for this vocabulary, got {bad.tolist()}"
            )
        n_reserved = 2 + len(self.specials)
        kept = [
            self._id_to_token[i]
            for i in ids.tolist()
            if i != PAD_ID and not (skip_special and 2 <= i < n_reserved)
        ]
        return ("" if self.level == "char" else " ").join(kept)

    def id_of(self, token: str) -> int:
        """The id of `token` (a special or a vocabulary token); `OOV_ID` if unknown.

        Args:
            token: one token, e.g. `"<start>"`.

        Returns:
            An int id.

        Example:

        >>> Vocabulary(["a"], specials=["<start>"]).id_of("<start>")
        2
        """
        return self._token_to_id.get(_check_text("token", token), OOV_ID)

    @property
    def tokens(self) -> list[str]:
        """All tokens in id order, starting with `""` (padding) and `"[UNK]"`."""
        return list(self._id_to_token)

    def __len__(self) -> int:
        """The number of ids, padding and OOV included: use it as `input_dim`."""
        return len(self._id_to_token)

    def __contains__(self, token: object) -> bool:
        return token in self._token_to_id

    def __repr__(self) -> str:
        return f"Vocabulary(level={self.level!r}, size={len(self)}, lower={self.lower})"


def _as_id_list(name: str, sequences: Iterable[Iterable[int]]) -> list[np.ndarray]:
    """Turn a batch of id sequences into a list of 1-D integer arrays."""
    if isinstance(sequences, np.ndarray) and sequences.ndim == 1 and sequences.dtype != object:
        raise ValueError(f"{name} must be a list of sequences, got one 1-D array")
    out = []
    for seq in sequences:
        arr = np.asarray(seq)
        if arr.ndim != 1:
            raise ValueError(f"{name} must contain 1-D sequences, got shape {arr.shape}")
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must contain integer ids, got dtype {arr.dtype}")
        out.append(arr.astype(np.int64))
    return out


def sliding_windows(ids: Sequence[int] | np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut one id sequence into windows, each paired with the next id.

    Window `i` is `ids[i : i + window]` and its target is `ids[i + window]`.

    Args:
        ids: one sequence of ids, shape `(n_tokens,)`, e.g. `vocab.encode(text)`.
        window: number of ids the model sees; `len(ids)` must exceed it.

    Returns:
        A tuple `(x, y)` of int32 arrays: `x` of shape
        `(n_tokens - window, window)` and `y` of shape `(n_tokens - window,)`
        (ready for `sparse_categorical_crossentropy`).

    Example:

    >>> x, y = sliding_windows([5, 6, 7, 8], window=2)
    >>> x.tolist(), y.tolist()
    ([[5, 6], [6, 7]], [7, 8])
    """
    window = check_int("window", window)
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be a 1-D sequence of ids, got shape {ids.shape}")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
    if len(ids) <= window:
        raise ValueError(
            f"ids must be longer than window to make one pair, "
            f"got len(ids)={len(ids)} and window={window}"
        )
    n = len(ids) - window
    index = np.arange(n)[:, None] + np.arange(window)[None, :]
    return ids[index].astype(np.int32), ids[window:].astype(np.int32)


def pad_sequences(
    sequences: Iterable[Iterable[int]],
    maxlen: int | None = None,
    *,
    padding: str = "pre",
    truncating: str = "pre",
    value: int = PAD_ID,
) -> np.ndarray:
    """Pad id sequences to one length, like `keras.utils.pad_sequences` (no TensorFlow import).

    Args:
        sequences: a list of id sequences of varying lengths.
        maxlen: the output length; `None` means the longest sequence.
        padding: `"pre"` pads on the left (the default, as in Keras), `"post"`
            on the right.
        truncating: for sequences longer than `maxlen`, `"pre"` drops ids at
            the start (keeps the end), `"post"` drops ids at the end.
        value: the padding id.

    Returns:
        An int32 array of shape `(len(sequences), maxlen)`.

    Example:

    >>> pad_sequences([[1, 2], [3]]).tolist()
    [[1, 2], [0, 3]]
    >>> pad_sequences([[1, 2, 3]], maxlen=2, padding="post", truncating="post").tolist()
    [[1, 2]]
    """
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f"{name} must be 'pre' or 'post', got {choice!r}")
    value = check_int("value", value, minimum=0)
    seqs = _as_id_list("sequences", sequences)
    if maxlen is None:
        if not seqs:
            raise ValueError("maxlen must be given when sequences is empty")
        maxlen = max(len(s) for s in seqs)
    else:
        maxlen = check_int("maxlen", maxlen)

    out = np.full((len(seqs), maxlen), value, dtype=np.int32)
    for row, seq in enumerate(seqs):
        seq = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if len(seq) == 0:
            continue
        if padding == "pre":
            out[row, maxlen - len(seq) :] = seq
        else:
            out[row, : len(seq)] = seq
    return out


def ngram_prefixes(
    sequences: Iterable[Iterable[int]], maxlen: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every prefix of every sequence, left-padded, paired with the id that follows it.

    This is the next-word set-up of the classic Keras 2 tutorials: for a line
    `[w1, w2, w3, w4]` it makes `[w1] -> w2`, `[w1, w2] -> w3` and
    `[w1, w2, w3] -> w4`, then pads every prefix on the left with `0`
    (`pad_sequences(..., padding="pre")`).

    Args:
        sequences: a list of id sequences, e.g.
            `[vocab.encode(line) for line in lines]`. Sequences shorter than
            2 ids give no pairs.
        maxlen: the width of `x`. `None` means the longest prefix (the
            longest sequence minus one). Longer prefixes keep their last
            `maxlen` ids.

    Returns:
        A tuple `(x, y)` of int32 arrays: `x` of shape `(n_pairs, maxlen)` and
        `y` of shape `(n_pairs,)`, where `n_pairs = sum(len(s) - 1)`.

    Example:

    >>> x, y = ngram_prefixes([[4, 5, 6]])
    >>> x.tolist(), y.tolist()
    ([[0, 4], [4, 5]], [5, 6])
    """
    seqs = _as_id_list("sequences", sequences)
    prefixes = [seq[:i] for seq in seqs for i in range(1, len(seq))]
    targets = [int(seq[i]) for seq in seqs for i in range(1, len(seq))]
    if not prefixes:
        raise ValueError("sequences must contain at least one sequence of 2 or more ids")
    x = pad_sequences(prefixes, maxlen, padding="pre", truncating="pre")
    return x, np.asarray(targets, dtype=np.int32)
