"""``korpus build`` as a library: plan shards, map steps, global dedup, write.

Phases, each resumable because every output is written atomically and a
shard counts as done only when its stats file exists:

1. map     read -> normalise -> filter -> split, one Parquet per input shard,
           and each dedup step's sidecar for it (hashes, signatures) in the same pass
2. global  each dedup step's resolve over the sidecars
3. write   filter the dropped rows out and write the corpus (file or shards)

The work folder is keyed by the inputs and step options, so a changed option
starts a fresh build and an unchanged one resumes. A finished build moves the
dedup reports beside the output and removes its work folder unless
``keep_work`` (:mod:`korpus.build.finish`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from korpus import __version__
from korpus.build.config import BuildConfig, SourceSpec
from korpus.build.dedup_phase import planned_steps, run_global_phase
from korpus.build.engines import make_engine
from korpus.build.finish import move_reports, remove_work
from korpus.build.map_phase import run_map_phase, warm_worker
from korpus.build.sample import sample_sources
from korpus.build.write_phase import write_output
from korpus.build.writers import Output, resolve_output
from korpus.core.errors import InputError
from korpus.core.io import remove_temp_files, write_text_atomic
from korpus.core.layout import WORK_DIR_NAME, reports_dir_for, stats_file_for
from korpus.core.stats import Stats
from korpus.crawlers.readers import InputShard, reader_for

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
    reports_dir: Path | None = None
    sources: list[SourceSpec] = field(default_factory=list)


def build(config: BuildConfig, progress: Progress | None = None) -> BuildResult:
    t0 = time.perf_counter()
    output = resolve_output(config.out, config.format)  # a bad --out/--format fails before any input is read
    engine = make_engine(config.engine, config.workers, config.ray_address)
    engine.start(warm_worker)  # the workers start and import while this process checks the inputs and plans
    stats = Stats()
    phases: dict[str, float] = {}

    finished = False
    try:
        if config.decontaminate:  # a bad evaluation file fails here, before any input is read
            from korpus.dedup.decontaminate import check_sets

            check_sets(config.decontaminate)
        sources = config.sources or sample_sources()
        shards = plan_shards(sources)
        work = work_dir_for(config, output, shards)
        remove_stale_temp_files(work, output, config.export_txt)
        t = time.perf_counter()
        steps = planned_steps(config, work)  # before the map tasks, which write these steps' sidecars
        map_paths, skipped = run_map_phase(config, shards, work, steps, engine, stats, progress)
        phases["map"] = time.perf_counter() - t

        t = time.perf_counter()
        drop_files = run_global_phase(steps, map_paths, engine, stats, progress)
        phases["global"] = time.perf_counter() - t

        t = time.perf_counter()
        stats_path = write_output(config, output, map_paths, drop_files, engine, stats, progress, work / "write")
        phases["write"] = time.perf_counter() - t
        finished = True
    finally:
        engine.close(wait=finished)  # interrupted or failed: stop the workers now, not after their tasks
    stats.seconds.update({f"phase:{k}": v for k, v in phases.items()})
    write_text_atomic(stats_path, stats.to_json())  # again, now with the write phase's time
    reports = move_reports(work, reports_dir_for(output.path, output.as_dir))
    if not config.keep_work:
        remove_work(work)
    return BuildResult(output.path, stats, len(shards), skipped, work, time.perf_counter() - t0, stats_path, phases,
                       reports, sources)


def plan_shards(sources: list[SourceSpec]) -> list[InputShard]:
    shards: list[InputShard] = []
    for spec in sources:
        shards.extend(reader_for(spec.kind, **spec.options).plan(spec.path))
    return shards


def work_dir_for(config: BuildConfig, output: Output, shards: list[InputShard]) -> Path:
    key = {
        "version": __version__,
        "steps": config.step_options(),
        "shards": [[s.kind, s.path, s.start, s.end, list(s.options), *_file_id(s.path)] for s in shards],
    }
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:12]
    # Not keyed by format: a rebuild in another format reuses the map and dedup shards.
    base = Path(config.work_dir) if config.work_dir else output.path.parent / WORK_DIR_NAME
    return base / f"{output.stem or 'corpus'}-{digest}"


def remove_stale_temp_files(work: Path, output: Output, export_txt: str | None) -> None:
    """Temp files of a killed run: never complete, safe to delete before resuming."""
    remove_temp_files(work, recursive=True)
    out = output.path
    if output.as_dir:
        remove_temp_files(out)
    remove_temp_files(out.parent, out.name)
    remove_temp_files(out.parent, stats_file_for(out, output.as_dir).name)
    if export_txt:
        remove_temp_files(Path(export_txt).parent, Path(export_txt).name)


def _file_id(path: str) -> tuple[int, int]:
    try:
        st = Path(path).stat()
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror})") from None
    return st.st_size, st.st_mtime_ns
