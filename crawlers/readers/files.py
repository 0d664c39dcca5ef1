"""Opening inputs: compressed or not, byte ranges aligned to line starts, decoding lines.

Plain files are split into byte ranges so one big file feeds every worker;
compressed files are read whole by one worker (gzip and bz2 streams cannot be
entered in the middle, except bz2 multistream, which the wiki reader uses).
Lines are read in blocks and decoded a block at a time; only a block with
bad bytes or NULs is decoded line by line, so clean text goes at block speed.
"""

from __future__ import annotations

import bz2
import gzip
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from korpus.core.stats import Stats
from korpus.crawlers.readers.base import RANGE_BYTES, InputShard, Reader, expand_path
from korpus.crawlers.readers.encoding import AUTO, BOM, PREFIX_BYTES, detect_encoding
from korpus.crawlers.readers.streams import open_source, read_prefix

COMPRESSED = (".gz", ".bz2")
LINE_CHUNK = 1 << 20
MAX_LINE_BYTES = 16 << 20  # a "line" longer than this is not text we want; skipped and counted
INVALID_BYTES = ("replace", "skip")

Hints = Callable[[Path], dict[str, Any]]


def open_binary(path: str | Path):
    path = str(path)
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def plan_line_ranges(reader: Reader, path: str, range_bytes: int = RANGE_BYTES,
                     hints: Hints | None = None) -> list[InputShard]:
    """Byte ranges of each plain file, with the line number each range starts at.

    Counting newlines is a fast pass at disk speed; it makes line-number ids
    exact for every range without a worker knowing about the others.
    ``hints(file)`` adds what the plan learned about a file to its shards.
    """
    shards: list[InputShard] = []
    for f in expand_path(path, reader.suffixes):
        found = {**(hints(f) if hints else {}), **stem_hint(f, path)}
        if f.name.endswith(COMPRESSED):
            shards.append(reader.shard(f, hints=found))
            continue
        shards.extend(_ranges_of(reader, f, range_bytes, found))
    return shards


def _ranges_of(reader: Reader, f: Path, range_bytes: int, hints: dict[str, Any]) -> list[InputShard]:
    size = f.stat().st_size
    if size <= range_bytes:
        return [reader.shard(f, hints=hints)]
    shards = []
    line = 1
    with open(f, "rb") as fh:
        start = 0
        while start < size:
            end = min(start + range_bytes, size)
            # Move the cut to just after the next newline, so ranges hold whole lines.
            fh.seek(end)
            rest = _rest_of_line(fh) if end < size else 0
            end = min(end + rest, size)
            shards.append(reader.shard(f, start, end if end < size else None, line, hints=hints))
            fh.seek(start)
            line += _count_newlines(fh, end - start)
            start = end
    return shards


def _rest_of_line(fh) -> int:
    """Bytes up to and including the next newline (bounded reads: a huge line costs no memory)."""
    n = 0
    while True:
        block = fh.read(LINE_CHUNK)
        if not block:
            return n
        i = block.find(b"\n")
        if i >= 0:
            return n + i + 1
        n += len(block)


def _count_newlines(fh, nbytes: int) -> int:
    count = 0
    while nbytes > 0:
        block = fh.read(min(LINE_CHUNK, nbytes))
        if not block:
            break
        count += block.count(b"\n")
        nbytes -= len(block)
    return count


DATA_SUFFIXES = (".gz", ".bz2", ".txt", ".tsv", ".csv", ".jsonl", ".json", ".html", ".htm", ".warc", ".parquet",
                 ".xml")


def file_stem(path: str | Path) -> str:
    """The file name without its data and compression suffixes.

    >>> file_stem("/d/20190101_20200611_v2.txt.bz2"), file_stem("a b/뉴스 1.jsonl")
    ('20190101_20200611_v2', '뉴스 1')
    """
    name = Path(path).name
    for suffix in DATA_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def stem_hint(f: Path, path: str) -> dict[str, Any]:
    """For a file found in a folder, its stem relative to the folder, so ``2019/c.txt`` and
    ``2020/c.txt`` give different ids; nothing for a file given by itself.

    >>> import tempfile; d = tempfile.mkdtemp()
    >>> stem_hint(Path(d, "2019", "c.txt"), d), stem_hint(Path(d, "c.txt"), str(Path(d, "c.txt")))
    ({'stem': '2019/c'}, {})
    """
    root = Path(path)
    if not root.is_dir():
        return {}
    rel = Path(f).relative_to(root)
    return {"stem": (rel.parent / file_stem(rel)).as_posix()}


def doc_stem(shard: InputShard) -> str:
    """The name ids of line and file records start with: the folder-relative stem, else the file stem."""
    return shard.hint("stem") or file_stem(shard.path)


def encoding_hint(encoding: str, f: Path) -> dict[str, Any]:
    """``{"encoding": ...}`` detected from the file's first bytes when the option is ``auto``."""
    if encoding != AUTO:
        return {}
    return {"encoding": sniff_encoding(f)}


def sniff_encoding(f: str | Path) -> str:
    try:
        return detect_encoding(read_prefix(f, PREFIX_BYTES))
    except OSError:
        return "utf-8"  # unreadable: the read reports it


def shard_encoding(shard: InputShard) -> str:
    """The encoding to read a shard with: the plan's detection, else the option (detected now if auto)."""
    encoding = shard.hint("encoding") or shard.option("encoding") or "utf-8"
    return sniff_encoding(shard.path) if encoding == AUTO else encoding


def note_file(shard: InputShard, stats: Stats, source: str, encoding: str) -> bool:
    """Count the file; report an empty one or a detected legacy encoding. False: nothing to read."""
    if shard.start != 0:
        return True
    stats.add("read", source, "files")
    try:
        empty = os.path.getsize(shard.path) == 0
    except OSError as err:
        stats.problem(shard.path, f"cannot read ({err.strerror}); skipped", source=source)
        return False
    if empty:
        stats.add("read", source, "empty_files")
        stats.problem(shard.path, "empty file; nothing to read", source=source)
        return False
    if encoding != "utf-8":
        stats.add("read", source, f"files_{encoding}")
        if shard.hint("encoding"):
            stats.problem(shard.path, f"not UTF-8: read as {encoding} (detected)", source=source)
    return True


def iter_lines(shard: InputShard, stats: Stats, source: str,
               encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """(line number, decoded line without newline) for the lines a shard owns.

    Undecodable bytes become U+FFFD (option ``invalid_bytes = "replace"``) or
    the line is skipped (``"skip"``), and counted; NUL characters are removed
    and counted; a truncated or damaged compressed stream ends the shard with
    a problem naming the file and offset, keeping every line read before it.
    """
    encoding = encoding or shard_encoding(shard)
    counts = _LineCounts()
    reader = _LineDecoder(encoding, shard.option("invalid_bytes") or "replace", counts)
    lineno = shard.first_line - 1
    first_block = shard.start == 0

    def problem(message: str, offset: int) -> None:
        stats.problem(shard.path, message, offset=offset, line=lineno + 1, source=source)

    src = open_source(shard.path, shard.start, shard.end, problem)
    tail = b""
    skipping = False  # inside a line too long to keep
    try:
        for chunk in src:
            if chunk is None:  # a gap: the line it cut is lost
                counts.cut += bool(tail)
                tail, skipping = b"", False
                continue
            if src.past_end:
                break
            if skipping:
                newline = chunk.find(b"\n")
                if newline < 0:
                    continue
                chunk, skipping, lineno = chunk[newline + 1:], False, lineno + 1
            data = tail + chunk if tail else chunk
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > MAX_LINE_BYTES:
                    problem(f"a line longer than {MAX_LINE_BYTES >> 20} MiB; skipped", src.offset)
                    counts.too_long += 1
                    data, skipping = b"", True
                tail = data
                continue
            block, tail = data[:cut], data[cut:]
            if first_block:
                block, first_block = block.removeprefix(BOM), False
            for line in reader.lines(block, lineno):
                lineno += 1
                if line is not None:
                    yield lineno, line
        if tail:  # the last line has no newline
            if first_block:
                tail = tail.removeprefix(BOM)
            for line in reader.lines(tail + b"\n", lineno):
                lineno += 1
                if line is not None:
                    yield lineno, line
    finally:
        counts.flush(stats, source)
        counts.report(shard.path, encoding, stats, source)


class _LineCounts:
    __slots__ = ("lines", "bad", "skipped", "nul", "cut", "too_long", "first_bad")

    def __init__(self):
        self.lines = self.bad = self.skipped = self.nul = self.cut = self.too_long = 0
        self.first_bad: int | None = None  # line number of the first damaged line

    def damaged(self, lineno: int) -> None:
        if self.first_bad is None:
            self.first_bad = lineno

    def report(self, path: str, encoding: str, stats: Stats, source: str) -> None:
        """One problem per shard for damaged lines (not one per line: a bad file must not flood)."""
        parts = []
        if self.bad:
            parts.append(f"{self.bad} lines with bytes invalid in {encoding} (replaced by U+FFFD)")
        if self.skipped:
            parts.append(f"{self.skipped} lines with bytes invalid in {encoding} (skipped)")
        if self.nul:
            parts.append(f"{self.nul} lines with NUL characters (removed)")
        if parts:
            stats.problem(path, "; ".join(parts) + "; first at this line", line=self.first_bad, source=source)

    def flush(self, stats: Stats, source: str) -> None:
        for key, n in (("lines", self.lines), ("lines_invalid_bytes", self.bad),
                       ("dropped:invalid_bytes", self.skipped), ("lines_with_nul", self.nul),
                       ("dropped:cut_line", self.cut), ("dropped:line_too_long", self.too_long)):
            if n:
                stats.add("read", source, key, n)


class _LineDecoder:
    """Decodes a block of whole lines; a line is ``None`` where it was skipped."""

    def __init__(self, encoding: str, invalid: str, counts: _LineCounts):
        self.encoding = encoding
        self.skip_invalid = invalid == "skip"
        self.counts = counts

    def lines(self, block: bytes, before: int) -> list[str | None]:
        """The lines of ``block``; ``before`` is the number of the line before it."""
        try:
            text = block.decode(self.encoding)
        except UnicodeDecodeError:
            return self._line_by_line(block, before)
        lines = text.split("\n")
        lines.pop()  # the block ends with a newline
        self.counts.lines += len(lines)
        if "\r" in text:
            lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        if "\x00" in text:
            lines = [self._without_nul(line, before + i + 1) for i, line in enumerate(lines)]
        return lines

    def _line_by_line(self, block: bytes, before: int) -> list[str | None]:
        raws = block.split(b"\n")
        raws.pop()
        out: list[str | None] = []
        for i, raw in enumerate(raws, start=before + 1):
            self.counts.lines += 1
            try:
                line = raw.decode(self.encoding)
            except UnicodeDecodeError:
                self.counts.damaged(i)
                if self.skip_invalid:
                    self.counts.skipped += 1
                    out.append(None)
                    continue
                self.counts.bad += 1
                line = raw.decode(self.encoding, errors="replace")
            out.append(self._without_nul(line.removesuffix("\r"), i))
        return out

    def _without_nul(self, line: str, lineno: int) -> str:
        if "\x00" not in line:
            return line
        self.counts.nul += 1
        self.counts.damaged(lineno)
        return line.replace("\x00", "")
