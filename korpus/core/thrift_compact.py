"""Thrift's compact protocol, read into plain values and written back byte for byte.

Parquet keeps its footer (``FileMetaData``) in this encoding. Joining Parquet
files (:mod:`korpus.core.parquet_join`) only moves offsets in that footer, so a
schema-free reader is enough: a struct is a list of ``[field id, type, value]``
in file order, a list is ``(element type, [values])``, a map ``(key type, value
type, [(key, value)...])``. Writing a decoded value gives back the same bytes
(the protocol has one encoding for each value: short field headers, minimal
varints).

>>> raw = bytes([0x15, 0x04, 0x18, 0x02, 0x61, 0x62, 0x00])  # {1: i32 2, 2: binary b"ab"}
>>> value = read_struct(raw)
>>> value
[[1, 5, 2], [2, 8, b'ab']]
>>> write_struct(value) == raw
True
"""

from __future__ import annotations

import struct

TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(1, 13)
_INTS = (I16, I32, I64)


class ThriftError(ValueError):
    """The bytes are not a well-formed compact-protocol struct."""


def read_struct(data: bytes) -> list:
    """Decode one struct from the start of ``data``."""
    value, _ = _Reader(data).struct_at(0)
    return value


def write_struct(fields: list) -> bytes:
    """Encode a struct as :func:`read_struct` returns it."""
    out = bytearray()
    _write_struct(out, fields)
    return bytes(out)


def field(fields: list, field_id: int):
    """The value of a struct's field, or None when absent."""
    for fid, _, value in fields:
        if fid == field_id:
            return value
    return None


def set_field(fields: list, field_id: int, value) -> None:
    """Replace the value of a field the struct has."""
    for entry in fields:
        if entry[0] == field_id:
            entry[2] = value
            return
    raise KeyError(field_id)


class _Reader:
    def __init__(self, data: bytes):
        self.data = data

    def byte(self, at: int) -> tuple[int, int]:
        if at >= len(self.data):
            raise ThriftError("ends inside a value")
        return self.data[at], at + 1

    def varint(self, at: int) -> tuple[int, int]:
        shift = result = 0
        while True:
            b, at = self.byte(at)
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result, at
            shift += 7
            if shift > 63:
                raise ThriftError("varint longer than 64 bits")

    def zigzag(self, at: int) -> tuple[int, int]:
        n, at = self.varint(at)
        return (n >> 1) ^ -(n & 1), at

    def value_at(self, kind: int, at: int, in_list: bool = False) -> tuple[object, int]:
        if kind in (TRUE, FALSE):
            if not in_list:  # in a struct the type itself says which
                return kind == TRUE, at
            b, at = self.byte(at)
            return b == 1, at
        if kind == BYTE:
            b, at = self.byte(at)
            return b - 256 if b > 127 else b, at
        if kind in _INTS:
            return self.zigzag(at)
        if kind == DOUBLE:
            if at + 8 > len(self.data):
                raise ThriftError("ends inside a double")
            return struct.unpack_from("<d", self.data, at)[0], at + 8
        if kind == BINARY:
            n, at = self.varint(at)
            if at + n > len(self.data):
                raise ThriftError("ends inside a binary")
            return bytes(self.data[at:at + n]), at + n
        if kind in (LIST, SET):
            return self.list_at(at)
        if kind == MAP:
            return self.map_at(at)
        if kind == STRUCT:
            return self.struct_at(at)
        raise ThriftError(f"unknown type {kind}")

    def list_at(self, at: int) -> tuple[tuple[int, list], int]:
        head, at = self.byte(at)
        size, kind = head >> 4, head & 0x0F
        if size == 15:
            size, at = self.varint(at)
        items = []
        for _ in range(size):
            item, at = self.value_at(kind, at, in_list=True)
            items.append(item)
        return (kind, items), at

    def map_at(self, at: int) -> tuple[tuple[int, int, list], int]:
        size, at = self.varint(at)
        if not size:
            return (0, 0, []), at
        kinds, at = self.byte(at)
        key_kind, value_kind = kinds >> 4, kinds & 0x0F
        pairs = []
        for _ in range(size):
            key, at = self.value_at(key_kind, at, in_list=True)
            value, at = self.value_at(value_kind, at, in_list=True)
            pairs.append((key, value))
        return (key_kind, value_kind, pairs), at

    def struct_at(self, at: int) -> tuple[list, int]:
        fields, last = [], 0
        while True:
            head, at = self.byte(at)
            if head == 0:
                return fields, at
            delta, kind = head >> 4, head & 0x0F
            if delta:
                fid = last + delta
            else:
                fid, at = self.zigzag(at)
            value, at = self.value_at(kind, at)
            fields.append([fid, kind, value])
            last = fid


def _varint(out: bytearray, n: int) -> None:
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _zigzag(out: bytearray, n: int) -> None:
    _varint(out, (n << 1) ^ (n >> 63))


def _write_value(out: bytearray, kind: int, value, in_list: bool = False) -> None:
    if kind in (TRUE, FALSE):
        if in_list:
            out.append(1 if value else 2)
    elif kind == BYTE:
        out.append(value & 0xFF)
    elif kind in _INTS:
        _zigzag(out, value)
    elif kind == DOUBLE:
        out += struct.pack("<d", value)
    elif kind == BINARY:
        _varint(out, len(value))
        out += value
    elif kind in (LIST, SET):
        element, items = value
        if len(items) < 15:
            out.append(len(items) << 4 | element)
        else:
            out.append(0xF0 | element)
            _varint(out, len(items))
        for item in items:
            _write_value(out, element, item, in_list=True)
    elif kind == MAP:
        key_kind, value_kind, pairs = value
        _varint(out, len(pairs))
        if pairs:
            out.append(key_kind << 4 | value_kind)
            for k, v in pairs:
                _write_value(out, key_kind, k, in_list=True)
                _write_value(out, value_kind, v, in_list=True)
    elif kind == STRUCT:
        _write_struct(out, value)
    else:
        raise ThriftError(f"unknown type {kind}")


def _write_struct(out: bytearray, fields: list) -> None:
    last = 0
    for fid, kind, value in fields:
        if kind in (TRUE, FALSE):
            kind = TRUE if value else FALSE
        delta = fid - last
        if 0 < delta <= 15:
            out.append(delta << 4 | kind)
        else:
            out.append(kind)
            _zigzag(out, fid)
        _write_value(out, kind, value)
        last = fid
    out.append(0)
