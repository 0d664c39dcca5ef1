"""Exact document dedup as a global step: hash per shard, then keep one per hash.

Two documents are the same when their canonical forms (:mod:`korpus.dedup.keys`:
no whitespace or punctuation, case folded) are equal. Each group keeps one
copy by the rule of :mod:`korpus.dedup.keep` (the longest, then the smallest id),
so the output is the same for any worker count or shard order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from korpus.core.stats import Stats
from korpus.dedup.keep import assign_kept, write_drops
from korpus.dedup.keys import content_hash, text_key
from korpus.dedup.report import write_report
from korpus.dedup.sidecar import SidecarSpec, sidecar_schema, write_sidecar

REASON = "exact_duplicate"
BATCH_ROWS = 10_000
SIDECAR_FIELDS = [("shard", pa.int32()), ("row", pa.int32()), ("id", pa.string()), ("source", pa.string()),
                  ("length", pa.int64()), ("tiebreak", pa.uint64()), ("key", pa.uint64())]


@dataclass
class ExactDedup:
    name: str = "exact_dedup"

    def shard_pass(self, shard_index: int, table_path: Path, out_path: Path, stats: Stats) -> None:
        write_sidecar(table_path, out_path, self.sidecar(shard_index, table_path))

    def sidecar(self, shard_index: int, table_path: Path) -> SidecarSpec:
        """Per document: where it is, its length, content hash and canonical-form key."""

        def columns(batch: pa.RecordBatch, row: int) -> dict:
            texts = batch.column(2).to_pylist()
            n = len(texts)
            return {
                "shard": np.full(n, shard_index, dtype=np.int32),
                "row": np.arange(row, row + n, dtype=np.int32),
                "id": batch.column(0), "source": batch.column(1),
                "length": np.fromiter(map(len, texts), dtype=np.int64, count=n),
                "tiebreak": np.fromiter(map(content_hash, texts), dtype=np.uint64, count=n),
                "key": np.fromiter(map(text_key, texts), dtype=np.uint64, count=n),
            }

        return SidecarSpec(sidecar_schema(SIDECAR_FIELDS, table_path), ["id", "source", "text"], columns, BATCH_ROWS)

    def band_tasks(self, sidecars: list[Path], dropped_before: Path | None, band_dir: Path) -> list[tuple]:
        """No tasks: this resolve has no parallel part."""
        return []

    def resolve(self, sidecars: list[Path], dropped_before: Path | None, out_path: Path,
                report_dir: Path, stats: Stats) -> None:
        docs = pl.scan_parquet([str(p) for p in sidecars]) if sidecars else _empty()
        if dropped_before is not None:
            docs = docs.join(pl.scan_parquet(str(dropped_before)).select("shard", "row"),
                             on=["shard", "row"], how="anti")
        considered = {s: int(n) for s, n in sorted(docs.group_by("source").len().collect().iter_rows())}
        repeated = docs.group_by("key").len().filter(pl.col("len") > 1).select("key")
        members = assign_kept(docs.join(repeated, on="key", how="semi").collect(), "key")
        for source, n in members.filter(~pl.col("kept")).group_by("source").len().iter_rows():
            stats.drop(self.name, source, REASON, n)
        for source, n in considered.items():
            stats.add(self.name, source, "considered", n)
        summary = {"step": self.name, "method": "xxh3 of the text without whitespace and punctuation, casefolded"}
        write_report(report_dir, members, summary, considered, samples=[])
        write_drops(members, out_path, REASON)


def _empty() -> pl.LazyFrame:
    return pl.LazyFrame(schema={name: pl.from_arrow(pa.array([], t)).dtype for name, t in SIDECAR_FIELDS})
