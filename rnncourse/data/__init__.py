"""Offline data sets for the course, as NumPy arrays shaped the Keras way.

Nothing here imports TensorFlow or downloads anything.

Modules:
    synthetic  sine-wave windows, the adding problem, the copy task
    text       `Vocabulary` (char/word tokenizer), sliding windows, n-gram prefixes, padding
    series     yearly sunspot numbers (from statsmodels), chronological splits, windows
    dates      human-readable dates -> ISO dates, for sequence-to-sequence models
    corpus     pydoc's help topics (465 kB of English in every Python) as character ids
"""

from .corpus import (
    CharCorpus,
    char_batches,
    char_corpus,
    ngram_cross_entropy,
    python_help_text,
)
from .dates import (
    DATE_FORMATS,
    DateDataset,
    date_dataset,
    encode_sources,
    format_date,
    random_dates,
    source_maxlen,
    source_vocabulary,
    target_vocabulary,
)
from .series import Standardizer, series_windows, split_series, sunspots
from .synthetic import (
    ADDING_BASELINE_MSE,
    adding_baseline_mse,
    adding_problem,
    copy_task,
    copy_task_baseline_ce,
    sine_windows,
)
from .text import OOV_ID, PAD_ID, Vocabulary, ngram_prefixes, pad_sequences, sliding_windows

__all__ = [
    "ADDING_BASELINE_MSE",
    "CharCorpus",
    "char_batches",
    "DATE_FORMATS",
    "OOV_ID",
    "PAD_ID",
    "DateDataset",
    "Standardizer",
    "Vocabulary",
    "adding_baseline_mse",
    "adding_problem",
    "char_corpus",
    "copy_task",
    "copy_task_baseline_ce",
    "date_dataset",
    "encode_sources",
    "format_date",
    "ngram_cross_entropy",
    "ngram_prefixes",
    "pad_sequences",
    "python_help_text",
    "random_dates",
    "series_windows",
    "sine_windows",
    "sliding_windows",
    "source_maxlen",
    "source_vocabulary",
    "split_series",
    "sunspots",
    "target_vocabulary",
]
