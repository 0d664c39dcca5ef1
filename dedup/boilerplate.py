"""Boilerplate sentences: one sentence repeated across many documents.

Each sentence of at least ``sentence_min_chars`` canonical characters (see
:func:`korpus.dedup.keys.canonical`) is hashed; copies of one sentence beyond the
first ``sentence_copies`` (ordered by document id, then position: deterministic) are
marked for removal.

A document made *only* of removed copies is dropped (reason
``boilerplate_only``); from the documents that stay, the write phase removes
the marked sentences listed in ``sentence_drops.parquet`` beside the step's
drops (``shard``, ``row``, ``sentence`` index), see :mod:`korpus.build.write_phase`. The
most repeated sentences are shown in ``report/sentences.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from korpus.core.io import atomic_path, write_text_atomic
from korpus.core.stats import Stats
from korpus.core.steps import SENTENCE_DROPS
from korpus.dedup.config import SentenceOptions
from korpus.dedup.keys import canonical, text_key
from korpus.dedup.report import read_texts
from korpus.dedup.sidecar import SidecarSpec, sidecar_schema, write_sidecar

REASON = "boilerplate_only"
BATCH_ROWS = 10_000
TOP_SENTENCES = 50
SIDECAR_FIELDS = [("shard", pa.int32()), ("row", pa.int32()), ("sentence", pa.int32()), ("id", pa.string()),
                  ("source", pa.string()), ("key", pa.uint64()), ("eligible", pa.bool_())]


@dataclass
class SentenceDedup(SentenceOptions):
    """Options only (:class:`SentenceOptions`; picklable)."""

    name: str = "sentence_dedup"

    def shard_pass(self, shard_index: int, table_path: Path, out_path: Path, stats: Stats) -> None:
        write_sidecar(table_path, out_path, self.sidecar(shard_index, table_path))

    def sidecar(self, shard_index: int, table_path: Path) -> SidecarSpec:
        """Per sentence: where it is, its canonical-form key and whether it is long enough to count."""

        def columns(batch: pa.RecordBatch, row: int) -> dict:
            lists = batch.column(2)
            parent = pc.list_parent_indices(lists).to_numpy()
            flat = pc.list_flatten(lists).to_pylist()
            starts = lists.offsets.to_numpy()[:-1] - lists.offsets[0].as_py()
            forms = [canonical(s) for s in flat]
            return {
                "shard": np.full(len(flat), shard_index, dtype=np.int32),
                "row": (row + parent).astype(np.int32),
                "sentence": (np.arange(len(flat)) - starts[parent]).astype(np.int32),
                "id": batch.column(0).take(parent), "source": batch.column(1).take(parent),
                "key": np.fromiter(map(text_key, flat), dtype=np.uint64, count=len(flat)),
                "eligible": np.fromiter((len(f) >= self.sentence_min_chars for f in forms), dtype=bool, count=len(flat)),
            }

        return SidecarSpec(sidecar_schema(SIDECAR_FIELDS, table_path), ["id", "source", "sentences"], columns,
                           BATCH_ROWS)

    def band_tasks(self, sidecars: list[Path], dropped_before: Path | None, band_dir: Path) -> list[tuple]:
        """No tasks: this resolve has no parallel part."""
        return []

    def resolve(self, sidecars: list[Path], dropped_before: Path | None, out_path: Path,
                report_dir: Path, stats: Stats) -> None:
        sents = pl.scan_parquet([str(p) for p in sidecars]) if sidecars else _empty()
        if dropped_before is not None:
            sents = sents.join(pl.scan_parquet(str(dropped_before)).select("shard", "row"),
                               on=["shard", "row"], how="anti")
        repeated = (sents.filter("eligible").group_by("key").len().filter(pl.col("len") > self.sentence_copies)
                    .select("key"))
        copies = (sents.join(repeated, on="key", how="semi")
                  .sort(["key", "id", "sentence", "shard", "row"])
                  .with_columns(pl.int_range(pl.len()).over("key").alias("copy"),
                                pl.len().over("key").alias("count"))
                  .collect())
        removed = copies.filter(pl.col("copy") >= self.sentence_copies)
        report_dir.mkdir(parents=True, exist_ok=True)
        with atomic_path(out_path.with_name(SENTENCE_DROPS)) as tmp:
            removed.select("shard", "row", "sentence").sort("shard", "row", "sentence").write_parquet(tmp)
        for source, n in removed.group_by("source").len().iter_rows():
            stats.add(self.name, source, "sentences_marked", n)
        emptied = self.emptied_rows(sents, removed)
        for source, n in emptied.group_by("source").len().iter_rows():
            stats.drop(self.name, source, REASON, n)
        self.write_summary(report_dir, sidecars, copies, removed, emptied)
        with atomic_path(out_path) as tmp:
            emptied.select(pl.col("shard").cast(pl.Int32), pl.col("row").cast(pl.Int32),
                           pl.lit(REASON).alias("reason")).sort("shard", "row").write_parquet(tmp)

    def emptied_rows(self, sents: pl.LazyFrame, removed: pl.DataFrame) -> pl.DataFrame:
        """Documents every sentence of which is a removed copy."""
        gone = removed.group_by("shard", "row").agg(pl.len().alias("gone"), pl.col("source").first())
        totals = (sents.join(gone.lazy().select("shard", "row"), on=["shard", "row"], how="semi")
                  .group_by("shard", "row").len().collect())
        return gone.join(totals, on=["shard", "row"]).filter(pl.col("gone") == pl.col("len"))

    def write_summary(self, report_dir: Path, sidecars: list[Path], copies: pl.DataFrame,
                      removed: pl.DataFrame, emptied: pl.DataFrame) -> None:
        top = (copies.filter(pl.col("copy") == 0).sort(["count", "key"], descending=[True, False])
               .head(TOP_SENTENCES))
        texts = read_sentences(sidecars, top.select("shard", "row", "sentence").rows())
        summary = {
            "step": self.name, "copies_kept": self.sentence_copies, "min_chars": self.sentence_min_chars,
            "repeated_sentences": int(copies.filter(pl.col("copy") == 0).height),
            "sentences_marked": removed.height, "documents_dropped": emptied.height,
            "applied": "documents made only of marked sentences are dropped; the marked sentences are "
                       "removed from the documents that stay (sentences and text)",
            "most_repeated": [{"count": int(c), "first_id": i, "sentence": texts.get((s, r, k))}
                              for s, r, k, i, c in top.select("shard", "row", "sentence", "id", "count").rows()],
        }
        write_text_atomic(report_dir / "sentences.json", json.dumps(summary, ensure_ascii=False, indent=2))


def read_sentences(sidecars: list[Path], wanted: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], str]:
    """Sentence texts by ``(shard, row, index)`` from the map shards."""
    lists = read_texts(sidecars, [(s, r) for s, r, _ in wanted], column="sentences")
    return {(s, r, k): lists[(s, r)][k] for s, r, k in wanted if (s, r) in lists}


def _empty() -> pl.LazyFrame:
    return pl.LazyFrame(schema={name: pl.from_arrow(pa.array([], t)).dtype for name, t in SIDECAR_FIELDS})
