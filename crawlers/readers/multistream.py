"""Where to cut a bz2 wiki dump so that every worker decompresses part of it.

A ``-multistream`` dump is bz2 streams of about 100 pages each, and its
``-multistream-index.txt.bz2`` lists each stream's offset (``offset:page id:title``).
Cuts are taken from the index when it is beside the dump and agrees with it,
else found by looking for a stream header just after each cut target, which
reads a few hundred KiB per cut, not the whole file. A single-stream dump has
no header after offset 0: the plan then splits its pages by stride instead.
"""

from __future__ import annotations

import bz2
from pathlib import Path

from korpus.crawlers.readers.streams import BZ2_STREAM, find_bz2_stream


def index_beside(dump: Path) -> Path | None:
    """``X-multistream-index.txt.bz2`` for ``X-multistream.xml.bz2``, if it exists."""
    name = dump.name
    if not name.endswith(".xml.bz2"):
        return None
    index = dump.with_name(name.removesuffix(".xml.bz2") + "-index.txt.bz2")
    return index if index.is_file() else None


def stream_cuts(dump: Path, every: int) -> list[int]:
    """Offsets to start shards at: 0, then a stream start about every ``every`` bytes."""
    size = dump.stat().st_size
    index = index_beside(dump)
    if index is not None:
        cuts = _cuts_from_index(index, every)
        if cuts is not None and _all_streams(dump, cuts):
            return cuts
    return _cuts_by_scan(dump, size, every)


def _cuts_from_index(index: Path, every: int) -> list[int] | None:
    cuts, target = [0], every
    try:
        with bz2.open(index, "rb") as fh:
            for line in fh:
                offset = int(line.split(b":", 1)[0])
                if offset >= target:
                    cuts.append(offset)
                    target = offset + every
    except (OSError, EOFError, ValueError):
        return None  # damaged or not an index: scan instead
    return cuts


def _all_streams(dump: Path, cuts: list[int]) -> bool:
    """Every cut after 0 is a stream header (an index of another dump would not be)."""
    with open(dump, "rb") as fh:
        for cut in cuts[1:]:
            fh.seek(cut)
            if not BZ2_STREAM.match(fh.read(10)):
                return False
    return True


def _cuts_by_scan(dump: Path, size: int, every: int) -> list[int]:
    cuts, target = [0], every
    with open(dump, "rb") as fh:
        while target < size:
            found = find_bz2_stream(fh, target)
            if found is None:
                break
            cuts.append(found)
            target = found + every
    return cuts
