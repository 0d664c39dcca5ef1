"""The picklable task functions the engines run, one per phase."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl

from cleaners.steps import record_steps
from crawlers.readers import InputShard, reader_for
from korpus.io import atomic_path, write_records, write_text_atomic
from korpus.schema import Record
from korpus.stats import Stats
from korpus.steps import run_steps


def stats_path_for(path: Path) -> Path:
    return path.with_suffix(".stats.json")


def map_shard(shard: InputShard, out_path: Path, config) -> dict:
    """Read one input shard through the record steps into one Parquet shard."""
    stats = Stats()
    t0 = time.perf_counter()
    stats.add("read", shard.kind, "input_bytes", shard_input_bytes(shard))
    reader = reader_for(shard.kind, **dict(shard.options))
    steps = record_steps(config.clean, config.filter, config.split)
    records = run_steps(_counted(reader.read(shard, stats), stats), steps, stats)
    n = write_records(_kept(records, stats), out_path)
    stats.add("write", "*", "shards")
    stats.time("map_shard", time.perf_counter() - t0)
    stats.add("map", "*", "rows", n)
    write_text_atomic(stats_path_for(out_path), stats.to_json())
    return stats.to_dict()


def shard_input_bytes(shard: InputShard) -> int:
    """Bytes of input on disk this shard covers (compressed size for .gz/.bz2)."""
    try:
        size = Path(shard.path).stat().st_size
    except OSError:
        return 0
    end = size if shard.end is None else min(shard.end, size)
    k, of = dict(shard.hints).get("stride", (0, 1))  # stride shards each read the whole file
    return max(0, end - shard.start) // of + (1 if k < (end - shard.start) % of else 0)


def _counted(records: Iterable[Record], stats: Stats) -> Iterator[Record]:
    for rec in records:
        stats.add("read", rec.source, "docs")
        stats.add("read", rec.source, "bytes", len(rec.text.encode("utf-8")))
        yield rec


def _kept(records: Iterable[Record], stats: Stats) -> Iterator[Record]:
    for rec in records:
        stats.add("cleaned", rec.source, "docs")
        stats.add("cleaned", rec.source, "bytes", len(rec.text.encode("utf-8")))
        yield rec


def sidecar_shard(step, shard_index: int, table_path: Path, out_path: Path) -> dict:
    stats = Stats()
    t0 = time.perf_counter()
    step.shard_pass(shard_index, table_path, out_path, stats)
    stats.time(f"{step.name}:shard_pass", time.perf_counter() - t0)
    return stats.to_dict()


def resolve_step(step, sidecars: list[Path], before: Path | None, gdir: Path) -> Stats:
    """Run (or reload) a global step's resolve; its stats file marks it done."""
    done = gdir / "resolve.stats.json"
    if done.exists() and (gdir / "drops.parquet").exists():
        return Stats.from_dict(json.loads(done.read_text(encoding="utf-8")))
    stats = Stats()
    t0 = time.perf_counter()
    step.resolve(sidecars, before, gdir / "drops.parquet", gdir / "report", stats)
    stats.time(f"{step.name}:resolve", time.perf_counter() - t0)
    write_text_atomic(done, stats.to_json())
    return stats


def combine_drops(files: list[Path], out: Path) -> Path:
    with atomic_path(out) as tmp:
        pl.concat([pl.read_parquet(f).select("shard", "row") for f in files]).unique().write_parquet(tmp)
    return out
