"""Tables with a field mapping: CSV/TSV (header line) and Parquet that is not in the corpus schema."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import InputShard
from korpus.crawlers.readers.fields import CANDIDATES, FieldMap, mapped_record
from korpus.crawlers.readers.files import doc_stem
from korpus.crawlers.readers.lines import LineReader
from korpus.crawlers.readers.parquet import CorpusParquetReader

CSV_FIELD_LIMIT = 64 << 20  # news bodies are longer than csv's 128 KiB default
SCHEMA_KEY = b"korpus.schema_version"


def read_csv(reader: LineReader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    """Rows of a CSV (or ``.tsv``) file with a header; quoted fields may hold newlines."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    name = shard.path.removesuffix(".gz").removesuffix(".bz2")
    delimiter = "\t" if name.endswith(".tsv") else ","
    rows = csv.reader((line + "\n" for _, line in reader.lines(shard, stats)), delimiter=delimiter)
    header = _next_row(rows, shard, stats, reader.kind)
    if not header:
        return
    fields = FieldMap.from_options(reader.options).for_columns(header)
    if fields.text not in header:
        stats.problem(shard.path, f"no text column (header: {', '.join(header)}; looked for "
                      f"{fields.text or ', '.join(CANDIDATES['text'])}); file skipped", source=reader.kind)
        return
    stem = doc_stem(shard)
    while (row := _next_row(rows, shard, stats, reader.kind)) is not None:
        if len(row) != len(header):
            if any(cell.strip() for cell in row):
                stats.problem(shard.path, f"{len(row)} fields, header has {len(header)}; row skipped",
                              line=rows.line_num, source=reader.kind)
            continue
        rec = mapped_record(dict(zip(header, row, strict=True)), fields, reader.kind, source,
                            f"{stem}:{rows.line_num}")
        if rec is None or not rec.text.strip():
            stats.drop("read", reader.kind, "empty_text")
            continue
        yield rec


def _next_row(rows, shard: InputShard, stats: Stats, kind: str) -> list[str] | None:
    """The next row; a malformed one is reported and skipped."""
    while True:
        try:
            return next(rows)
        except StopIteration:
            return None
        except csv.Error as err:
            stats.problem(shard.path, f"malformed CSV ({err}); row skipped", line=rows.line_num, source=kind)


def read_parquet(reader: LineReader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    """Corpus-schema Parquet as is; any other Parquet through the field mapping."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(shard.path)
    except Exception as err:  # corrupt or not Parquet at all
        stats.problem(shard.path, f"not a readable Parquet file ({err}); skipped", source=reader.kind)
        return
    if SCHEMA_KEY in (pf.schema_arrow.metadata or {}):
        yield from CorpusParquetReader(source_name=source).read(shard, stats)
        return
    names = pf.schema_arrow.names
    fields = FieldMap.from_options(reader.options).for_columns(names)
    if fields.text not in names:
        stats.problem(shard.path, f"no text column (columns: {', '.join(names)}; looked for "
                      f"{fields.text or ', '.join(CANDIDATES['text'])}); file skipped", source=reader.kind)
        return
    stem, n = doc_stem(shard), 0
    try:
        for batch in pf.iter_batches(batch_size=2000):
            for row in batch.to_pylist():
                n += 1
                rec = mapped_record(row, fields, reader.kind, source, f"{stem}:{n}")
                if rec is None or not rec.text.strip():
                    stats.drop("read", reader.kind, "empty_text")
                    continue
                yield rec
    except OSError as err:
        stats.problem(shard.path, f"Parquet data unreadable after row {n} ({err}); kept the rows before it",
                      source=reader.kind)
