"""Exact document dedup as a global step: hash per shard, then keep one per hash.

Keep rule (deterministic for any worker count or shard order): the longest
text, then the smallest id.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dedup.keys import text_key
from korpus.io import atomic_path
from korpus.stats import Stats

SIDECAR_SCHEMA = pa.schema([("shard", pa.int32()), ("row", pa.int32()), ("id", pa.string()),
                            ("source", pa.string()), ("length", pa.int64()), ("key", pa.uint64())])


class ExactDedup:
    name = "exact_dedup"

    def shard_pass(self, shard_index: int, table_path: Path, out_path: Path, stats: Stats) -> None:
        cols = {n: [] for n in SIDECAR_SCHEMA.names}
        pf = pq.ParquetFile(table_path)
        row = 0
        for batch in pf.iter_batches(columns=["id", "source", "text"], batch_size=10_000):
            for rid, source, text in zip(*(batch.column(i).to_pylist() for i in range(3)), strict=True):
                cols["shard"].append(shard_index)
                cols["row"].append(row)
                cols["id"].append(rid)
                cols["source"].append(source)
                cols["length"].append(len(text))
                cols["key"].append(text_key(text))
                row += 1
        with atomic_path(out_path) as tmp:
            pq.write_table(pa.Table.from_pydict(cols, schema=SIDECAR_SCHEMA), tmp, compression="zstd")

    def resolve(self, sidecars: list[Path], dropped_before: Path | None, out_path: Path,
                report_dir: Path, stats: Stats) -> None:
        docs = pl.scan_parquet([str(p) for p in sidecars])
        if dropped_before is not None:
            docs = docs.join(pl.scan_parquet(str(dropped_before)).select("shard", "row"),
                             on=["shard", "row"], how="anti")
        ranked = docs.sort(["key", "length", "id"], descending=[False, True, False])
        ranked = ranked.with_columns(
            pl.col("id").first().over("key").alias("kept_id"),
            pl.int_range(pl.len()).over("key").alias("rank"),
        )
        dropped = ranked.filter(pl.col("rank") > 0).collect()
        for source, n in dropped.group_by("source").len().iter_rows():
            stats.drop(self.name, source, "exact_duplicate", n)
        report_dir.mkdir(parents=True, exist_ok=True)
        with atomic_path(report_dir / "removed.parquet") as tmp:
            dropped.select("id", "source", "kept_id").write_parquet(tmp)
        drops = dropped.select(pl.col("shard").cast(pl.Int32), pl.col("row").cast(pl.Int32),
                               pl.lit("exact_duplicate").alias("reason"))
        with atomic_path(out_path) as tmp:
            drops.write_parquet(tmp)
