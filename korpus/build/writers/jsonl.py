"""JSON Lines: one object per document with the schema's fields, as dolma and datatrove read them.

Values are the Parquet row's: ``sentences`` a list, ``meta`` the same JSON
string (or null). Compression comes from the format name (``jsonl.gz``,
``jsonl.zst``), done by pyarrow's streams, so no extra dependency.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from korpus.core.schema import COLUMNS

CODECS = {"": None, ".gz": "gzip", ".zst": "zstd"}


class JsonlWriter:
    def __init__(self, compression: str = ""):
        self.codec = CODECS[compression]
        self.name = "jsonl" + compression
        self.suffix = ".jsonl" + compression

    def write(self, batches: Iterable[pa.RecordBatch], path: Path) -> None:
        with pa.OSFile(str(path), "wb") as raw:
            out = pa.CompressedOutputStream(raw, self.codec) if self.codec else raw
            try:
                for batch in batches:
                    out.write(encode_lines(batch))
            finally:
                if self.codec:
                    out.close()


def encode_lines(batch: pa.RecordBatch) -> bytes:
    """The batch as JSON lines, keys in schema order, UTF-8 as is."""
    columns = [batch.column(name).to_pylist() for name in COLUMNS]
    lines = (json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False) for row in zip(*columns, strict=True))
    return "".join(line + "\n" for line in lines).encode("utf-8")
