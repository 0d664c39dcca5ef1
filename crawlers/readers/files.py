"""Opening inputs: compressed or not, byte ranges aligned to line starts, decoding.

Plain files are split into byte ranges so one big file feeds every worker;
compressed files are read whole by one worker (gzip and bz2 streams cannot be
entered in the middle, except bz2 multistream, which the wiki reader handles).
"""

from __future__ import annotations

import bz2
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

from crawlers.readers.base import RANGE_BYTES, InputShard, Reader, expand_path
from korpus.stats import Stats

COMPRESSED = (".gz", ".bz2")
LINE_CHUNK = 1 << 20


def open_binary(path: str | Path):
    path = str(path)
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def plan_line_ranges(reader: Reader, path: str, range_bytes: int = RANGE_BYTES) -> list[InputShard]:
    """Byte ranges of each plain file, with the line number each range starts at.

    Counting newlines is a fast pass at disk speed; it makes line-number ids
    exact for every range without a worker knowing about the others.
    """
    shards: list[InputShard] = []
    for f in expand_path(path, reader.suffixes):
        if f.name.endswith(COMPRESSED):
            shards.append(reader.shard(f))
            continue
        shards.extend(_ranges_of(reader, f, range_bytes))
    return shards


def _ranges_of(reader: Reader, f: Path, range_bytes: int) -> list[InputShard]:
    size = f.stat().st_size
    if size <= range_bytes:
        return [reader.shard(f)]
    shards = []
    line = 1
    with open(f, "rb") as fh:
        start = 0
        while start < size:
            end = min(start + range_bytes, size)
            # Move the cut to just after the next newline, so ranges hold whole lines.
            fh.seek(end)
            rest = fh.readline() if end < size else b""
            end = min(end + len(rest), size)
            shards.append(reader.shard(f, start, end if end < size else None, line))
            fh.seek(start)
            line += _count_newlines(fh, end - start)
            start = end
    return shards


def _count_newlines(fh, nbytes: int) -> int:
    count = 0
    while nbytes > 0:
        block = fh.read(min(LINE_CHUNK, nbytes))
        if not block:
            break
        count += block.count(b"\n")
        nbytes -= len(block)
    return count


def iter_lines(shard: InputShard, stats: Stats, source: str) -> Iterator[tuple[int, str]]:
    """(line number, decoded line without newline) for the lines a shard owns.

    Undecodable bytes become U+FFFD and the line is counted; a truncated
    compressed stream ends the shard with a problem naming the file and offset,
    keeping every line read before it.
    """
    encoding = shard.option("encoding") or "utf-8"
    lineno = shard.first_line - 1
    fh = open_binary(shard.path)
    try:
        if shard.start:
            fh.seek(shard.start)
        remaining = None if shard.end is None else shard.end - shard.start
        offset = shard.start
        while True:
            try:
                raw = fh.readline() if remaining is None else fh.readline(remaining)
            except (EOFError, OSError) as err:
                stats.problem(shard.path, f"stream ends early ({err}); kept what came before",
                              offset=offset, line=lineno + 1, source=source)
                return
            if not raw:
                return
            offset += len(raw)
            if remaining is not None:
                remaining -= len(raw)
            lineno += 1
            yield lineno, decode_line(raw, encoding, shard.path, lineno, stats, source)
            if remaining is not None and remaining <= 0:
                return
    finally:
        fh.close()


def decode_line(raw: bytes, encoding: str, path: str, lineno: int, stats: Stats, source: str) -> str:
    if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw = raw.rstrip(b"\r\n")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        stats.add("read", source, "lines_with_bad_bytes")
        return raw.decode(encoding, errors="replace")


def text_stream(path: str, encoding: str = "utf-8") -> io.TextIOBase:
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="replace")
