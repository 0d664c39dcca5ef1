"""Sidecar files: what a global step keeps of one map shard (hashes, signatures, matches...).

A step describes its sidecar with a :class:`SidecarSpec`: the schema, the map
shard's columns it reads, and ``make_columns(batch, first_row)``, which turns
one batch of those columns into sidecar columns. The same spec is fed either
while the map task writes the shard (the text is still in memory: one pass over
the input, :mod:`korpus.build.map_phase`) or afterwards from the shard on disk
(:func:`write_sidecar`, for a sidecar the map task did not write). A sidecar's
rows depend only on the rows it describes, never on how they were batched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.io import atomic_path
from korpus.dedup.report import TABLE_PATH_KEY

# ``make_columns(batch, first_row) -> {column: values}`` for one batch of the map shard.
ColumnMaker = Callable[[pa.RecordBatch, int], dict]


@dataclass
class SidecarSpec:
    schema: pa.Schema
    columns: list[str]  # the map shard's columns ``make_columns`` reads, in this order
    make_columns: ColumnMaker
    batch_rows: int  # rows per batch when read back from disk


def sidecar_schema(fields: list[tuple[str, pa.DataType]], table_path: Path) -> pa.Schema:
    """The sidecar's schema, remembering the map shard it describes (reports read texts from it)."""
    return pa.schema(fields, metadata={TABLE_PATH_KEY: str(table_path).encode()})


class SidecarWriter:
    """One sidecar, written atomically: ``add`` the map shard's batches in row order, then close."""

    def __init__(self, spec: SidecarSpec, out_path: Path):
        self.spec = spec
        self.rows = 0
        self._stack = contextlib.ExitStack()
        tmp = self._stack.enter_context(atomic_path(out_path))
        self._writer = self._stack.enter_context(pq.ParquetWriter(tmp, spec.schema, compression="zstd"))

    def add(self, batch: pa.RecordBatch) -> None:
        """One batch of the map shard (at least ``spec.columns``), the rows after those already added."""
        if batch.num_rows:
            part = batch.select(self.spec.columns)
            self._writer.write_table(pa.table(self.spec.make_columns(part, self.rows), schema=self.spec.schema))
        self.rows += batch.num_rows

    def __enter__(self) -> SidecarWriter:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None and self.rows == 0:
            self._writer.write_table(self.spec.schema.empty_table())
        self._stack.__exit__(*exc)  # on an error the temp file is removed, no sidecar appears


def write_sidecar(table_path: Path, out_path: Path, spec: SidecarSpec) -> None:
    """A sidecar from a map shard on disk, streamed in batches of ``spec.batch_rows``."""
    with SidecarWriter(spec, out_path) as writer:
        for batch in pq.ParquetFile(table_path).iter_batches(columns=spec.columns, batch_size=spec.batch_rows):
            writer.add(batch)
