"""Date translation: human-readable dates -> ISO dates, for the sequence-to-sequence chapter.

A source like `"wednesday, march 3 2021"` or `"03/03/21"` translates to the
target `"2021-03-03"`. Each source is encoded character by character, and
so is each target, with a `<start>` token for teacher forcing and an `<end>`
token that tells the decoder to stop.

Conventions that a model has to learn from the data:

- Numeric dates are day first: `"03/04/21"` is 3 April, not March 4.
- Two-digit years 50-99 mean 1950-1999 and 00-49 mean 2000-2049; that is
  why dates are drawn from `FIRST_DATE` to `LAST_DATE` only.
- Month and weekday names are English.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._checks import Seed, check_int, rng_from
from .text import Vocabulary, pad_sequences

__all__ = [
    "DATE_FORMATS",
    "FIRST_DATE",
    "LAST_DATE",
    "TARGET_LEN",
    "DateDataset",
    "date_dataset",
    "encode_sources",
    "format_date",
    "random_dates",
    "source_maxlen",
    "source_vocabulary",
    "target_vocabulary",
]

FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)
TARGET_LEN = 10  # len("yyyy-mm-dd")
START_TOKEN = "<start>"
END_TOKEN = "<end>"

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(day: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _month(d: datetime.date) -> str:
    return _MONTHS[d.month - 1]


def _weekday(d: datetime.date) -> str:
    return _WEEKDAYS[d.weekday()]


# Each format is named by a pattern and shown on 2021-03-03 (a Wednesday).
# We format by hand instead of strftime, whose month names depend on the locale.
_FORMATTERS: dict[str, Callable[[datetime.date], str]] = {
    # "3 March 2021"
    "d Month yyyy": lambda d: f"{d.day} {_month(d)} {d.year}",
    # "Mar 3, 2021"
    "Mon d, yyyy": lambda d: f"{_month(d)[:3]} {d.day}, {d.year}",
    # "03/03/21" (day first)
    "dd/mm/yy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
    # "wednesday, march 3 2021"
    "weekday, month d yyyy": lambda d: (
        f"{_weekday(d).lower()}, {_month(d).lower()} {d.day} {d.year}"
    ),
    # "3 mar 2021"
    "d mon yyyy": lambda d: f"{d.day} {_month(d)[:3].lower()} {d.year}",
    # "MARCH 3, 2021"
    "MONTH d, yyyy": lambda d: f"{_month(d).upper()} {d.day}, {d.year}",
    # "Wed 3 Mar 2021"
    "Wkd d Mon yyyy": lambda d: f"{_weekday(d)[:3]} {d.day} {_month(d)[:3]} {d.year}",
    # "03.03.2021"
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    # "March 3rd, 2021"
    "Month dth, yyyy": lambda d: f"{_month(d)} {_ordinal(d.day)}, {d.year}",
}
DATE_FORMATS: tuple[str, ...] = tuple(_FORMATTERS)
"""Names of the source formats, e.g. `"dd/mm/yy"`; see `format_date`."""


def _check_date(name: str, value: object) -> datetime.date:
    # datetime is a subclass of date, but a time of day has no place here.
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(
            f"{name} must be between {FIRST_DATE} and {LAST_DATE} (two-digit years would "
            f"be ambiguous otherwise), got {value}"
        )
    return value


def _check_formats(formats: Sequence[str] | None) -> tuple[str, ...]:
    if formats is None:
        return DATE_FORMATS
    if isinstance(formats, str):
        raise TypeError(f"formats must be a sequence of format names, got the str {formats!r}")
    formats = tuple(formats)
    if not formats:
        raise ValueError("formats must name at least one format, got an empty sequence")
    unknown = [f for f in formats if f not in _FORMATTERS]
    if unknown:
        raise ValueError(f"formats contains unknown names {unknown}; choose from {DATE_FORMATS}")
    return formats


def format_date(date: datetime.date, fmt: str) -> str:
    """Write a date in one of the human-readable source formats.

    Args:
        date: a `datetime.date` between `FIRST_DATE` and `LAST_DATE`.
        fmt: one of `DATE_FORMATS`: `"d Month yyyy"` (3 March 2021),
            `"Mon d, yyyy"` (Mar 3, 2021), `"dd/mm/yy"` (03/03/21),
            `"weekday, month d yyyy"` (wednesday, march 3 2021),
            `"d mon yyyy"` (3 mar 2021), `"MONTH d, yyyy"` (MARCH 3, 2021),
            `"Wkd d Mon yyyy"` (Wed 3 Mar 2021), `"dd.mm.yyyy"` (03.03.2021),
            `"Month dth, yyyy"` (March 3rd, 2021).

    Returns:
        A str.

    Example:

    >>> format_date(datetime.date(2021, 3, 3), "weekday, month d yyyy")
    'wednesday, march 3 2021'
    """
    date = _check_date("date", date)
    if fmt not in _FORMATTERS:
        raise ValueError(f"fmt must be one of {DATE_FORMATS}, got {fmt!r}")
    return _FORMATTERS[fmt](date)


def random_dates(n: int, seed: Seed = None) -> list[datetime.date]:
    """Dates drawn uniformly from `FIRST_DATE` to `LAST_DATE` (inclusive).

    Args:
        n: number of dates.
        seed: seed (or `numpy.random.Generator`) for reproducible dates.

    Returns:
        A list of `n` `datetime.date`.

    Example:

    >>> random_dates(2, seed=0) == random_dates(2, seed=0)
    True
    """
    n = check_int("n", n)
    rng = rng_from(seed)
    ordinals = rng.integers(FIRST_DATE.toordinal(), LAST_DATE.toordinal() + 1, size=n)
    return [datetime.date.fromordinal(int(o)) for o in ordinals]


@functools.cache
def _source_alphabet_and_maxlen() -> tuple[tuple[str, ...], int]:
    # Every day of 2021 shows every month name next to every weekday name,
    # with one- and two-digit days; years always have 2 or 4 digits. So one
    # year's formatted dates contain every character and the longest source.
    day = datetime.date(2021, 1, 1)
    chars: set[str] = set()
    maxlen = 0
    while day.year == 2021:
        for fmt in _FORMATTERS.values():
            text = fmt(day)
            chars.update(text)
            maxlen = max(maxlen, len(text))
        day += datetime.timedelta(days=1)
    return tuple(sorted(chars)), maxlen


def source_maxlen() -> int:
    """The length of the longest possible source string; encoded sources have this width.

    Returns:
        An int: 28, the length of e.g. `"wednesday, september 29 2021"`.

    Example:

    >>> source_maxlen()
    28
    """
    return _source_alphabet_and_maxlen()[1]


def source_vocabulary() -> Vocabulary:
    """The character vocabulary of all source formats (case kept).

    The same for every data set, so a model trained on one sample reads any other.

    Returns:
        A char-level `Vocabulary` (id 0 padding, id 1 unknown character).

    Example:

    >>> vocab = source_vocabulary()
    >>> vocab.decode(vocab.encode("3 March 2021"))
    '3 March 2021'
    """
    return Vocabulary(_source_alphabet_and_maxlen()[0], level="char")


def target_vocabulary() -> Vocabulary:
    """The character vocabulary of ISO dates: digits, `"-"`, `"<start>"` and `"<end>"`.

    Returns:
        A char-level `Vocabulary` with ids 0 padding, 1 unknown, 2 `<start>`,
        3 `<end>`, then `"0"`-`"9"` and `"-"` (15 ids in all).

    Example:

    >>> vocab = target_vocabulary()
    >>> vocab.id_of("<start>"), vocab.id_of("<end>"), len(vocab)
    (2, 3, 15)
    """
    return Vocabulary(list("0123456789-"), level="char", specials=(START_TOKEN, END_TOKEN))


def encode_sources(sources: Sequence[str]) -> np.ndarray:
    """Encode source strings for the encoder: character ids, padded at the end with 0.

    Args:
        sources: `n` date strings in any of the `DATE_FORMATS`.

    Returns:
        An int32 array of shape `(n, source_maxlen())`.

    Example:

    >>> encode_sources(["3 March 2021"]).shape == (1, source_maxlen())
    True
    """
    if isinstance(sources, str):
        raise TypeError("sources must be a list of str, got a single str; wrap it in a list")
    vocab = source_vocabulary()
    maxlen = source_maxlen()
    encoded = []
    for text in sources:
        # strict: an unknown character means a format the model never saw.
        ids = vocab.encode(text, strict=True)
        if len(ids) > maxlen:
            raise ValueError(f"sources contains a string longer than {maxlen} characters: {text!r}")
        encoded.append(ids)
    return pad_sequences(encoded, maxlen, padding="post")


@dataclass(frozen=True)
class DateDataset:
    """Date pairs, as text and as padded id arrays for teacher forcing.

    With `T = TARGET_LEN + 1 = 11` (ten characters plus one start or end token):

    - `encoder_input[i]` is `sources[i]`, one id per character, padded with 0
      at the end to `source_maxlen()`.
    - `decoder_input[i]` is `<start>` followed by the ten characters of
      `targets[i]`: the target shifted right by one step.
    - `decoder_target[i]` is the ten characters followed by `<end>`. At
      step `t` the decoder reads `decoder_input[:, t]` (the previous correct
      character) and must predict `decoder_target[:, t]`.

    Attributes:
        sources: `n` human-readable dates (str).
        targets: `n` ISO dates `"yyyy-mm-dd"` (str).
        dates: the `n` `datetime.date` both describe.
        formats: the name of the format of each source, from `DATE_FORMATS`.
        encoder_input: int32, shape `(n, source_maxlen())`.
        decoder_input: int32, shape `(n, 11)`.
        decoder_target: int32, shape `(n, 11)`.
        source_vocab: the `Vocabulary` of `encoder_input`.
        target_vocab: the `Vocabulary` of `decoder_input` and `decoder_target`.
    """

    sources: list[str]
    targets: list[str]
    dates: list[datetime.date]
    formats: list[str]
    encoder_input: np.ndarray
    decoder_input: np.ndarray
    decoder_target: np.ndarray
    source_vocab: Vocabulary
    target_vocab: Vocabulary

    def __len__(self) -> int:
        return len(self.sources)


def date_dataset(n: int, seed: Seed = None, formats: Sequence[str] | None = None) -> DateDataset:
    """Random (human-readable date, ISO date) pairs, encoded for a seq2seq model.

    Each date is drawn uniformly from `FIRST_DATE` to `LAST_DATE` and each
    source format uniformly from `formats`.

    Args:
        n: number of pairs.
        seed: seed (or `numpy.random.Generator`) for reproducible data.
        formats: names from `DATE_FORMATS` to draw from; `None` uses them all.

    Returns:
        A `DateDataset` with `encoder_input` of shape `(n, source_maxlen())`
        and `decoder_input`, `decoder_target` of shape `(n, 11)`, all int32.

    Example:

    >>> data = date_dataset(3, seed=0)
    >>> data.decoder_input.shape, data.decoder_target.shape
    ((3, 11), (3, 11))
    >>> data.target_vocab.decode(data.decoder_target[0]) == data.targets[0]
    True
    """
    n = check_int("n", n)
    formats = _check_formats(formats)
    rng = rng_from(seed)
    dates = random_dates(n, rng)
    chosen = [formats[i] for i in rng.integers(0, len(formats), size=n)]
    sources = [_FORMATTERS[f](d) for f, d in zip(chosen, dates, strict=True)]
    targets = [d.isoformat() for d in dates]

    target_vocab = target_vocabulary()
    start = np.full((n, 1), target_vocab.id_of(START_TOKEN), dtype=np.int32)
    end = np.full((n, 1), target_vocab.id_of(END_TOKEN), dtype=np.int32)
    chars = np.stack([target_vocab.encode(t, strict=True) for t in targets])  # (n, 10)
    return DateDataset(
        sources=sources,
        targets=targets,
        dates=dates,
        formats=chosen,
        encoder_input=encode_sources(sources),
        decoder_input=np.concatenate([start, chars], axis=1),
        decoder_target=np.concatenate([chars, end], axis=1),
        source_vocab=source_vocabulary(),
        target_vocab=target_vocab,
    )
