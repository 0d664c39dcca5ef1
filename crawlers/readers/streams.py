"""Byte streams of plain, gzip and bz2 files, with damage reported and skipped.

A source yields decompressed chunks from a start offset; ``None`` marks a gap
(damaged data skipped), so a consumer drops whatever record was half read.
``past_end`` turns true once the chunks come from beyond the shard's end
offset: the consumer finishes the record it is in and stops, which is how
byte-range shards share one file without losing or doubling a record.

Offsets are compressed-file offsets: bz2 streams and gzip members are
decompressed here (not with ``bz2.open``) so a problem can say where in the
file it is, and so a multistream bz2 can be entered at any stream start.
"""

from __future__ import annotations

import bz2
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

READ_BYTES = 1 << 20  # compressed bytes read at a time
OUT_BYTES = 4 << 20  # decompressed bytes per chunk at most (a bz2 bomb stays bounded)
FEED_BYTES = 64 << 10  # gzip input per call: damage then costs at most this much of what came before
# A bz2 stream header ("BZh" + block size) followed by the first block's magic (pi in BCD).
BZ2_STREAM = re.compile(rb"BZh[1-9]1AY&SY")

Problem = Callable[[str, int], None]  # (message, offset)


def compression_of(path: str | Path) -> str | None:
    name = str(path)
    if name.endswith(".bz2"):
        return "bz2"
    if name.endswith(".gz"):
        return "gzip"
    return None


def open_source(path: str | Path, start: int = 0, end: int | None = None,
                problem: Problem | None = None) -> PlainSource | Bz2Source | GzipSource:
    kind = compression_of(path)
    cls = {"bz2": Bz2Source, "gzip": GzipSource}.get(kind or "", PlainSource)
    return cls(str(path), start, end, problem or _ignore)


def _ignore(message: str, offset: int) -> None:
    return None


class _Source:
    """A file read from ``start``: the subclass turns its bytes into chunks."""

    exact = False  # whether ``offset`` is the file offset of the chunk itself

    def __init__(self, path: str, start: int = 0, end: int | None = None, problem: Problem = _ignore):
        self.path, self.start, self.end, self.problem = path, start, end, problem
        self.past_end = False
        self.offset = start

    def __iter__(self) -> Iterator[bytes | None]:
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            yield from self._chunks(fh)

    def _chunks(self, fh) -> Iterator[bytes | None]:
        raise NotImplementedError


class PlainSource(_Source):
    """An uncompressed file from ``start``; ``past_end`` from ``end`` on."""

    exact = True  # ``offset`` is the file offset of the chunk itself

    def _chunks(self, fh) -> Iterator[bytes | None]:
        pos = self.start
        while True:
            want = READ_BYTES
            if self.end is not None and pos < self.end:
                want = min(want, self.end - pos)  # a chunk never straddles the end
            data = fh.read(want)
            if not data:
                return
            self.offset = pos
            self.past_end = self.end is not None and pos >= self.end
            pos += len(data)
            yield data


class Bz2Source(_Source):
    """bz2 streams starting at ``start``; a multistream file can be entered at any stream start.

    ``offset`` is the compressed offset of the stream the last chunk came from.
    Damaged data is reported and skipped to the next stream header; a file
    that ends inside a stream is reported with the offset of that stream.
    """

    exact = False  # ``offset`` is where the chunk's stream starts

    def _new_stream(self, at: int) -> bz2.BZ2Decompressor:
        self.offset = at
        self.past_end = self.end is not None and at >= self.end
        return bz2.BZ2Decompressor()

    def _chunks(self, fh) -> Iterator[bytes | None]:
        fed = self.start  # compressed offset just past the bytes fed so far
        dec = self._new_stream(self.start)
        started = False
        feed = b""
        while True:
            if dec.eof:
                feed = dec.unused_data
                dec = self._new_stream(fed - len(feed))
                started = False
            elif dec.needs_input and not feed:
                feed = fh.read(READ_BYTES)
                fed += len(feed)
                if not feed:
                    if started:
                        self.problem("bz2 stream ends early (file truncated?); kept what came before", self.offset)
                        yield None
                    return
            try:
                out = dec.decompress(feed, OUT_BYTES)
            except (OSError, EOFError, ValueError) as err:
                self.problem(f"damaged bz2 data ({err}); skipped to the next stream", self.offset)
                yield None
                nxt = find_bz2_stream(fh, self.offset + 1)
                if nxt is None:
                    return
                fh.seek(nxt)
                fed, feed, started = nxt, b"", False
                dec = self._new_stream(nxt)
                continue
            started = started or bool(feed)
            feed = b""
            if out:
                yield out


class GzipSource(_Source):
    """gzip members one after another; damage ends the file (gzip cannot resync)."""

    exact = False  # ``offset`` is where the chunk's member starts

    def _chunks(self, fh) -> Iterator[bytes | None]:
        fed = self.start
        dec = zlib.decompressobj(wbits=31)
        started = False  # the current member has had input
        pending = b""
        while True:
            if not pending:
                pending = fh.read(READ_BYTES)
                fed += len(pending)
                if not pending:
                    if started:
                        self.problem("gzip stream ends early (file truncated?); kept what came before", fed)
                        yield None
                    return
                if not started and not pending.strip(b"\0"):
                    pending = b""  # zero padding after the last member
                    continue
            if not started:
                self.offset = fed - len(pending)
            piece, rest = pending[:FEED_BYTES], pending[FEED_BYTES:]
            try:
                out = dec.decompress(piece, OUT_BYTES)
            except zlib.error as err:
                self.problem(f"damaged gzip data ({err}); the rest of the file is skipped", self.offset)
                yield None
                return
            started = True
            if dec.eof:
                pending = dec.unused_data + rest
                dec = zlib.decompressobj(wbits=31)
                started = False
                if not pending.strip(b"\0"):
                    pending = b""
            else:
                pending = dec.unconsumed_tail + rest
            if out:
                yield out


def find_bz2_stream(fh, pos: int, limit: int | None = None) -> int | None:
    """Offset of the first bz2 stream header at or after ``pos`` (before ``limit``), or None."""
    overlap = 9
    while limit is None or pos < limit:
        fh.seek(pos)
        window = fh.read(READ_BYTES)
        if len(window) < 10:
            return None
        m = BZ2_STREAM.search(window)
        if m is not None:
            found = pos + m.start()
            return found if limit is None or found < limit else None
        pos += len(window) - overlap
    return None


def read_prefix(path: str | Path, nbytes: int) -> bytes:
    """Up to ``nbytes`` decompressed bytes from the start of a file; damage just shortens it."""
    out = bytearray()
    for chunk in open_source(path):
        if chunk is None:
            break
        out += chunk
        if len(out) >= nbytes:
            break
    return bytes(out[:nbytes])
