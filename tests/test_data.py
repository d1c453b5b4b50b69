"""Tests of rnncourse.data: shapes, seeds, task semantics, leak-free splits, clear errors."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnncourse.data import (
    ADDING_BASELINE_MSE,
    DATE_FORMATS,
    OOV_ID,
    PAD_ID,
    Standardizer,
    Vocabulary,
    adding_baseline_mse,
    adding_problem,
    char_batches,
    char_corpus,
    copy_task,
    copy_task_baseline_ce,
    date_dataset,
    encode_sources,
    format_date,
    ngram_cross_entropy,
    ngram_prefixes,
    pad_sequences,
    python_help_text,
    random_dates,
    series_windows,
    sine_windows,
    sliding_windows,
    source_maxlen,
    source_vocabulary,
    split_series,
    sunspots,
    target_vocabulary,
)
from rnncourse.data.dates import FIRST_DATE, LAST_DATE

# ---------------------------------------------------------------- sine windows


def test_sine_windows_shapes_and_dtype():
    x, y = sine_windows(n_points=120, window=10)
    assert x.shape == (110, 10, 1), f"x shape {x.shape}, expected (110, 10, 1)"
    assert y.shape == (110, 1), f"y shape {y.shape}, expected (110, 1)"
    assert x.dtype == np.float32 and y.dtype == np.float32


def test_sine_windows_target_is_the_value_right_after_each_window():
    n_points, window, stop = 60, 7, 20.0
    x, y = sine_windows(n_points=n_points, window=window, stop=stop)
    wave = np.sin(np.linspace(0.0, stop, n_points)).astype(np.float32)
    for i in range(len(x)):
        np.testing.assert_array_equal(x[i, :, 0], wave[i : i + window], err_msg=f"window {i}")
        assert y[i, 0] == wave[i + window], f"target of window {i} is not value {i + window}"


def test_sine_windows_noise_is_seeded():
    clean, _ = sine_windows(n_points=50, window=5)
    a, ya = sine_windows(n_points=50, window=5, noise=0.1, seed=1)
    b, yb = sine_windows(n_points=50, window=5, noise=0.1, seed=1)
    c, _ = sine_windows(n_points=50, window=5, noise=0.1, seed=2)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a, c), "different seeds gave the same noise"
    assert not np.array_equal(a, clean), "noise=0.1 left the wave unchanged"
    # Targets still come from the same (noisy) series as the windows.
    np.testing.assert_array_equal(a[1:, -1, :], ya[:-1])


# ------------------------------------------------------------- adding problem


def test_adding_problem_shapes_and_dtype():
    x, y = adding_problem(16, length=30, seed=0)
    assert x.shape == (16, 30, 2) and y.shape == (16, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32


@pytest.mark.parametrize("length", [2, 7, 50])
def test_adding_problem_has_exactly_one_marker_in_each_half(length):
    x, _ = adding_problem(500, length=length, seed=3)
    markers = x[:, :, 1]
    half = length // 2
    assert set(np.unique(markers).tolist()) <= {0.0, 1.0}, "markers must be 0 or 1"
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1.0, "first half")
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1.0, "second half")


def test_adding_problem_values_are_uniform_in_unit_interval():
    x, _ = adding_problem(200, length=50, seed=0)
    values = x[:, :, 0]
    assert values.min() >= 0.0 and values.max() <= 1.0
    assert abs(values.mean() - 0.5) < 0.02, "values should be uniform on [0, 1]"


def test_adding_problem_target_is_the_sum_of_the_two_marked_values():
    x, y = adding_problem(300, length=25, seed=5)
    expected = (x[:, :, 0] * x[:, :, 1]).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-6)


def test_adding_problem_always_predict_one_baseline_is_one_sixth():
    _, y = adding_problem(200_000, length=10, seed=0)
    mse = float(np.mean((y - 1.0) ** 2))
    assert abs(mse - 1 / 6) < 0.003, f"baseline MSE {mse:.4f}, expected about 1/6"
    assert adding_baseline_mse(y) == pytest.approx(mse)
    assert adding_baseline_mse() == ADDING_BASELINE_MSE == pytest.approx(0.1667, abs=1e-4)


def test_adding_problem_seeds_reproduce_and_differ():
    a = adding_problem(8, 20, seed=11)
    b = adding_problem(8, 20, seed=11)
    c = adding_problem(8, 20, seed=12)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


# ------------------------------------------------------------------ copy task


def test_copy_task_shapes_and_dtype():
    x, y = copy_task(5, n_symbols=8, copy_length=10, delay=20, seed=0)
    assert x.shape == y.shape == (5, 40)
    assert np.issubdtype(x.dtype, np.integer) and np.issubdtype(y.dtype, np.integer)


def test_copy_task_target_reproduces_the_symbols_after_the_delimiter():
    n_symbols, length, delay = 6, 4, 9
    x, y = copy_task(50, n_symbols=n_symbols, copy_length=length, delay=delay, seed=1)
    delimiter = n_symbols + 1
    symbols = x[:, :length]
    assert symbols.min() >= 1 and symbols.max() <= n_symbols, "symbols must be 1..n_symbols"
    # Input: symbols, blanks, the delimiter at step length + delay - 1, blanks.
    np.testing.assert_array_equal(x[:, length : length + delay - 1], 0)
    np.testing.assert_array_equal(x[:, length + delay - 1], delimiter)
    np.testing.assert_array_equal(x[:, length + delay :], 0)
    # Target: blanks until after the delimiter, then the symbols in order.
    np.testing.assert_array_equal(y[:, : length + delay], 0)
    np.testing.assert_array_equal(y[:, length + delay :], symbols)


def test_copy_task_baseline_equals_cross_entropy_of_memoryless_prediction():
    n_symbols, length, delay = 8, 10, 30
    _, y = copy_task(200, n_symbols=n_symbols, copy_length=length, delay=delay, seed=0)
    total = 2 * length + delay
    # Memoryless: certain blank for the first length + delay steps, then uniform symbols.
    probs = np.zeros((total, n_symbols + 2))
    probs[: length + delay, 0] = 1.0
    probs[length + delay :, 1 : n_symbols + 1] = 1.0 / n_symbols
    picked = probs[np.arange(total)[None, :], y]
    ce = float(-np.log(picked).mean())
    assert copy_task_baseline_ce(n_symbols, length, delay) == pytest.approx(ce)
    # The value reported by Arjovsky et al. (2016) for T = 100.
    assert copy_task_baseline_ce(8, 10, 100) == pytest.approx(10 * np.log(8) / 120)


def test_copy_task_seeds_reproduce_and_differ():
    a, _ = copy_task(10, seed=4)
    b, _ = copy_task(10, seed=4)
    c, _ = copy_task(10, seed=5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# ---------------------------------------------------------------------- text


def test_char_vocabulary_round_trips_and_reserves_padding_and_oov():
    text = "To be, or not to be."
    vocab = Vocabulary.from_text(text, level="char")
    assert vocab.tokens[PAD_ID] == "" and vocab.tokens[OOV_ID] == "[UNK]"
    ids = vocab.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert ids.min() >= 2, "real characters must not get the padding or OOV id"
    assert vocab.decode(ids) == text
    assert len(vocab) == 2 + len(set(text))


def test_char_vocabulary_maps_unknown_characters_to_oov_and_ignores_padding():
    vocab = Vocabulary.from_text("abc")
    ids = vocab.encode("abz")
    assert ids[2] == OOV_ID
    assert vocab.decode(ids) == "ab[UNK]"
    assert vocab.decode(np.concatenate([[PAD_ID, PAD_ID], vocab.encode("cab")])) == "cab"


def test_vocabulary_orders_tokens_by_frequency_then_first_appearance():
    vocab = Vocabulary.from_text("c b a b", level="word")
    assert vocab.tokens[2:] == ["b", "c", "a"], "b is most frequent; c came before a"


def test_word_vocabulary_lowercases_and_strips_punctuation_like_keras_tokenizer():
    vocab = Vocabulary.from_text(["Hello, World!", "the world; isn't it?"], level="word")
    assert vocab.tokenize("Hello, (World)!") == ["hello", "world"]
    assert "isn't" in vocab, "the apostrophe is not a Keras filter: isn't stays one word"
    assert "," not in vocab and "Hello" not in vocab


def test_word_vocabulary_round_trips_normalised_text_and_handles_oov():
    corpus = ["The cat sat on the mat.", "The dog ate the cat!"]
    vocab = Vocabulary.from_text(corpus, level="word")
    assert vocab.decode(vocab.encode("the dog sat on the cat")) == "the dog sat on the cat"
    assert vocab.decode(vocab.encode("The DOG, sat.")) == "the dog sat"
    ids = vocab.encode("the unicorn sat")
    assert ids.tolist()[1] == OOV_ID
    assert vocab.decode(ids) == "the [UNK] sat"


def test_vocabulary_strict_encoding_names_the_unknown_tokens():
    vocab = Vocabulary.from_text("the cat", level="word")
    with pytest.raises(ValueError, match="unicorn"):
        vocab.encode("the unicorn", strict=True)


def test_vocabulary_max_tokens_and_min_count_drop_rare_tokens():
    text = "a a a b b c"
    assert Vocabulary.from_text(text, level="word", max_tokens=3).tokens == ["", "[UNK]", "a"]
    assert Vocabulary.from_text(text, level="word", min_count=2).tokens[2:] == ["a", "b"]


def test_vocabulary_specials_get_reserved_ids_and_are_skipped_when_decoding():
    vocab = Vocabulary(list("ab"), specials=("<start>", "<end>"))
    assert (vocab.id_of("<start>"), vocab.id_of("<end>"), vocab.id_of("a")) == (2, 3, 4)
    ids = [2, 4, 5, 3, 0]
    assert vocab.decode(ids) == "ab"
    assert vocab.decode(ids, skip_special=False) == "<start>ab<end>"
    assert vocab.encode("<end>").tolist() == [OOV_ID] * 5, "text never yields a special"


def test_sliding_windows_pairs_each_window_with_the_next_id():
    ids = np.arange(10, 20)
    x, y = sliding_windows(ids, window=3)
    assert x.shape == (7, 3) and y.shape == (7,) and x.dtype == np.int32
    for i in range(7):
        assert x[i].tolist() == list(range(10 + i, 13 + i))
        assert y[i] == 13 + i


def test_pad_sequences_pads_and_truncates_like_keras():
    seqs = [[1, 2, 3], [4]]
    assert pad_sequences(seqs).tolist() == [[1, 2, 3], [0, 0, 4]]
    assert pad_sequences(seqs, 4, padding="post").tolist() == [[1, 2, 3, 0], [4, 0, 0, 0]]
    assert pad_sequences(seqs, 2).tolist() == [[2, 3], [0, 4]]
    assert pad_sequences(seqs, 2, truncating="post").tolist() == [[1, 2], [0, 4]]


def test_ngram_prefixes_match_the_keras2_next_word_recipe():
    x, y = ngram_prefixes([[5, 6, 7, 8], [9, 10], [11]])
    assert x.tolist() == [[0, 0, 5], [0, 5, 6], [5, 6, 7], [0, 0, 9]]
    assert y.tolist() == [6, 7, 8, 10]
    x2, _ = ngram_prefixes([[5, 6, 7, 8]], maxlen=2)
    assert x2.tolist() == [[0, 5], [5, 6], [6, 7]]


# ---------------------------------------------------------------- sunspots


# ---------------------------------------------------------------- pydoc's help text


def test_python_help_text_is_read_from_the_standard_library_not_the_repository():
    import pydoc_data.topics

    text = python_help_text()
    assert len(text) > 100_000
    assert pydoc_data.topics.topics["assert"] in text
    root = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.split()
    samples = [text[i:i + 80] for i in range(1000, len(text), len(text) // 7)]
    for name in tracked:
        path = root / name
        if path.suffix in (".py", ".md", ".ipynb", ".txt", ".json", ".csv") and path.is_file():
            content = path.read_text(encoding="utf8", errors="ignore")
            assert not any(sample in content for sample in samples), f"{name} copies it"


def test_char_corpus_holds_out_the_end_and_round_trips_the_text():
    corpus = char_corpus(held_out=0.1)
    text = python_help_text()
    ids = np.concatenate([corpus.train_ids, corpus.val_ids])
    assert ids.dtype == np.int32 and len(ids) == len(text)
    assert abs(len(corpus.val_ids) - 0.1 * len(text)) <= 1
    known = ids != OOV_ID
    decoded = corpus.vocab.decode(ids)
    assert decoded.replace(corpus.vocab.tokens[OOV_ID], "") == "".join(
        c for c, k in zip(text, known) if k)
    assert known.mean() > 0.999       # only rare characters share the unknown id
    assert 60 < len(corpus.vocab) < 120


def test_ngram_baselines_are_add_one_smoothed_counts():
    # Bigram counts 2->3 twice and 3->2 once, plus one everywhere: p(3 | 2) = 3 / 6.
    assert ngram_cross_entropy([2, 3, 2, 3], [2, 3], 4, order=2) == pytest.approx(np.log(2))
    assert ngram_cross_entropy([2, 2, 3], [3], 4, order=1) == pytest.approx(-np.log(2 / 7))
    corpus = char_corpus()
    V = len(corpus.vocab)
    unigram = ngram_cross_entropy(corpus.train_ids, corpus.val_ids, V, order=1)
    bigram = ngram_cross_entropy(corpus.train_ids, corpus.val_ids, V, order=2)
    assert bigram < unigram < np.log(V)
    with pytest.raises(ValueError, match="order"):
        ngram_cross_entropy([2, 3], [2, 3], 4, order=3)


def test_char_batches_pair_each_window_with_the_next_ids_reproducibly():
    ids = np.arange(1000, dtype=np.int32) % 97
    batches = list(char_batches(ids, 3, batch_size=4, length=8, seed=5))
    assert len(batches) == 3
    for x, y in batches:
        assert x.shape == y.shape == (4, 8) and x.dtype == np.int32
        assert np.all((x + 1) % 97 == y)
    again = list(char_batches(ids, 3, batch_size=4, length=8, seed=5))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))
    with pytest.raises(ValueError, match="length"):
        next(char_batches(ids[:5], 1, batch_size=2, length=8))


def test_sunspots_loads_the_real_yearly_series_offline():
    years, values = sunspots()
    assert years.shape == values.shape and len(years) >= 300
    assert years[0] == 1700 and np.all(np.diff(years) == 1), "years must be 1700, 1701, ..."
    assert values.dtype == np.float32 and values.min() >= 0
    assert values[0] == 5.0, "the 1700 value in statsmodels' data is 5"
    assert years[np.argmax(values)] == 1957, "the highest yearly mean is in 1957"


def test_split_series_is_chronological_without_overlap_or_shuffling():
    years, values = sunspots()
    y_train, y_val, y_test = split_series(years, train=0.7, val=0.15)
    v_train, v_val, v_test = split_series(values, train=0.7, val=0.15)
    assert y_train.max() < y_val.min() and y_val.max() < y_test.min()
    np.testing.assert_array_equal(np.concatenate([y_train, y_val, y_test]), years)
    np.testing.assert_array_equal(np.concatenate([v_train, v_val, v_test]), values)
    assert len(y_train) == int(0.7 * len(years))


def test_split_series_fractions_are_exact_on_round_numbers():
    train, val, test = split_series(np.arange(10), train=0.7, val=0.2)
    assert (len(train), len(val), len(test)) == (7, 2, 1)


def test_series_windows_never_cross_a_split_boundary():
    years, _ = sunspots()
    window, horizon = 12, 3
    for block in split_series(years):
        x, y = series_windows(block, window=window, horizon=horizon)
        inside = set(block.tolist())
        assert set(x.ravel().astype(int).tolist()) <= inside
        assert set(y.ravel().astype(int).tolist()) <= inside
        assert len(x) == len(block) - window - horizon + 1
        # The target is `horizon` years after the last input year.
        np.testing.assert_array_equal(y[:, 0], x[:, -1, 0] + horizon)


def test_series_windows_shapes_for_one_and_many_features():
    x, y = series_windows(np.arange(20.0), window=5)
    assert x.shape == (15, 5, 1) and y.shape == (15, 1) and x.dtype == np.float32
    x, y = series_windows(np.zeros((20, 3)), window=5, horizon=2)
    assert x.shape == (14, 5, 3) and y.shape == (14, 3)


def test_standardizer_uses_training_statistics_only():
    _, values = sunspots()
    train, val, test = split_series(values)
    scaler = Standardizer.fit(train)
    assert scaler.mean == pytest.approx(train.mean(dtype=np.float64))
    assert scaler.std == pytest.approx(train.std(dtype=np.float64))
    assert abs(scaler.mean - values.mean()) > 1e-3, "the mean must not see val/test years"
    scaled = scaler.transform(train)
    assert abs(scaled.mean()) < 1e-5 and scaled.std() == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(
        scaler.transform(test), (test - train.mean()) / train.std(), rtol=1e-5
    )
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(val)), val, rtol=1e-5)


def test_importing_data_is_silent_and_does_not_load_tensorflow():
    code = (
        "import sys, rnncourse.data as d; d.sunspots(); d.date_dataset(3, seed=0);"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'"
    )
    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"something wrote to stderr:\n{result.stderr}"


# --------------------------------------------------------------------- dates

_MONTHS = "january february march april may june july august september october november december"
_MONTHS = _MONTHS.split()
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _parse_source(text: str) -> datetime.date:
    """An independent reader of the source formats (day-first numbers, 50-99 -> 19xx)."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    names = [w for w in words if w.isalpha() and w not in ("st", "nd", "rd", "th")]
    numbers = [int(w) for w in words if w.isdigit()]
    digits = [w for w in words if w.isdigit()]
    month = weekday = None
    for name in names:
        if name in _MONTHS or name in [m[:3] for m in _MONTHS]:
            month = [m[:3] for m in _MONTHS].index(name[:3]) + 1
        elif name in _WEEKDAYS or name in [w[:3] for w in _WEEKDAYS]:
            weekday = [w[:3] for w in _WEEKDAYS].index(name[:3])
        else:
            raise AssertionError(f"unexpected word {name!r} in {text!r}")
    if month is None:
        day, month, year = numbers
        if len(digits[2]) == 2:
            year += 1900 if year >= 50 else 2000
    else:
        day, year = numbers
    date = datetime.date(year, month, day)
    if weekday is not None:
        assert date.weekday() == weekday, f"wrong weekday in {text!r}"
    return date


def test_format_date_writes_every_documented_example():
    day = datetime.date(2021, 3, 3)
    examples = {format_date(day, fmt) for fmt in DATE_FORMATS}
    for expected in ["3 March 2021", "Mar 3, 2021", "03/03/21", "wednesday, march 3 2021"]:
        assert expected in examples


@pytest.mark.parametrize("fmt", DATE_FORMATS)
def test_date_targets_are_iso_dates_of_the_date_the_source_describes(fmt):
    data = date_dataset(200, seed=7, formats=[fmt])
    for source, target, date in zip(data.sources, data.targets, data.dates, strict=True):
        assert datetime.date.fromisoformat(target) == date
        assert len(target) == 10
        assert _parse_source(source) == date, f"{source!r} does not describe {target}"


def test_date_dataset_shapes_dtypes_and_teacher_forcing_shift():
    data = date_dataset(64, seed=0)
    n, maxlen = 64, source_maxlen()
    assert len(data) == n
    assert data.encoder_input.shape == (n, maxlen) and data.encoder_input.dtype == np.int32
    assert data.decoder_input.shape == data.decoder_target.shape == (n, 11)
    start, end = data.target_vocab.id_of("<start>"), data.target_vocab.id_of("<end>")
    np.testing.assert_array_equal(data.decoder_input[:, 0], start)
    np.testing.assert_array_equal(data.decoder_target[:, -1], end)
    # Shifted right: the decoder reads at step t+1 what it had to write at step t.
    np.testing.assert_array_equal(data.decoder_input[:, 1:], data.decoder_target[:, :-1])
    for i in range(n):
        assert data.source_vocab.decode(data.encoder_input[i]) == data.sources[i]
        assert data.target_vocab.decode(data.decoder_target[i]) == data.targets[i]
        assert OOV_ID not in data.encoder_input[i], "a source character is missing from vocab"


def test_date_dataset_seeds_reproduce_differ_and_use_every_format():
    a, b, c = date_dataset(300, seed=1), date_dataset(300, seed=1), date_dataset(300, seed=2)
    assert a.sources == b.sources and a.dates == b.dates
    np.testing.assert_array_equal(a.encoder_input, b.encoder_input)
    assert a.sources != c.sources
    assert set(a.formats) == set(DATE_FORMATS)


def test_every_date_in_range_fits_the_source_length_and_vocabulary():
    vocab, maxlen = source_vocabulary(), source_maxlen()
    day = FIRST_DATE
    while day <= LAST_DATE:
        for fmt in DATE_FORMATS:
            text = format_date(day, fmt)
            assert len(text) <= maxlen, f"{text!r} is longer than {maxlen}"
        day += datetime.timedelta(days=97)  # a stride that visits every month and weekday
    # A systematic check of the alphabet: every month, weekday and digit.
    for month in range(1, 13):
        for d in range(1, 8):
            for fmt in DATE_FORMATS:
                vocab.encode(format_date(datetime.date(2021, month, d), fmt), strict=True)


def test_random_dates_stay_in_range():
    dates = random_dates(2000, seed=0)
    assert min(dates) >= FIRST_DATE and max(dates) <= LAST_DATE
    assert len({d.year for d in dates}) > 80, "dates should spread over the century"


def test_target_vocabulary_covers_iso_dates():
    vocab = target_vocabulary()
    assert len(vocab) == 15
    assert vocab.decode(vocab.encode("2049-12-31", strict=True)) == "2049-12-31"


# -------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        pytest.param(
            lambda: sine_windows(window=0), ValueError, "window", id="sine_windows(window=0)"
        ),
        pytest.param(
            lambda: sine_windows(window=2.5), TypeError, "window", id="sine_windows(window=2.5)"
        ),
        pytest.param(
            lambda: sine_windows(n_points=10, window=10),
            ValueError,
            "n_points",
            id="sine_windows(n_points=10, window=10)",
        ),
        pytest.param(
            lambda: sine_windows(noise=-1.0), ValueError, "noise", id="sine_windows(noise=-1.0)"
        ),
        pytest.param(
            lambda: sine_windows(seed="x"), TypeError, "seed", id="sine_windows(seed='x')"
        ),
        pytest.param(lambda: adding_problem(0), ValueError, "n", id="adding_problem(0)"),
        pytest.param(
            lambda: adding_problem(4, length=1),
            ValueError,
            "length",
            id="adding_problem(4, length=1)",
        ),
        pytest.param(
            lambda: adding_problem(4, length=True),
            TypeError,
            "length",
            id="adding_problem(4, length=True)",
        ),
        pytest.param(
            lambda: adding_baseline_mse(np.array([])),
            ValueError,
            "y",
            id="adding_baseline_mse(np.array([]))",
        ),
        pytest.param(
            lambda: copy_task(4, n_symbols=0),
            ValueError,
            "n_symbols",
            id="copy_task(4, n_symbols=0)",
        ),
        pytest.param(
            lambda: copy_task(4, copy_length=0),
            ValueError,
            "copy_length",
            id="copy_task(4, copy_length=0)",
        ),
        pytest.param(
            lambda: copy_task(4, delay=0), ValueError, "delay", id="copy_task(4, delay=0)"
        ),
        pytest.param(
            lambda: Vocabulary([], level="sentence"),
            ValueError,
            "level",
            id="Vocabulary([], level='sentence')",
        ),
        pytest.param(
            lambda: Vocabulary(["ab"], level="char"),
            ValueError,
            "tokens",
            id="Vocabulary(['ab'], level='char')",
        ),
        pytest.param(
            lambda: Vocabulary(["a", "a"]), ValueError, "tokens", id="Vocabulary(['a', 'a'])"
        ),
        pytest.param(
            lambda: Vocabulary(["[UNK]"], level="word"),
            ValueError,
            "tokens",
            id="Vocabulary(['[UNK]'], level='word')",
        ),
        pytest.param(
            lambda: Vocabulary.from_text("abc", max_tokens=1),
            ValueError,
            "max_tokens",
            id="Vocabulary.from_text('abc', max_tokens=1)",
        ),
        pytest.param(
            lambda: Vocabulary.from_text("abc").encode(3),
            TypeError,
            "text",
            id="Vocabulary.from_text('abc').encode(3)",
        ),
        pytest.param(
            lambda: Vocabulary.from_text("abc").decode([99]),
            ValueError,
            "ids",
            id="Vocabulary.from_text('abc').decode([99])",
        ),
        pytest.param(
            lambda: sliding_windows([1, 2, 3], window=3),
            ValueError,
            "ids",
            id="sliding_windows([1, 2, 3], window=3)",
        ),
        pytest.param(
            lambda: sliding_windows([1, 2, 3], window=-1),
            ValueError,
            "window",
            id="sliding_windows([1, 2, 3], window=-1)",
        ),
        pytest.param(
            lambda: pad_sequences([[1]], padding="middle"),
            ValueError,
            "padding",
            id="pad_sequences([[1]], padding='middle')",
        ),
        pytest.param(
            lambda: ngram_prefixes([[1]]), ValueError, "sequences", id="ngram_prefixes([[1]])"
        ),
        pytest.param(
            lambda: split_series(np.arange(10), train=0.9, val=0.1),
            ValueError,
            "train + val",
            id="split_series(np.arange(10), train=0.9, val=0.1)",
        ),
        pytest.param(
            lambda: split_series(np.arange(10), train=0.0),
            ValueError,
            "train",
            id="split_series(np.arange(10), train=0.0)",
        ),
        pytest.param(
            lambda: split_series(np.arange(4), train=0.5, val=0.2),
            ValueError,
            "too short",
            id="split_series(np.arange(4), train=0.5, val=0.2)",
        ),
        pytest.param(
            lambda: series_windows(np.arange(5.0), window=5),
            ValueError,
            "too short",
            id="series_windows(np.arange(5.0), window=5)",
        ),
        pytest.param(
            lambda: series_windows(np.arange(5.0), window=2, horizon=0),
            ValueError,
            "horizon",
            id="series_windows(np.arange(5.0), window=2, horizon=0)",
        ),
        pytest.param(
            lambda: Standardizer.fit(np.ones(10)),
            ValueError,
            "train",
            id="Standardizer.fit(np.ones(10))",
        ),
        pytest.param(
            lambda: date_dataset(4, formats=["yyyy"]),
            ValueError,
            "formats",
            id="date_dataset(4, formats=['yyyy'])",
        ),
        pytest.param(
            lambda: format_date(datetime.date(2100, 1, 1), "dd/mm/yy"),
            ValueError,
            "date",
            id="format_date(datetime.date(2100, 1, 1), 'dd/mm/yy')",
        ),
        pytest.param(
            lambda: format_date(datetime.date(2000, 1, 1), "nope"),
            ValueError,
            "fmt",
            id="format_date(datetime.date(2000, 1, 1), 'nope')",
        ),
        pytest.param(
            lambda: encode_sources(["3 March 2021 ?"]),
            ValueError,
            "vocabulary",
            id="encode_sources(['3 March 2021 ?'])",
        ),
        pytest.param(
            lambda: encode_sources("3 March 2021"),
            TypeError,
            "sources",
            id="encode_sources('3 March 2021')",
        ),
    ],
)
def test_bad_arguments_raise_errors_that_name_the_argument(call, error, name):
    with pytest.raises(error, match=re.escape(name)):
        call()


def test_positive_integer_error_message_shows_the_bad_value():
    with pytest.raises(ValueError, match=r"^window must be a positive integer, got 0$"):
        sine_windows(window=0)
