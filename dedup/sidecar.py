"""Sidecar files: what a global step's shard pass writes for one map shard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.io import atomic_path
from korpus.dedup.report import TABLE_PATH_KEY

# ``make_columns(batch, first_row) -> {column: values}`` for one batch of the map shard.
ColumnMaker = Callable[[pa.RecordBatch, int], dict]


def sidecar_schema(fields: list[tuple[str, pa.DataType]], table_path: Path) -> pa.Schema:
    """The sidecar's schema, remembering the map shard it describes (reports read texts from it)."""
    return pa.schema(fields, metadata={TABLE_PATH_KEY: str(table_path).encode()})


def write_sidecar(table_path: Path, out_path: Path, schema: pa.Schema, columns: list[str],
                  make_columns: ColumnMaker, batch_rows: int) -> None:
    """Stream ``columns`` of a map shard in batches into one atomic, zstd-compressed sidecar."""
    row = 0
    with atomic_path(out_path) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for batch in pq.ParquetFile(table_path).iter_batches(columns=columns, batch_size=batch_rows):
            writer.write_table(pa.table(make_columns(batch, row), schema=schema))
            row += batch.num_rows
        if row == 0:
            writer.write_table(schema.empty_table())
