"""Parquet in the corpus schema: the writer settings every korpus Parquet file shares."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.io import atomic_path
from korpus.core.schema import CORPUS_SCHEMA, Record, records_to_table

ROW_GROUP_ROWS = 20_000
BATCH_ROWS = 2_000


def parquet_writer(path: Path, schema: pa.Schema = CORPUS_SCHEMA) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, schema, compression="zstd", write_statistics=["id", "source"])


def write_records(records: Iterable[Record], path: str | os.PathLike) -> int:
    """Stream records into one Parquet file atomically; returns the row count."""
    n = 0
    with atomic_path(path) as tmp, parquet_writer(tmp) as writer:
        for batch in batched(records, BATCH_ROWS):
            writer.write_table(records_to_table(batch), row_group_size=ROW_GROUP_ROWS)
            n += len(batch)
    return n  # no rows: a file with the schema and no row group, which every reader loads


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
