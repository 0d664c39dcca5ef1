"""Phase 1, map: each input shard read -> normalised -> filtered -> split, into one Parquet shard.

A shard counts as done only when its stats file exists, so a re-run skips it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from korpus.cleaners.steps import record_steps
from korpus.core.io import write_text_atomic
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.core.steps import run_steps
from korpus.crawlers.readers import InputShard, reader_for


def run_map_phase(config, shards, work: Path, engine, stats: Stats, progress) -> tuple[list[Path], int]:
    map_dir = work / "map"
    paths = [map_dir / f"part-{i:05d}.parquet" for i in range(len(shards))]
    todo, skipped = [], 0
    for shard, path in zip(shards, paths, strict=True):
        done = stats_path_for(path)
        if done.exists() and path.exists():
            stats.merge(Stats.from_dict(json.loads(done.read_text(encoding="utf-8"))))
            skipped += 1
        else:
            todo.append((map_shard, (shard, path, config)))
    if progress:
        progress("map", skipped, len(shards), Stats())  # the phase shows from its start
    for n, (_, result) in enumerate(engine.run(todo), start=1):
        shard_stats = Stats.from_dict(result)
        stats.merge(shard_stats)
        if progress:
            progress("map", n + skipped, len(shards), shard_stats)
    return paths, skipped


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
