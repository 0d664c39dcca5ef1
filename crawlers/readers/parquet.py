"""Corpus-schema Parquet shards, as written by ``korpus crawl law|news``."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.schema import COLUMNS, Record, table_to_records
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import InputShard, Reader


class CorpusParquetReader(Reader):
    """Reads crawl folders: ``part-*.parquet`` files in the corpus schema."""

    kind = "parquet"
    suffixes = (".parquet",)
    option_defaults = {"source_name": ""}

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        source = shard.option("source_name") or self.kind
        try:
            pf = pq.ParquetFile(shard.path)
        except Exception as err:  # corrupt or not Parquet at all
            stats.problem(shard.path, f"not a readable Parquet file ({err}); skipped", source=source)
            return
        missing = {"id", "text"} - set(pf.schema_arrow.names)
        if missing:
            stats.problem(shard.path, f"not in the corpus schema (missing {sorted(missing)}); skipped",
                          source=source)
            return
        columns = [c for c in COLUMNS if c in pf.schema_arrow.names]
        for batch in pf.iter_batches(batch_size=2000, columns=columns):
            for rec in table_to_records(pa.Table.from_batches([batch])):
                if shard.option("source_name"):
                    rec.source = shard.option("source_name")
                yield rec
