"""A pickle-free encoding of the values exercise functions take and return.

The autograder moves arguments and results between the grader and a process that
runs student code, and stores Keras's reference outputs once per grading run. Both
use this encoding, because unpickling bytes from student code would run student
code. Only these types are allowed, nested up to `MAX_DEPTH`:

- None, bool, int, float, complex, str;
- NumPy arrays and scalars of numeric or bool dtype (no object arrays);
- list, tuple, and dict with str keys;
- `np.random.Generator` (its bit generator's state, not the object);
- `keras.Model` (a `.keras` archive, loaded back with Keras's `safe_mode`);
- `keras.callbacks.History` (its `history` and `params` only).

Anything else raises `EncodeError` when encoding and `DecodeError` when decoding.

Example:

>>> import numpy as np
>>> value = {"h": np.ones((2, 3), np.float32), "n": 3}
>>> back = loads(dumps(value))
>>> back["h"].dtype, back["n"]
(dtype('float32'), 3)
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import tempfile
import warnings
import zipfile

import numpy as np

MAGIC = b"RNNC1"
MAX_DEPTH = 32
MAX_KERAS_UNPACKED = 256 << 20     # a small model's .keras archive, unpacked
ARRAY_KINDS = "biufc"   # bool, int, uint, float, complex
GENERATORS = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")


class EncodeError(TypeError):
    """The value holds something the encoding does not allow."""


class DecodeError(ValueError):
    """The bytes are not a valid encoding (truncated, hostile or too large)."""


def dumps(value) -> bytes:
    """Encode `value` as bytes. Raises `EncodeError` for types that are not allowed."""
    blobs: list[bytes] = []
    tree = _encode(value, blobs, 0)
    header = json.dumps({"tree": tree, "blobs": [len(b) for b in blobs]}).encode()
    return b"".join([MAGIC, struct.pack("<Q", len(header)), header, *blobs])


def loads(data: bytes, *, max_bytes: int = 1 << 30, max_header_bytes: int = 8 << 20,
          allow_keras: bool = True):
    """Decode bytes made by `dumps`. Raises `DecodeError` on anything else.

    Args:
        data: the bytes.
        max_bytes: refuse anything larger.
        max_header_bytes: refuse a larger structure part. Arrays travel as raw bytes and
            decode to their own size; the structure (JSON) can grow about 20 times in
            memory when parsed, so it is capped on its own.
        allow_keras: decode Keras models and histories (which loads them with Keras);
            when False they are refused.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DecodeError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise DecodeError(f"{len(data)} bytes is more than the limit of {max_bytes}")
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8:
        raise DecodeError("not an rnncourse encoding (bad magic)")
    (header_len,) = struct.unpack_from("<Q", data, len(MAGIC))
    start = len(MAGIC) + 8
    if header_len > len(data) - start:
        raise DecodeError("truncated header")
    if header_len > max_header_bytes:
        raise DecodeError(f"a structure of {header_len} bytes is more than the limit of "
                          f"{max_header_bytes} (send large data as arrays)")
    try:
        header = json.loads(data[start:start + header_len])
        sizes = [int(n) for n in header["blobs"]]
        tree = header["tree"]
    except (ValueError, KeyError, TypeError) as err:
        raise DecodeError(f"malformed header: {err}") from None
    blobs, offset = [], start + header_len
    for size in sizes:
        if size < 0 or offset + size > len(data):
            raise DecodeError("truncated data")
        blobs.append(data[offset:offset + size])
        offset += size
    try:
        return _decode(tree, blobs, 0, allow_keras)
    except DecodeError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, OverflowError) as err:
        raise DecodeError(f"malformed value: {type(err).__name__}: {err}") from None


def is_keras(value, name: str) -> bool:
    """Is `value` a Keras `name` (e.g. "Model"), without importing Keras?"""
    return any(cls.__name__ == name and cls.__module__.startswith("keras")
               for cls in type(value).__mro__)


def _encode(value, blobs, depth):
    if depth > MAX_DEPTH:
        raise EncodeError(f"values nested deeper than {MAX_DEPTH} levels")
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)) and not isinstance(value, np.ndarray):
        return {"t": "bool", "v": bool(value)}
    if type(value) is int:
        return {"t": "int", "v": str(value)}
    if type(value) is float:
        return {"t": "float", "v": value.hex()}
    if type(value) is complex:
        return {"t": "complex", "v": [value.real.hex(), value.imag.hex()]}
    if type(value) is str:
        return {"t": "str", "v": value}
    if isinstance(value, (np.ndarray, np.generic)):
        # np.ndarray methods, not the value's own: a subclass cannot change what is sent.
        array = np.ndarray.copy(np.asarray(value).view(np.ndarray)) if isinstance(
            value, np.ndarray) else np.asarray(value)
        if array.dtype.kind not in ARRAY_KINDS:
            raise EncodeError(f"arrays of dtype {array.dtype} are not allowed")
        blobs.append(np.ascontiguousarray(array).tobytes())
        kind = "scalar" if isinstance(value, np.generic) else "array"
        return {"t": kind, "dtype": array.dtype.str, "shape": list(array.shape),
                "blob": len(blobs) - 1}
    # Subclasses (a namedtuple, an OrderedDict) travel as the plain type, read through
    # the base class's own methods: what arrives is data whatever the subclass does.
    for base in (tuple, list):
        if isinstance(value, base):
            return {"t": base.__name__,
                    "v": [_encode(item, blobs, depth + 1) for item in base.__iter__(value)]}
    if isinstance(value, dict):
        items = list(dict.items(value))
        if not all(type(k) is str for k, _ in items):
            raise EncodeError("dict keys must be str")
        return {"t": "dict", "v": [[k, _encode(v, blobs, depth + 1)] for k, v in items]}
    if isinstance(value, np.random.Generator):
        state = value.bit_generator.state
        return {"t": "generator", "state": json.loads(json.dumps(state, default=_jsonable))}
    if is_keras(value, "Model"):
        blobs.append(_keras_model_bytes(value))
        return {"t": "keras_model", "blob": len(blobs) - 1}
    if is_keras(value, "History"):
        history = {str(k): [float(x) for x in v] for k, v in dict(value.history).items()}
        params = {str(k): v for k, v in dict(getattr(value, "params", {}) or {}).items()
                  if isinstance(v, (int, float, str, type(None)))}
        return {"t": "history", "history": history, "params": params}
    raise EncodeError(f"a value of type {type(value).__name__} cannot be checked by the grader")


def _jsonable(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.integer):
        return int(x)
    raise EncodeError(f"generator state holds a {type(x).__name__}")


def _decode(tree, blobs, depth, allow_keras=True):
    if depth > MAX_DEPTH:
        raise DecodeError(f"values nested deeper than {MAX_DEPTH} levels")
    kind = tree["t"]
    if kind == "none":
        return None
    if kind == "bool":
        return bool(tree["v"])
    if kind == "int":
        text = tree["v"]
        if not isinstance(text, str) or len(text) > 4000:
            raise DecodeError("bad int")
        return int(text)
    if kind == "float":
        return float.fromhex(tree["v"])
    if kind == "complex":
        return complex(float.fromhex(tree["v"][0]), float.fromhex(tree["v"][1]))
    if kind == "str":
        if not isinstance(tree["v"], str):
            raise DecodeError("bad str")
        return tree["v"]
    if kind in ("array", "scalar"):
        dtype = np.dtype(tree["dtype"])
        if dtype.kind not in ARRAY_KINDS or dtype.hasobject:
            raise DecodeError(f"dtype {dtype} is not allowed")
        shape = tuple(int(n) for n in tree["shape"])
        if any(n < 0 for n in shape) or len(shape) > 32:
            raise DecodeError(f"bad shape {shape}")
        blob = blobs[int(tree["blob"])]
        if len(blob) != math.prod(shape) * dtype.itemsize:
            raise DecodeError(f"{len(blob)} bytes do not fill shape {shape} of {dtype}")
        array = np.frombuffer(blob, dtype=dtype).reshape(shape).copy()
        return array[()] if kind == "scalar" else array
    if kind in ("list", "tuple"):
        items = [_decode(item, blobs, depth + 1, allow_keras) for item in tree["v"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        out = {}
        for key, item in tree["v"]:
            if not isinstance(key, str):
                raise DecodeError("dict keys must be str")
            out[key] = _decode(item, blobs, depth + 1, allow_keras)
        return out
    if kind == "generator":
        state = tree["state"]
        name = state.get("bit_generator")
        if name not in GENERATORS:
            raise DecodeError(f"unknown bit generator {name!r}")
        bit_generator = getattr(np.random, name)()
        if name == "MT19937":
            state = dict(state, state=dict(state["state"],
                                           key=np.asarray(state["state"]["key"], np.uint32)))
        bit_generator.state = state
        return np.random.Generator(bit_generator)
    if kind in ("keras_model", "history") and not allow_keras:
        raise DecodeError(f"a {kind.replace('_', ' ')} is not expected here")
    if kind == "keras_model":
        return _keras_model_from_bytes(blobs[int(tree["blob"])])
    if kind == "history":
        from rnncourse.quiet_tf import import_tensorflow

        _, keras = import_tensorflow()
        history = keras.callbacks.History()
        history.history = {str(k): [float(x) for x in v] for k, v in tree["history"].items()}
        history.params = dict(tree.get("params", {}))
        return history
    raise DecodeError(f"unknown kind {kind!r}")


def _keras_model_bytes(model) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as file:
            return file.read()


def _keras_model_from_bytes(blob: bytes):
    from rnncourse.quiet_tf import import_tensorflow

    # A .keras file is a zip archive: refuse one that would unpack to more than a small
    # model needs (a zip bomb) before Keras opens it.
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as err:
        raise DecodeError(f"the Keras model is not a .keras archive: {err}") from None
    if unpacked > MAX_KERAS_UNPACKED:
        raise DecodeError(f"the Keras model would unpack to {unpacked} bytes, more than "
                          f"the limit of {MAX_KERAS_UNPACKED}")
    _, keras = import_tensorflow()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as file:
            file.write(blob)
        try:
            # safe_mode refuses Lambda layers and other code hidden in the archive. An
            # untrained model's optimizer has no state yet; Keras warns about that.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return keras.saving.load_model(path, safe_mode=True)
        except Exception as err:  # noqa: BLE001 - any failure means "cannot be checked"
            raise DecodeError(
                f"the Keras model could not be rebuilt from its saved form "
                f"({type(err).__name__}: {str(err)[:300]}); custom and Lambda layers "
                f"cannot be graded") from None


def to_file(value, path) -> None:
    """Write `dumps(value)` to `path` atomically (a reader never sees half a file)."""
    data = dumps(value)
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as file:
        file.write(data)
    os.replace(file.name, path)


def from_file(path, **kwargs):
    """Read a value written by `to_file`."""
    with open(path, "rb") as file:
        return loads(file.read(), **kwargs)


__all__ = ["DecodeError", "EncodeError", "dumps", "from_file", "is_keras", "loads", "to_file"]
