"""TFRecord framing without TensorFlow.

Each record is ``uint64 length | uint32 masked_crc32c(length) | data |
uint32 masked_crc32c(data)``, all little-endian, as TensorFlow's
``tf.io.TFRecordWriter`` writes it. CRC32C comes from ``google-crc32c`` (a C
extension); the ``tfrecord`` package is avoided on purpose because it cannot
be imported in the same process as TensorFlow.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import google_crc32c

from korpus.core.errors import InputError
from korpus.core.io import atomic_path

_MASK_DELTA = 0xA282EAD8
_LEN = struct.Struct("<Q")
_CRC = struct.Struct("<I")
_HEADER_BYTES = _LEN.size + _CRC.size


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``.

    >>> hex(crc32c(b"123456789"))
    '0xe3069283'
    """
    return google_crc32c.value(data)


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right by 15 bits, add a constant.

    >>> hex(masked_crc32c(b""))
    '0xa282ead8'
    """
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    """One TFRecord frame around ``data``."""
    length = _LEN.pack(len(data))
    return b"".join(
        (length, _CRC.pack(masked_crc32c(length)), data, _CRC.pack(masked_crc32c(data)))
    )


class TFRecordWriter(AbstractContextManager):
    """Write frames to ``path`` atomically; keeps a running sha256 and count.

    The file appears under its final name only when the ``with`` block ends
    without an exception.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.count = 0
        self.bytes = 0
        self._sha = hashlib.sha256()
        self._atomic = atomic_path(self.path)
        self._fh = None

    def __enter__(self) -> TFRecordWriter:
        tmp = self._atomic.__enter__()
        self._fh = open(tmp, "wb", buffering=1 << 20)  # noqa: SIM115 - closed in __exit__
        return self

    def write(self, data: bytes) -> None:
        framed = frame(data)
        self._fh.write(framed)
        self._sha.update(framed)
        self.count += 1
        self.bytes += len(framed)

    def write_many(self, items: Iterable[bytes]) -> None:
        for data in items:
            self.write(data)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def __exit__(self, exc_type, exc, tb):
        self._fh.close()
        return self._atomic.__exit__(exc_type, exc, tb)


def read_records(path: str | os.PathLike, verify: bool = True) -> Iterator[bytes]:
    """Yield the data of each frame in ``path``.

    Raises :class:`InputError` naming the file and byte offset on a truncated
    frame or, with ``verify``, on a CRC mismatch.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        offset = 0
        while True:
            header = fh.read(_HEADER_BYTES)
            if not header:
                return
            if len(header) < _HEADER_BYTES:
                raise InputError(path, "truncated TFRecord header", offset=offset)
            length_bytes = header[: _LEN.size]
            (length,) = _LEN.unpack(length_bytes)
            (length_crc,) = _CRC.unpack(header[_LEN.size :])
            if verify and masked_crc32c(length_bytes) != length_crc:
                raise InputError(path, "TFRecord length CRC mismatch", offset=offset)
            data = fh.read(length)
            footer = fh.read(_CRC.size)
            if len(data) < length or len(footer) < _CRC.size:
                raise InputError(path, f"truncated TFRecord frame (length {length})", offset=offset)
            if verify and masked_crc32c(data) != _CRC.unpack(footer)[0]:
                raise InputError(path, "TFRecord data CRC mismatch", offset=offset)
            yield data
            offset += _HEADER_BYTES + length + _CRC.size


def count_records(path: str | os.PathLike) -> int:
    """Count frames by walking the length headers (no CRC check, no data read)."""
    path = Path(path)
    size = path.stat().st_size
    n = 0
    with open(path, "rb") as fh:
        offset = 0
        while offset < size:
            header = fh.read(_LEN.size)
            if len(header) < _LEN.size:
                raise InputError(path, "truncated TFRecord header", offset=offset)
            (length,) = _LEN.unpack(header)
            offset += _HEADER_BYTES + length + _CRC.size
            if offset > size:
                raise InputError(path, f"truncated TFRecord frame (length {length})",
                                 offset=offset - length - _HEADER_BYTES - _CRC.size)
            fh.seek(offset)
            n += 1
    return n
