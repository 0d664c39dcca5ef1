"""Decontamination as a global step: remove what evaluation sets share with the corpus.

Shard pass (parallel): each document is matched against the evaluation
examples (:mod:`korpus.dedup.evalindex`, built once per worker process) and
every (document, example) match is written with the sentences that carry it
(:func:`korpus.dedup.contamination.carrying_sentences`). Resolve: a set's
``action = "sentence"`` removes the carrying sentences (``sentence_drops.parquet``,
applied by the write phase); a document left without sentences, an unsplit
document (a comment) and a match no single sentence carries drop the whole
document, as ``action = "document"`` always does. Counted under the step's
name per source (reason ``contaminated``; ``sentences_removed:<set>``); the
report is ``report/decontamination.json``.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from korpus.core.errors import OutputError
from korpus.core.io import atomic_path, write_text_atomic
from korpus.core.stats import Stats
from korpus.core.steps import SENTENCE_DROPS
from korpus.dedup.config import DecontamSet
from korpus.dedup.contamination import (
    SAMPLES,
    carried,
    match_batch,
)
from korpus.dedup.evalcache import cached_index
from korpus.dedup.evalindex import KINDS, EvalIndex
from korpus.dedup.evalsets import read_eval_set
from korpus.dedup.sidecar import SidecarSpec, sidecar_schema, write_sidecar

REASON = "contaminated"
BATCH_ROWS = 10_000
SIDECAR_FIELDS = [("shard", pa.int32()), ("row", pa.int32()), ("id", pa.string()), ("source", pa.string()),
                  ("set", pa.string()), ("example", pa.int64()), ("example_line", pa.int64()),
                  ("kind", pa.string()), ("score", pa.float64()), ("n_sentences", pa.int32()),
                  ("carry", pa.list_(pa.int32())), ("matched", pa.string())]
_INDEXES: dict[tuple, EvalIndex] = {}  # one index per worker process and set list


def load_index(sets: list[DecontamSet], index_file: str | None = None) -> EvalIndex:
    """The sets' index, once per process: from ``index_file`` if given, else read from the files
    (a bad file is an InputError naming it)."""
    key = (index_file, *((s.name, s.path, s.text_field, s.encoding) for s in sets))
    if key not in _INDEXES:
        _INDEXES.clear()
        if index_file is not None:
            _INDEXES[key] = EvalIndex.load(Path(index_file))
        else:
            _INDEXES[key] = cached_index(sets, lambda: EvalIndex([read_eval_set(s.name, s.path, s.text_field,
                                                                                s.encoding) for s in sets]))
    return _INDEXES[key]


def _link_or_copy(source: Path, target: Path) -> bool:
    """``target`` made a hard link to (or else a copy of) ``source``; False if neither could be made."""
    try:
        with atomic_path(target) as tmp:
            tmp.unlink(missing_ok=True)
            try:
                os.link(source, tmp)
            except OSError:  # another file system
                shutil.copyfile(source, tmp)
    except (OSError, OutputError):
        return False
    return True


def check_sets(sets: list[DecontamSet]) -> EvalIndex:
    """Read the sets now: a missing, empty or wrong-field file, or a name given twice, is one error."""
    from korpus.core.errors import ConfigError

    names = [s.name for s in sets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"evaluation set name given twice: {', '.join(twice)}")
    return load_index(sets)


@dataclass
class Decontaminate:
    """Options only (picklable): the evaluation sets."""

    sets: list[DecontamSet] = field(default_factory=list)
    name: str = "decontaminate"
    index_file: str | None = None  # set by prepare: the index the workers load instead of re-reading the sets

    def prepare(self, step_dir: Path) -> None:
        """In the main process, before the shard passes: build the index once and save it for the workers."""
        path = step_dir / "index.npz"
        if not path.exists():
            index = load_index(self.sets)
            if not (index.loaded_from and _link_or_copy(index.loaded_from, path)):
                index.save(path)
        self.index_file = str(path)

    def shard_pass(self, shard_index: int, table_path: Path, out_path: Path, stats: Stats) -> None:
        write_sidecar(table_path, out_path, self.sidecar(shard_index, table_path))

    def sidecar(self, shard_index: int, table_path: Path) -> SidecarSpec:
        """Per (document, example) match: where, which example, how, and the sentences that carry it."""
        index = load_index(self.sets, self.index_file)

        def columns(batch: pa.RecordBatch, row: int) -> dict:
            m = match_batch(index, batch.column(2), batch.column(3))
            unit = pa.array(m.unit)
            carry, matched = carried(index, batch.take(pa.array(np.unique(m.unit))).to_pydict(), m)
            return {
                "shard": np.full(len(m.unit), shard_index, dtype=np.int32), "row": (row + m.unit).astype(np.int32),
                "id": batch.column(0).take(unit), "source": batch.column(1).take(unit),
                "set": pa.array([s.name for s in index.sets]).take(pa.array(index.set_of[m.example])),
                "example": m.example, "example_line": index.lines[m.example],
                "kind": pa.array(KINDS).take(pa.array(m.kind)), "score": m.score,
                "n_sentences": pc.list_value_length(batch.column(3).take(unit)).fill_null(0),
                "carry": carry, "matched": matched,
            }

        return SidecarSpec(sidecar_schema(SIDECAR_FIELDS, table_path), ["id", "source", "text", "sentences"], columns,
                           BATCH_ROWS)

    def band_tasks(self, sidecars: list[Path], dropped_before: Path | None, band_dir: Path) -> list[tuple]:
        """No tasks: this resolve has no parallel part."""
        return []

    def resolve(self, sidecars: list[Path], dropped_before: Path | None, out_path: Path,
                report_dir: Path, stats: Stats) -> None:
        found = pl.read_parquet([str(p) for p in sidecars]) if sidecars else _empty()
        if dropped_before is not None:
            found = found.join(pl.read_parquet(str(dropped_before)).select("shard", "row"),
                               on=["shard", "row"], how="anti")
        action = pl.col("set").replace_strict({s.name: s.action for s in self.sets}, default="sentence")
        found = found.with_columns(action.alias("action")).sort("shard", "row", "set", "example")
        # Whole documents: action document, unsplit, no single sentence carries, or every sentence carries.
        # An empty carry list is flagged before exploding: polars 2 drops such rows in explode (1.x made a null).
        found = found.with_columns((pl.col("carry").list.len() == 0).alias("uncarried"))
        per_doc = (found.explode("carry").group_by("shard", "row")
                   .agg(pl.col("carry").drop_nulls().unique().alias("carry"))
                   .join(found.group_by("shard", "row")
                         .agg(pl.col("source").first(), pl.col("n_sentences").first(),
                              (pl.col("action") == "document").any().alias("by_document"),
                              pl.col("uncarried").any()), on=["shard", "row"], how="right"))
        whole = per_doc.filter(pl.col("by_document") | (pl.col("n_sentences") == 0) | pl.col("uncarried")
                               | (pl.col("carry").list.len() >= pl.col("n_sentences")))
        cut = per_doc.join(whole.select("shard", "row"), on=["shard", "row"], how="anti")
        sentence_drops = cut.explode("carry").select("shard", "row", pl.col("carry").cast(pl.Int32).alias("sentence"))
        with atomic_path(out_path.with_name(SENTENCE_DROPS)) as tmp:
            sentence_drops.sort("shard", "row", "sentence").write_parquet(tmp)
        with atomic_path(out_path) as tmp:
            whole.select(pl.col("shard").cast(pl.Int32), pl.col("row").cast(pl.Int32),
                         pl.lit(REASON).alias("reason")).sort("shard", "row").write_parquet(tmp)
        for source, n in whole.group_by("source").len().iter_rows():
            stats.drop(self.name, source, REASON, n)
        self.count_sets(found, whole, cut, stats)
        self.write_report(found, whole, cut, report_dir)

    def count_sets(self, found: pl.DataFrame, whole: pl.DataFrame, cut: pl.DataFrame, stats: Stats) -> None:
        """Per set and source: documents dropped and sentences removed (a document counted under each set it matched)."""
        doc_sets = found.select("shard", "row", "set", "source", "carry").unique(["shard", "row", "set"])
        for s, source, n in (doc_sets.join(whole.select("shard", "row"), on=["shard", "row"])
                             .group_by("set", "source").len().sort("set", "source").iter_rows()):
            stats.add(self.name, source, f"documents_dropped:{s}", n)
        sents = (found.join(cut.select("shard", "row"), on=["shard", "row"]).explode("carry")
                 .unique(["shard", "row", "set", "carry"]).group_by("set", "source").len().sort("set", "source"))
        for s, source, n in sents.iter_rows():
            stats.add(self.name, source, f"sentences_removed:{s}", n)

    def write_report(self, found: pl.DataFrame, whole: pl.DataFrame, cut: pl.DataFrame, report_dir: Path) -> None:
        index = load_index(self.sets, self.index_file)
        sets = []
        for s in self.sets:
            mine = found.filter(pl.col("set") == s.name)
            best = mine.group_by("example").agg((pl.col("kind") == "exact").any().alias("exact"))
            exact = int(best["exact"].sum())
            docs = mine.select("shard", "row").unique()
            sets.append({
                "name": s.name, "path": s.path, "action": s.action, "examples": index.examples[s.name],
                "too_short_skipped": index.too_short[s.name],
                "found": {"total": best.height, "exact": exact, "containment": best.height - exact},
                "documents_dropped": docs.join(whole.select("shard", "row"), on=["shard", "row"]).height,
                "documents_cut": docs.join(cut.select("shard", "row"), on=["shard", "row"]).height,
                "sentences_removed": (mine.join(cut.select("shard", "row"), on=["shard", "row"]).explode("carry")
                                      .select("shard", "row", "carry").unique().height),
                "samples": [{"example_line": r["example_line"], "example": index.texts[r["example"]],
                             "corpus_id": r["id"], "matched": r["matched"], "kind": r["kind"],
                             "score": round(r["score"], 3)} for r in mine.head(SAMPLES).iter_rows(named=True)],
            })
        o = index.options
        report = {"step": self.name, "method": {"ngram": o.ngram, "threshold": o.threshold,
                                                "min_chars": o.min_chars, "max_postings": o.max_postings},
                  "sets": sets}
        report_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(report_dir / "decontamination.json", json.dumps(report, ensure_ascii=False, indent=2))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={name: pl.from_arrow(pa.array([], t)).dtype for name, t in SIDECAR_FIELDS})
