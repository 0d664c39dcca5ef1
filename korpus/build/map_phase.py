"""Phase 1, map: each input shard read -> normalised -> filtered -> split, into one Parquet shard.

The same task writes each global step's sidecar for the shard (hashes,
signatures, matches) from the rows as they are written: the text is read,
decoded and held once. A shard counts as done only when its stats file exists,
written after the shard and its sidecars, so a re-run skips it.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa

from korpus.build.dedup_phase import sidecar_path
from korpus.cleaners.steps import record_steps
from korpus.core.io import write_text_atomic
from korpus.core.parquet import write_records
from korpus.core.schema import Record, records_to_table
from korpus.core.stats import Stats
from korpus.core.steps import run_steps
from korpus.crawlers.readers import InputShard, reader_for
from korpus.dedup.sidecar import SidecarWriter


def run_map_phase(config, shards, work: Path, steps: list[tuple[object, Path]], engine, stats: Stats,
                  progress) -> tuple[list[Path], int]:
    map_dir = work / "map"
    paths = [map_dir / f"part-{i:05d}.parquet" for i in range(len(shards))]
    todo, skipped = [], 0
    for i, (shard, path) in enumerate(zip(shards, paths, strict=True)):
        done = stats_path_for(path)
        if done.exists() and path.exists():
            stats.merge(Stats.from_dict(json.loads(done.read_text(encoding="utf-8"))))
            skipped += 1
        else:
            todo.append((map_shard, (shard, path, config, [(step, sidecar_path(gdir, i)) for step, gdir in steps])))
    if progress:
        progress("map", skipped, len(shards), Stats())  # the phase shows from its start
    for n, (_, result) in enumerate(engine.run(todo), start=1):
        shard_stats = Stats.from_dict(result)
        stats.merge(shard_stats)
        if progress:
            progress("map", n + skipped, len(shards), shard_stats)
    return paths, skipped


def warm_worker() -> None:
    """What every map task pays once per worker, paid as the worker starts (see ``Engine.start``):
    this module's imports, and pyarrow's first conversion, which imports pandas where it is installed."""
    records_to_table([])


def stats_path_for(path: Path) -> Path:
    return path.with_suffix(".stats.json")


def map_shard(shard: InputShard, out_path: Path, config, sidecars: list[tuple[object, Path]] = ()) -> dict:
    """Read one input shard through the record steps into one Parquet shard and its dedup sidecars."""
    stats = Stats()
    t0 = time.perf_counter()
    stats.add("read", shard.kind, "input_bytes", shard_input_bytes(shard))
    reader = reader_for(shard.kind, **dict(shard.options))
    steps = record_steps(config.clean, config.filter, config.split)
    records = run_steps(_counted(reader.read(shard, stats), stats), steps, stats)
    shard_index = int(out_path.stem.rsplit("-", 1)[1])
    with contextlib.ExitStack() as stack:
        writers = [(step.name, stack.enter_context(SidecarWriter(step.sidecar(shard_index, out_path), path)))
                   for step, path in sidecars]
        clock = dict.fromkeys((name for name, _ in writers), 0.0)

        def to_sidecars(table: pa.Table) -> None:
            for batch in table.to_batches():
                for name, writer in writers:
                    t = time.perf_counter()
                    writer.add(batch)
                    clock[name] += time.perf_counter() - t

        n = write_records(_kept(records, stats), out_path, to_sidecars if writers else None)
    for name, seconds in clock.items():
        stats.time(f"{name}:sidecar", seconds)
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
