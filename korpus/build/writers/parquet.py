"""The default writer: zstd Parquet with bounded row groups (:mod:`korpus.core.parquet`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from korpus.core.parquet import ROW_GROUP_ROWS, parquet_writer
from korpus.core.schema import CORPUS_SCHEMA


class ParquetWriter:
    name = "parquet"
    suffix = ".parquet"

    def write(self, batches: Iterable[pa.RecordBatch], path: Path) -> None:
        with parquet_writer(path) as writer:
            for batch in batches:
                if batch.num_rows:  # an empty row group breaks HF datasets; no rows leaves none
                    writer.write_table(pa.Table.from_batches([batch], CORPUS_SCHEMA), row_group_size=ROW_GROUP_ROWS)
