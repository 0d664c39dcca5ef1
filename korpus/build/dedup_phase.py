"""Phase 2, global: each dedup step's resolve over the sidecars the map tasks wrote.

The map task writes every step's sidecar while the shard's text is in memory
(:mod:`korpus.build.map_phase`); a sidecar it did not write (an older work
folder) is made here from the shard on disk, in parallel. Then the step's band
tasks (parallel) and its resolve.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl

from korpus.core.io import atomic_path, write_text_atomic
from korpus.core.stats import Stats
from korpus.dedup.pipeline import global_steps


def planned_steps(config, work: Path) -> list[tuple[object, Path]]:
    """The build's global steps with their work folders, each prepared (once, in this process)."""
    planned = []
    for k, step in enumerate(global_steps(config.dedup, config.decontaminate)):
        gdir = work / "global" / f"{k}-{step.name}"
        if hasattr(step, "prepare"):  # e.g. the evaluation index, built once and loaded by every worker
            gdir.mkdir(parents=True, exist_ok=True)
            step.prepare(gdir)
        planned.append((step, gdir))
    return planned


def sidecar_path(gdir: Path, shard_index: int) -> Path:
    return gdir / f"sidecar-{shard_index:05d}.parquet"


def run_global_phase(steps: list[tuple[object, Path]], map_paths: list[Path], engine, stats: Stats,
                     progress) -> list[Path]:
    drop_files: list[Path] = []
    for step, gdir in steps:
        sidecars = [sidecar_path(gdir, i) for i in range(len(map_paths))]
        todo = [(sidecar_shard, (step, i, map_paths[i], sidecars[i]))
                for i in range(len(map_paths)) if not sidecars[i].exists()]
        if progress:
            progress(step.name, len(map_paths) - len(todo), len(map_paths), Stats())
        for n, (_, result) in enumerate(engine.run(todo), start=1):
            stats.merge(Stats.from_dict(result))
            if progress:
                progress(step.name, n + len(map_paths) - len(todo), len(map_paths), Stats())
        before = combine_drops(drop_files, gdir / "dropped-before.parquet") if drop_files else None
        if not (gdir / "resolve.stats.json").exists():
            # The parallel part of a global resolve (near-dup bands), on the same engine.
            for _, result in engine.run(step.band_tasks(sidecars, before, gdir / "bands")):
                stats.merge(Stats.from_dict(result))
        stats.merge(resolve_step(step, sidecars, before, gdir))
        drop_files.append(gdir / "drops.parquet")
    return drop_files


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
