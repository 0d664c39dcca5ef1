"""``korpus build`` as a library: plan shards, map steps, global dedup, write.

Phases, each resumable because every output is written atomically and a
shard counts as done only when its stats file exists:

1. map     read -> normalise -> filter -> split, one Parquet per input shard
2. global  each dedup step: a sidecar per shard (parallel), then one resolve
3. write   filter the dropped rows out and write the corpus (file or shards)

The work folder is keyed by the inputs and step options, so a changed option
starts a fresh build and an unchanged one resumes.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawlers.readers import InputShard, reader_for
from korpus import __version__
from korpus.config import BuildConfig, SourceSpec
from korpus.errors import InputError
from korpus.io import TMP_PREFIX, write_text_atomic
from korpus.runner import make_engine
from korpus.sample import sample_sources
from korpus.stats import Stats
from korpus.write import write_output

Progress = Callable[[str, int, int, Stats], None]


@dataclass
class BuildResult:
    out: Path
    stats: Stats
    shards: int
    skipped_shards: int
    work_dir: Path
    seconds: float = 0.0
    stats_path: Path | None = None
    phases: dict[str, float] = field(default_factory=dict)


def build(config: BuildConfig, progress: Progress | None = None) -> BuildResult:
    t0 = time.perf_counter()
    sources = config.sources or sample_sources()
    shards = plan_shards(sources)
    work = work_dir_for(config, shards)
    remove_stale_temp_files(work, Path(config.out))
    engine = make_engine(config.engine, config.workers, config.ray_address)
    stats = Stats()
    phases: dict[str, float] = {}

    try:
        t = time.perf_counter()
        map_paths, skipped = run_map_phase(config, shards, work, engine, stats, progress)
        phases["map"] = time.perf_counter() - t

        t = time.perf_counter()
        drop_files = run_global_phase(config, map_paths, work, engine, stats, progress)
        phases["global"] = time.perf_counter() - t

        t = time.perf_counter()
        out, stats_path = write_output(config, map_paths, drop_files, engine, stats, progress)
        phases["write"] = time.perf_counter() - t
    finally:
        engine.close()
    stats.seconds.update({f"phase:{k}": v for k, v in phases.items()})
    write_text_atomic(stats_path, stats.to_json())  # again, now with the write phase's time
    return BuildResult(out, stats, len(shards), skipped, work, time.perf_counter() - t0, stats_path, phases)


def plan_shards(sources: list[SourceSpec]) -> list[InputShard]:
    shards: list[InputShard] = []
    for spec in sources:
        shards.extend(reader_for(spec.kind, **spec.options).plan(spec.path))
    return shards


def work_dir_for(config: BuildConfig, shards: list[InputShard]) -> Path:
    key = {
        "version": __version__,
        "steps": config.step_options(),
        "shards": [[s.kind, s.path, s.start, s.end, list(s.options), *_file_id(s.path)] for s in shards],
    }
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:12]
    out = Path(config.out)
    base = Path(config.work_dir) if config.work_dir else out.parent / ".korpus-work"
    return base / f"{out.name.removesuffix('.parquet') or 'corpus'}-{digest}"


def remove_stale_temp_files(work: Path, out: Path) -> None:
    """Temp files of a killed run: never complete, safe to delete before resuming."""
    candidates = list(work.rglob(TMP_PREFIX + "*")) if work.exists() else []
    if out.is_dir():
        candidates += list(out.glob(TMP_PREFIX + "*"))
    candidates += list(out.parent.glob(f"{TMP_PREFIX}{out.name}.*"))
    candidates += list(out.parent.glob(f"{TMP_PREFIX}{out.with_suffix('.stats.json').name}.*"))
    for tmp in candidates:
        tmp.unlink(missing_ok=True)


def _file_id(path: str) -> tuple[int, int]:
    try:
        st = Path(path).stat()
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror})") from None
    return st.st_size, st.st_mtime_ns


# -- phase 1 ---------------------------------------------------------------------------

def run_map_phase(config, shards, work: Path, engine, stats: Stats, progress) -> tuple[list[Path], int]:
    from korpus.tasks import map_shard, stats_path_for

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
    for n, (_, result) in enumerate(engine.run(todo), start=1):
        shard_stats = Stats.from_dict(result)
        stats.merge(shard_stats)
        if progress:
            progress("map", n + skipped, len(shards), shard_stats)
    return paths, skipped


# -- phase 2 ---------------------------------------------------------------------------

def run_global_phase(config, map_paths: list[Path], work: Path, engine, stats: Stats, progress) -> list[Path]:
    from dedup.pipeline import global_steps
    from korpus.tasks import combine_drops, resolve_step, sidecar_shard

    drop_files: list[Path] = []
    for k, step in enumerate(global_steps(config.dedup)):
        gdir = work / "global" / f"{k}-{step.name}"
        sidecars = [gdir / f"sidecar-{i:05d}.parquet" for i in range(len(map_paths))]
        todo = [(sidecar_shard, (step, i, map_paths[i], sidecars[i]))
                for i in range(len(map_paths)) if not sidecars[i].exists()]
        for n, (_, result) in enumerate(engine.run(todo), start=1):
            stats.merge(Stats.from_dict(result))
            if progress:
                progress(step.name, n + len(map_paths) - len(todo), len(map_paths), Stats())
        before = combine_drops(drop_files, gdir / "dropped-before.parquet") if drop_files else None
        if hasattr(step, "band_tasks") and not (gdir / "resolve.stats.json").exists():
            # The parallel part of a global resolve (near-dup bands), on the same engine.
            for _, result in engine.run(step.band_tasks(sidecars, before, gdir / "bands")):
                stats.merge(Stats.from_dict(result))
        stats.merge(resolve_step(step, sidecars, before, gdir))
        drop_files.append(gdir / "drops.parquet")
    return drop_files
