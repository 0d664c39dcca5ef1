"""A small ``tf.train.Example`` encoder and decoder (protobuf wire format).

Only what BERT records need: a ``Features`` map from name to an ``Int64List``
or ``FloatList`` (plus ``BytesList`` on the decoding side). Encoding matches
protobuf's deterministic serialisation byte for byte: map entries sorted by
key, packed repeated values, the key always written.

Encoding works on a batch of examples with fixed-length features at once:
varints for a whole ``(n_examples, length)`` array are computed with numpy,
and only the short per-example headers are joined in Python.

Wire layout (field number, wire type)::

    Example  { Features features = 1 }
    Features { map<string, Feature> feature = 1 }   # entry: key = 1, value = 2
    Feature  { BytesList bytes_list = 1 | FloatList float_list = 2 | Int64List int64_list = 3 }
    *List    { repeated value = 1 [packed] }
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

_LEN = 2  # wire type: length-delimited
_VARINT = 0
_FIXED32 = 5
_FEATURE_FIELD = {"bytes": 1, "float": 2, "int64": 3}


def varint(n: int) -> bytes:
    """Protobuf base-128 varint of a non-negative int (negatives as 64-bit two's complement).

    >>> varint(1), varint(300), varint(-1)[-1]
    (b'\\x01', b'\\xac\\x02', 1)
    """
    n &= (1 << 64) - 1
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _tag(field: int, wire: int) -> bytes:
    return varint((field << 3) | wire)


def _length_delimited(field: int, body: bytes) -> bytes:
    return _tag(field, _LEN) + varint(len(body)) + body


@lru_cache(maxsize=4096)
def _entry_prefix(key: str, kind: str, payload_len: int) -> bytes:
    """Everything of one ``Features.feature`` map entry that precedes the packed values."""
    list_head = _tag(1, _LEN) + varint(payload_len) if payload_len else b""
    list_len = len(list_head) + payload_len
    feature_head = _tag(_FEATURE_FIELD[kind], _LEN) + varint(list_len)
    feature_len = len(feature_head) + list_len
    key_field = _length_delimited(1, key.encode("utf-8"))
    entry_head = key_field + _tag(2, _LEN) + varint(feature_len)
    entry_len = len(entry_head) + feature_len
    return _tag(1, _LEN) + varint(entry_len) + entry_head + feature_head + list_head


def packed_varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Varint bytes of a 2-D int array, row after row, and each row's byte count.

    >>> data, lengths = packed_varints(np.array([[1, 300], [-1, 0]]))
    >>> data.hex(), lengths.tolist()
    ('01ac02ffffffffffffffffff0100', [3, 11])
    """
    v = np.ascontiguousarray(values, dtype=np.int64).view(np.uint64)
    if v.size == 0:
        return b"", np.zeros(v.shape[0], dtype=np.int64)
    top = int(v.max())
    width = 1
    while width < 10 and top >= 1 << (7 * width):
        width += 1
    if width == 1:  # every value below 128: the bytes are the values
        return v.astype(np.uint8).tobytes(), np.full(v.shape[0], v.shape[1], dtype=np.int64)
    if width <= 4:  # ids: narrower arithmetic is faster
        v = v.astype(np.uint32)
    one = v.dtype.type(1)
    nbytes = np.ones(v.shape, dtype=np.uint8)
    for j in range(1, width):
        nbytes += v >= (one << v.dtype.type(7 * j))
    groups = np.empty(v.shape + (width,), dtype=np.uint8)
    for j in range(width):
        groups[..., j] = (v >> v.dtype.type(7 * j)).astype(np.uint8) & 0x7F
        groups[..., j] |= (nbytes > j + 1).view(np.uint8) << 7
    flat = groups[np.arange(width, dtype=np.uint8) < nbytes[..., None]]
    return flat.tobytes(), nbytes.sum(axis=-1, dtype=np.int64)


def _kind(array: np.ndarray) -> str:
    if np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        return "int64"
    if np.issubdtype(array.dtype, np.floating):
        return "float"
    raise TypeError(f"unsupported feature dtype {array.dtype}")


def _row_payloads(array: np.ndarray, kind: str) -> list[bytes]:
    """The packed values of each row."""
    if kind == "float":
        raw = np.ascontiguousarray(array, dtype="<f4")
        data, width = raw.tobytes(), 4 * raw.shape[1]
        return [data[i:i + width] for i in range(0, len(data), width)] if width \
            else [b""] * raw.shape[0]
    data, lengths = packed_varints(array)
    ends = np.cumsum(lengths).tolist()
    return [data[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]


def encode_examples(features: Mapping[str, np.ndarray]) -> list[bytes]:
    """Serialised ``tf.train.Example`` for each row of equally long 2-D feature arrays.

    Integer arrays become ``Int64List``, floating ones ``FloatList`` (float32).
    (Laying out all rows with numpy scatters was measured slower than this
    per-row join of cached headers and sliced payloads.)

    >>> import numpy as np
    >>> encode_examples({"x": np.array([[1, 2]])})[0].hex()
    '0a0d0a0b0a017812061a040a020102'
    """
    names = sorted(features, key=lambda k: k.encode("utf-8"))
    if not names:
        return []
    n = np.asarray(features[names[0]]).shape[0]
    columns = []
    for name in names:
        array = np.asarray(features[name])
        if array.ndim != 2 or array.shape[0] != n:
            raise ValueError(f"feature {name!r}: want shape ({n}, length), got {array.shape}")
        kind = _kind(array)
        columns.append((name, kind, _row_payloads(array, kind)))
    head = _tag(1, _LEN)
    out = []
    for i in range(n):
        parts = []
        for name, kind, payloads in columns:
            payload = payloads[i]
            parts.append(_entry_prefix(name, kind, len(payload)))
            parts.append(payload)
        body = b"".join(parts)
        out.append(head + varint(len(body)) + body)
    return out


def encode_example(features: Mapping[str, list | np.ndarray]) -> bytes:
    """One example from 1-D feature values (ints or floats)."""
    return encode_examples({k: np.asarray(v)[None, :] for k, v in features.items()})[0]


# --- decoding ---------------------------------------------------------------


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise ValueError("varint too long")


def _fields(buf: bytes):
    """Yield (field number, wire type, value) of one message; LEN values as bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = _read_varint(buf, pos)
        elif wire == _LEN:
            size, pos = _read_varint(buf, pos)
            if pos + size > len(buf):
                raise ValueError("truncated length-delimited field")
            value, pos = buf[pos : pos + size], pos + size
        elif wire == _FIXED32:
            value, pos = buf[pos : pos + 4], pos + 4
        elif wire == 1:  # fixed64
            value, pos = buf[pos : pos + 8], pos + 8
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield field, wire, value


def unpack_varints(data: bytes) -> np.ndarray:
    """Decode concatenated varints into int64 (two's complement)."""
    b = np.frombuffer(data, dtype=np.uint8)
    if b.size == 0:
        return np.zeros(0, dtype=np.int64)
    if b[-1] >= 0x80:
        raise ValueError("truncated packed varints")
    ends = np.flatnonzero(b < 0x80)
    starts = np.concatenate(([0], ends[:-1] + 1))
    owner = np.repeat(np.arange(ends.size), ends - starts + 1)
    shift = (np.arange(b.size) - starts[owner]).astype(np.uint64) * np.uint64(7)
    if shift.size and shift.max() > 63:
        raise ValueError("varint too long")
    parts = (b & 0x7F).astype(np.uint64) << shift
    return np.add.reduceat(parts, starts).view(np.int64)


def _decode_list(kind: str, body: bytes):
    ints: list[np.ndarray] = []
    floats: list[np.ndarray] = []
    items: list[bytes] = []
    for field, wire, value in _fields(body):
        if field != 1:
            continue
        if kind == "int64":
            ints.append(unpack_varints(value) if wire == _LEN
                        else np.array([value], dtype=np.uint64).view(np.int64))
        elif kind == "float":
            floats.append(np.frombuffer(value, dtype="<f4"))
        else:
            items.append(bytes(value))
    if kind == "int64":
        return np.concatenate(ints) if ints else np.zeros(0, dtype=np.int64)
    if kind == "float":
        return np.concatenate(floats).astype(np.float32) if floats else np.zeros(0, np.float32)
    return items


def _decode_feature(body: bytes):
    names = {v: k for k, v in _FEATURE_FIELD.items()}
    result = None
    for field, _wire, value in _fields(body):
        if field in names:
            result = (names[field], _decode_list(names[field], value))
    if result is None:
        raise ValueError("feature with no value list")
    return result


def decode_example(data: bytes) -> dict[str, tuple[str, object]]:
    """``{name: (kind, values)}`` of a serialised ``tf.train.Example``.

    ``kind`` is ``int64`` (int64 array), ``float`` (float32 array) or ``bytes``
    (list of bytes). Raises ValueError on malformed input.
    """
    out: dict[str, tuple[str, object]] = {}
    for field, wire, features in _fields(data):
        if field != 1 or wire != _LEN:
            continue
        for efield, ewire, entry in _fields(features):
            if efield != 1 or ewire != _LEN:
                continue
            key, value = "", None
            for f, _w, v in _fields(entry):
                if f == 1:
                    key = bytes(v).decode("utf-8")
                elif f == 2:
                    value = _decode_feature(v)
            if value is None:
                raise ValueError(f"feature {key!r} has no value")
            out[key] = value
    return out
