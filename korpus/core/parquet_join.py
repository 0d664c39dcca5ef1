"""Join Parquet files of one schema into one, without decoding or encoding a page.

Each part's row groups are copied as bytes, one part after another, and one
footer lists them all with their offsets moved (:mod:`korpus.core.thrift_compact`).
The build's single-file output is made this way: worker processes encode the
parts in parallel and the main process joins them, at the speed of a file copy.
Parts written with the same settings as one writer would use give the same
file as that writer, byte for byte. A part with a page index or a bloom filter
(which keep offsets of their own) or with encrypted columns is refused.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

from korpus.core.thrift_compact import (
    I16,
    LIST,
    STRUCT,
    ThriftError,
    field,
    read_struct,
    set_field,
    write_struct,
)

MAGIC = b"PAR1"
# FileMetaData: 2 schema, 3 num_rows, 4 row_groups, 5 key_value_metadata. RowGroup: 1 columns, 5 file_offset,
# 7 ordinal. ColumnChunk: 2 file_offset, 3 meta_data, 4/6 offset/column index, 8 crypto metadata.
# ColumnMetaData: 9 data page, 10 index page, 11 dictionary page offsets, 14 bloom filter offset.
_CHUNK_REFUSED = {4: "a page index", 6: "a page index", 8: "encrypted columns"}
_META_OFFSETS = (9, 10, 11)


class JoinError(ValueError):
    """A part cannot be joined: not Parquet, another schema, or offsets the join does not move."""


def read_footer(path: Path) -> tuple[list, int]:
    """A Parquet file's ``FileMetaData`` (decoded) and the offset where the footer starts."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if size < 12 or fh.read(4) != MAGIC:
            raise JoinError(f"{path}: not a Parquet file")
        fh.seek(size - 8)
        tail = fh.read(8)
        length = int.from_bytes(tail[:4], "little")
        if tail[4:] != MAGIC or length > size - 12:
            raise JoinError(f"{path}: not a Parquet file (no footer)")
        fh.seek(size - 8 - length)
        try:
            return read_struct(fh.read(length)), size - 8 - length
        except ThriftError as err:
            raise JoinError(f"{path}: damaged footer ({err})") from None


class ParquetJoin:
    """Write parts into ``out`` in the order given; :meth:`close` writes the footer.

    >>> import io, pyarrow as pa, pyarrow.parquet as pq, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for i in range(2):
    ...     pq.write_table(pa.table({"x": [i, i + 10]}), folder / f"{i}.parquet")
    >>> out = io.BytesIO()
    >>> join = ParquetJoin(out)
    >>> for i in range(2):
    ...     join.add(folder / f"{i}.parquet")
    >>> join.close()
    >>> pq.read_table(pa.BufferReader(out.getvalue())).column("x").to_pylist()
    [0, 10, 1, 11]
    """

    def __init__(self, out: BinaryIO):
        self.out = out
        self.out.write(MAGIC)
        self.position = len(MAGIC)
        self.meta: list | None = None
        self.row_groups: list = []
        self.rows = 0
        self.parts: list[Path] = []

    def add(self, part: Path) -> None:
        meta, footer_at = read_footer(part)
        if self.meta is None:
            self.meta = meta
        elif (field(meta, 2), field(meta, 5)) != (field(self.meta, 2), field(self.meta, 5)):
            raise JoinError(f"{part}: another schema than the parts before it")
        shift = self.position - len(MAGIC)
        for group in (field(meta, 4) or (STRUCT, []))[1]:
            _move_row_group(group, shift, len(self.row_groups), part)
            self.row_groups.append(group)
        self.rows += field(meta, 3) or 0
        with open(part, "rb") as fh:
            fh.seek(len(MAGIC))
            _copy(fh, self.out, footer_at - len(MAGIC))
        self.position = footer_at + shift
        self.parts.append(part)

    def close(self) -> None:
        if self.meta is None:
            raise JoinError("no parts to join")
        set_field(self.meta, 3, self.rows)
        set_field(self.meta, 4, (STRUCT, self.row_groups))
        footer = write_struct(self.meta)
        self.out.write(footer)
        self.out.write(len(footer).to_bytes(4, "little"))
        self.out.write(MAGIC)


def join_parquet(parts: list[Path], out: Path) -> None:
    """Join ``parts`` (in order) into the file ``out``."""
    with open(out, "wb") as fh:
        join = ParquetJoin(fh)
        for part in parts:
            join.add(part)
        join.close()


def _move_row_group(group: list, shift: int, ordinal: int, part: Path) -> None:
    for entry in group:
        fid, kind, value = entry
        if fid == 5:
            entry[2] = value + shift
        elif fid == 7 and kind == I16:
            entry[2] = ordinal
        elif fid == 1 and kind == LIST:
            for chunk in value[1]:
                _move_chunk(chunk, shift, part)


def _move_chunk(chunk: list, shift: int, part: Path) -> None:
    for entry in chunk:
        fid, _, value = entry
        if fid in _CHUNK_REFUSED:
            raise JoinError(f"{part}: has {_CHUNK_REFUSED[fid]}, which the join cannot move")
        if fid == 2 and value:  # 0: not set (pyarrow writes 0 here)
            entry[2] = value + shift
        elif fid == 3:
            for meta in value:
                if meta[0] in _META_OFFSETS and meta[2]:
                    meta[2] += shift
                elif meta[0] == 14:
                    raise JoinError(f"{part}: has a bloom filter, which the join cannot move")


def _copy(src: BinaryIO, dst: BinaryIO, length: int) -> None:
    """``length`` bytes from ``src``'s position to ``dst``: in the kernel where both are files (no trip
    through Python's buffers; a reflink on file systems that share blocks), else read and written."""
    if hasattr(os, "copy_file_range") and _is_file(src) and _is_file(dst):
        dst.flush()
        at_src, at_dst = src.tell(), dst.tell()
        remaining = length
        while remaining > 0:
            try:
                n = os.copy_file_range(src.fileno(), dst.fileno(), remaining, at_src, at_dst)
            except OSError:  # not supported between these files: the plain way for what is left
                break
            if n == 0:
                raise JoinError(f"{getattr(src, 'name', 'part')}: shorter than its footer says")
            at_src, at_dst, remaining = at_src + n, at_dst + n, remaining - n
        src.seek(at_src)
        dst.seek(at_dst)
        length = remaining
    while length > 0:
        chunk = src.read(min(length, 1 << 24))
        if not chunk:
            raise JoinError(f"{getattr(src, 'name', 'part')}: shorter than its footer says")
        dst.write(chunk)
        length -= len(chunk)


def _is_file(fh: BinaryIO) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fh.fileno()).st_mode)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
