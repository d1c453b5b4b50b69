"""The pickle-free encoding between the grader and student code, and the reference cache."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from rnncourse import codec, reference, reference_cache
from rnncourse.cases import make_cases


def roundtrip(value):
    return codec.loads(codec.dumps(value))


def test_arrays_scalars_and_containers_come_back_exactly():
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": [1, 2.5, None, True],
             "c": (np.float64(0.1), np.int64(-3), 1 + 2j, "text"), "d": np.zeros((0, 4))}
    back = roundtrip(value)
    assert back["a"].dtype == np.float32 and np.array_equal(back["a"], value["a"])
    assert back["b"] == [1, 2.5, None, True] and isinstance(back["c"], tuple)
    assert back["c"][0] == 0.1 and back["c"][0].dtype == np.float64 and back["c"][1] == -3
    assert back["c"][2:] == (1 + 2j, "text") and back["d"].shape == (0, 4)


def test_a_generator_keeps_its_state():
    rng = np.random.default_rng(5)
    rng.random(3)
    copy = roundtrip(rng)
    assert copy.random() == rng.random()


def test_an_ndarray_subclass_is_sent_as_a_plain_array():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

        def tobytes(self, *args, **kwargs):
            return b"\0" * self.nbytes

    value = np.arange(4.0).view(Liar)
    back = roundtrip(value)
    assert type(back) is np.ndarray and np.array_equal(back, [0, 1, 2, 3])


@pytest.mark.parametrize("value", [np.array([object()]), object(), {1: 2}, lambda: 0,
                                   np.array(["text"])])
def test_values_that_could_carry_code_or_are_not_data_are_refused(value):
    with pytest.raises(codec.EncodeError):
        codec.dumps(value)


@pytest.mark.parametrize("data", [
    b"", b"RNNC1", pickle.dumps([1, 2]), codec.dumps([np.ones(3)])[:-5],
    codec.dumps(1).replace(b'"int"', b'"pickle"'),
    codec.dumps(np.ones(2)).replace(b'"<f8"', b'"|O"'),
])
def test_bytes_that_are_not_a_valid_encoding_are_refused(data):
    with pytest.raises(codec.DecodeError):
        codec.loads(data)


def test_a_deeply_nested_value_is_refused():
    value = []
    for _ in range(codec.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(codec.EncodeError):
        codec.dumps(value)


def test_a_recorded_reference_output_is_looked_up_instead_of_recomputed(tmp_path):
    case = make_cases("rnn_cell_forward")[0]
    with reference_cache.recording() as table:
        expected = reference.rnn_cell_forward(*case.args)
    key = reference_cache.key("rnn_cell_forward", case.args, {})
    path = tmp_path / "table.rnnc"
    reference_cache.save(table, path)
    loaded = reference_cache.load(path)
    assert np.array_equal(codec.loads(loaded[key]), expected)
    # Plant a different answer under the same key: a lookup must return it.
    planted = {key: codec.dumps(np.full_like(expected, 7.0))}
    saved = dict(reference_cache._table)
    try:
        reference_cache.install(planted)
        assert np.all(reference.rnn_cell_forward(*case.args) == 7.0)
        other = make_cases("rnn_cell_forward", seed=3)[0]
        assert not np.all(reference.rnn_cell_forward(*other.args) == 7.0)   # a miss computes
    finally:
        reference_cache._table.clear()
        reference_cache._table.update(saved)
    assert reference.rnn_cell_forward.output_names == ("h_t",)


def test_nested_recordings_each_get_the_calls_made_inside_them():
    # The grader records every reference call, and within that the visible tests' calls
    # (for the kernels): two tables that are equal while both are empty.
    first, second = (c.args for c in make_cases("rnn_cell_forward")[:2])
    with reference_cache.recording() as outer:
        with reference_cache.recording() as inner:
            reference.rnn_cell_forward(*first)
        reference.rnn_cell_forward(*second)
    assert not reference_cache._recorders
    alone = []
    for args in (first, second):
        with reference_cache.recording() as table:
            reference.rnn_cell_forward(*args)
        alone.append(set(table))
    assert reference_cache.key("rnn_cell_forward", first, {}) in alone[0]
    assert set(inner) == alone[0] and set(outer) == alone[0] | alone[1]


def test_a_keras_model_is_refused_where_none_is_expected():
    import json
    import struct

    header = json.dumps({"tree": {"t": "keras_model", "blob": 0}, "blobs": [3]}).encode()
    data = codec.MAGIC + struct.pack("<Q", len(header)) + header + b"zip"
    with pytest.raises(codec.DecodeError, match="not expected"):
        codec.loads(data, allow_keras=False)
    with pytest.raises(codec.DecodeError, match="not a .keras archive"):
        codec.loads(data)          # allowed, but these bytes are no model


def test_a_namedtuple_or_an_ordereddict_travels_as_the_plain_type():
    from collections import OrderedDict, namedtuple

    State = namedtuple("State", "h c")
    value = (State(np.ones(2), np.zeros(2)), OrderedDict(b=1.5, a=[1, 2]))
    back = codec.loads(codec.dumps(value))
    assert type(back[0]) is tuple and np.array_equal(back[0][0], np.ones(2))
    assert type(back[1]) is dict and back[1] == {"b": 1.5, "a": [1, 2]}


def test_a_structure_that_would_balloon_in_memory_is_refused():
    # A list of a million small ints: about 20 MB of JSON, hundreds of MB as objects.
    data = codec.dumps(list(range(1_000_000)))
    with pytest.raises(codec.DecodeError, match="more than the limit"):
        codec.loads(data)
    assert codec.loads(data, max_header_bytes=64 << 20)[-1] == 999_999
    assert codec.loads(codec.dumps(np.arange(1_000_000)))[-1] == 999_999  # arrays are fine


def test_a_keras_archive_that_would_unpack_to_gigabytes_is_refused_before_keras_opens_it():
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.weights.h5", b"\0" * (300 << 20))
    with pytest.raises(codec.DecodeError, match="unpack to"):
        codec._keras_model_from_bytes(bomb.getvalue())
