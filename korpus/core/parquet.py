"""Parquet in the corpus schema: the writer settings every korpus Parquet file shares."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.io import atomic_path
from korpus.core.schema import CORPUS_SCHEMA, Record, records_to_table

ROW_GROUP_ROWS = 20_000
BATCH_ROWS = 2_000


def parquet_writer(path: Path, schema: pa.Schema = CORPUS_SCHEMA) -> pq.ParquetWriter:
    return pq.ParquetWriter(path, schema, compression="zstd", write_statistics=["id", "source"])


def write_records(records: Iterable[Record], path: str | os.PathLike,
                  on_table: Callable[[pa.Table], None] | None = None) -> int:
    """Stream records into one Parquet file atomically; returns the row count.

    ``on_table`` sees each table of rows as it is written, in order (the map task
    hands them to the dedup sidecars while the text is in memory).
    """
    n = 0
    with atomic_path(path) as tmp, parquet_writer(tmp) as writer:
        for batch in batched(records, BATCH_ROWS):
            table = records_to_table(batch)
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
            if on_table is not None:
                on_table(table)
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
