"""``korpus pretrain data``: a corpus and a vocabulary in, BERT pretraining records out.

Output folder::

    records/pretrain-00000.tfrecord ...   one file per shard
    shards/pretrain-00000.json ...        per-shard report (lets a rerun resume)
    bert_config.json                      KR-BERT-MEDIUM values, vocab_size from the vocab
    vocab.txt                             the vocabulary the ids refer to
    manifest.json                         parameters, assumptions, counts, sha256 checksums

The records are byte-identical for the same corpus, vocabulary, parameters and
seed, whatever the engine and the number of workers (see :mod:`korpus.pretrain.shards`).
A rerun into the same folder resumes: shards an identical run finished are kept.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from korpus.core.engine import Engine
from korpus.core.errors import ConfigError, InputError, KorpusError
from korpus.core.io import atomic_path, remove_temp_files, write_text_atomic
from korpus.core.layout import corpus_files
from korpus.core.stats import Stats
from korpus.pretrain import defaults, krbert
from korpus.pretrain.instances import InstanceParams
from korpus.pretrain.manifest import (
    RECORDS_DIR,
    REPORTS_DIR,
    build_manifest,
    describe_inputs,
    fingerprint,
)
from korpus.pretrain.shards import ShardConfig, ShardTask, plan_shards, report_name, run_shard
from korpus.pretrain.wordpiece import load_vocab

SIDE_FILES = ("bert_config.json", "vocab.txt", "manifest.json")

Progress = Callable[[dict, int, int], None]  # (a shard's report, shards done, shards in all)


# --- the shards ---------------------------------------------------------------


def _existing_report(config: ShardConfig, index: int) -> dict | None:
    """The report of a shard a previous run of the same fingerprint finished, if intact."""
    path = config.reports_dir / report_name(index)
    if not path.exists():
        return None
    report = json.loads(path.read_text(encoding="utf-8"))
    record = config.records_dir / report["file"]
    if report.get("fingerprint") != config.fingerprint:
        return None
    if not record.exists() or record.stat().st_size != report["bytes"]:
        return None
    return report


def _prepare_out(out: Path, config: ShardConfig, overwrite: bool) -> None:
    """Create the folders, drop a killed run's temp files; refuse (or with ``overwrite``
    clear) records of another run."""
    config.records_dir.mkdir(parents=True, exist_ok=True)
    config.reports_dir.mkdir(parents=True, exist_ok=True)
    # Only what this command writes: --out may be a folder that holds other work.
    for folder in (config.records_dir, config.reports_dir):
        remove_temp_files(folder)
    for name in SIDE_FILES:
        remove_temp_files(out, name)
    foreign = []
    for path in sorted(config.reports_dir.glob("pretrain-*.json")):
        try:
            fp = json.loads(path.read_text(encoding="utf-8")).get("fingerprint")
        except (OSError, ValueError):
            fp = None
        if fp != config.fingerprint:
            foreign.append(path)
    if not foreign:
        return
    if not overwrite:
        raise ConfigError(
            f"{out}: holds records made from other inputs or parameters "
            f"({len(foreign)} shard reports, e.g. {foreign[0].name}); "
            "pass --overwrite to replace them or choose another --out"
        )
    for path in config.reports_dir.glob("pretrain-*.json"):
        path.unlink()
    for path in config.records_dir.glob("pretrain-*.tfrecord"):
        path.unlink()


def _run_shards(tasks: list[ShardTask], config: ShardConfig, engine: Engine | None,
                progress: Progress | None) -> list[dict]:
    """Every shard's report in shard order: resumed where an identical run finished it, else made."""
    reports: dict[int, dict] = {}

    def done(report: dict) -> None:
        reports[report["shard"]] = report
        if progress:
            progress(report, len(reports), len(tasks))

    todo = []
    for task in tasks:
        report = _existing_report(config, task.index)
        if report is None:
            todo.append(task)
        else:
            done({**report, "resumed": True})
    for report in _made(todo, config, engine):
        done(report)
    return [reports[i] for i in sorted(reports)]


def _made(tasks: list[ShardTask], config: ShardConfig, engine: Engine | None) -> Iterator[dict]:
    """Reports of the shards made on ``engine`` (in this process without one), as they finish."""
    if engine is None:
        for task in tasks:
            yield run_shard(config, task, one_thread=False)
        return
    one_thread = engine.workers > 1
    for _, report in engine.run([(run_shard, (config, task, one_thread)) for task in tasks]):
        yield report


# --- the command --------------------------------------------------------------


def build_pretraining_data(
    corpus: str | os.PathLike,
    vocab: str | os.PathLike,
    out: str | os.PathLike,
    params: InstanceParams | None = None,
    seed: int = krbert.RANDOM_SEED,
    shard_mb: float = defaults.SHARD_MB,
    engine: Engine | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Write records, bert_config.json, vocab.txt and manifest.json to ``out``; return the manifest.

    The shards run as tasks on ``engine`` (a process pool, Ray...; the caller closes it),
    or one after the other in this process without one.
    """
    started = time.perf_counter()
    params = params or InstanceParams()
    try:
        params.check()
    except ValueError as err:
        raise ConfigError(str(err)) from err
    if shard_mb <= 0:
        raise ConfigError("--shard-mb must be positive")
    shard_bytes = max(1, int(shard_mb * 1_000_000))
    out = Path(out)

    vocab_obj = load_vocab(vocab)
    try:
        files = corpus_files(corpus)
    except FileNotFoundError as err:
        raise InputError(corpus, str(err).split(": ", 1)[-1]) from err
    inputs = describe_inputs(files)
    # Absolute paths in what the tasks carry: a worker (a Ray one) may run elsewhere than here.
    config = ShardConfig(
        vocab=vocab_obj, params=params, seed=seed,
        records_dir=out.absolute() / RECORDS_DIR, reports_dir=out.absolute() / REPORTS_DIR,
        fingerprint=fingerprint(params, seed, shard_bytes, vocab_obj.sha256, inputs),
    )
    _prepare_out(out, config, overwrite)

    tasks = plan_shards([path.absolute() for path in files], shard_bytes)
    ordered = _run_shards(tasks, config, engine, progress)
    _drop_stale_shards(config, len(ordered))

    stats = Stats()
    for report in ordered:
        stats.merge(Stats.from_dict(report["stats"]))
    instances = sum(r["instances"] for r in ordered)
    if instances == 0:
        raise KorpusError(
            f"{corpus}: no training instances: no document has a sentence with tokens "
            "(is the 'sentences' column filled? does the vocabulary fit the text?)"
        )

    _write_side_files(out, vocab_obj)
    ran_on = (engine.name, engine.workers) if engine is not None else ("in-process", 1)
    manifest = build_manifest(out, corpus, vocab_obj, params, seed, shard_bytes, ran_on, inputs,
                              config.fingerprint, ordered, stats, time.perf_counter() - started)
    with atomic_path(out / "manifest.json") as tmp:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
    return manifest


def _drop_stale_shards(config: ShardConfig, n_shards: int) -> None:
    """Remove shard files numbered past this run's last shard (none when fingerprints match)."""
    for path in config.records_dir.glob("pretrain-*.tfrecord"):
        number = path.stem.split("-", 1)[1]
        if number.isdigit() and int(number) >= n_shards:
            path.unlink()


def _write_side_files(out: Path, vocab) -> None:
    config = krbert.bert_config(vocab.size)
    write_text_atomic(out / "bert_config.json", json.dumps(config, indent=2, sort_keys=True) + "\n")
    with atomic_path(out / "vocab.txt") as tmp:
        shutil.copyfile(vocab.path, tmp)
