"""``korpus pretrain data``: a corpus and a vocabulary in, BERT pretraining records out.

Output folder::

    records/pretrain-00000.tfrecord ...   one file per shard
    shards/pretrain-00000.json ...        per-shard report (lets a rerun resume)
    bert_config.json                      KR-BERT-MEDIUM values, vocab_size from the vocab
    vocab.txt                             the vocabulary the ids refer to
    manifest.json                         parameters, assumptions, counts, sha256 checksums

The records are byte-identical for the same corpus, vocabulary, parameters and
seed, whatever the number of workers (see :mod:`korpus.pretrain.shards`).
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from korpus.core.errors import ConfigError, InputError, KorpusError
from korpus.core.io import atomic_path, write_text_atomic
from korpus.core.layout import corpus_files
from korpus.core.stats import Stats
from korpus.pretrain import krbert
from korpus.pretrain.instances import InstanceParams
from korpus.pretrain.manifest import (
    RECORDS_DIR,
    REPORTS_DIR,
    build_manifest,
    describe_inputs,
    fingerprint,
)
from korpus.pretrain.shards import ShardConfig, ShardTask, ShardWorker, plan_shards, report_name
from korpus.pretrain.wordpiece import load_vocab

DEFAULT_SHARD_MB = 8.0

Progress = Callable[[dict, int], None]


# --- workers ------------------------------------------------------------------

_WORKER: ShardWorker | None = None


def _init_worker(config: ShardConfig) -> None:
    global _WORKER
    # One tokenizer thread per process: the processes are the parallelism.
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    _WORKER = ShardWorker(config)


def _run_shard(task: ShardTask) -> dict:
    assert _WORKER is not None
    return _WORKER.run(task)


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
    """Create the folders; refuse (or with ``overwrite`` clear) records of another run."""
    config.records_dir.mkdir(parents=True, exist_ok=True)
    config.reports_dir.mkdir(parents=True, exist_ok=True)
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


def _resume_or(task: ShardTask, config: ShardConfig, done: Callable[[dict], None]) -> bool:
    """Report a shard an earlier identical run finished; True when it was."""
    report = _existing_report(config, task.index)
    if report is None:
        return False
    done({**report, "resumed": True})
    return True


def _run_local(tasks, config: ShardConfig, done: Callable[[dict], None]) -> None:
    worker = None
    for task in tasks:
        if _resume_or(task, config, done):
            continue
        worker = worker or ShardWorker(config)
        done(worker.run(task))


def _run_pool(tasks, config: ShardConfig, workers: int, done: Callable[[dict], None]) -> None:
    context = multiprocessing.get_context("spawn")
    window = 2 * workers  # shards read but not yet finished: bounds the memory of the reader
    with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                initargs=(config,)) as pool:
        pending: set[cf.Future] = set()
        try:
            for task in tasks:
                if _resume_or(task, config, done):
                    continue
                while len(pending) >= window:
                    finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                    for future in finished:
                        done(future.result())
                pending.add(pool.submit(_run_shard, task))
            for future in cf.as_completed(pending):
                done(future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise


# --- the command --------------------------------------------------------------


def build_pretraining_data(
    corpus: str | os.PathLike,
    vocab: str | os.PathLike,
    out: str | os.PathLike,
    params: InstanceParams | None = None,
    seed: int = krbert.RANDOM_SEED,
    shard_mb: float = DEFAULT_SHARD_MB,
    workers: int | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Write records, bert_config.json, vocab.txt and manifest.json to ``out``; return the manifest."""
    started = time.perf_counter()
    params = params or InstanceParams(
        max_seq_length=krbert.MAX_SEQ_LENGTH,
        max_predictions_per_seq=krbert.MAX_PREDICTIONS_PER_SEQ,
        masked_lm_prob=krbert.MASKED_LM_PROB,
        short_seq_prob=krbert.SHORT_SEQ_PROB,
        dupe_factor=krbert.DUPE_FACTOR,
    )
    try:
        params.check()
    except ValueError as err:
        raise ConfigError(str(err)) from err
    if shard_mb <= 0:
        raise ConfigError("--shard-mb must be positive")
    shard_bytes = max(1, int(shard_mb * 1_000_000))
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    out = Path(out)

    vocab_obj = load_vocab(vocab)
    try:
        files = corpus_files(corpus)
    except FileNotFoundError as err:
        raise InputError(corpus, str(err).split(": ", 1)[-1]) from err
    inputs = describe_inputs(files)
    config = ShardConfig(
        vocab=vocab_obj, params=params, seed=seed,
        records_dir=out / RECORDS_DIR, reports_dir=out / REPORTS_DIR,
        fingerprint=fingerprint(params, seed, shard_bytes, vocab_obj.sha256, inputs),
    )
    _prepare_out(out, config, overwrite)

    reports: dict[int, dict] = {}

    def done(report: dict) -> None:
        reports[report["shard"]] = report
        if progress:
            progress(report, len(reports))

    tasks = plan_shards(files, shard_bytes)
    if workers == 1:
        _run_local(tasks, config, done)
    else:
        _run_pool(tasks, config, workers, done)
    ordered = [reports[i] for i in sorted(reports)]
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
    manifest = build_manifest(out, corpus, vocab_obj, params, seed, shard_bytes, workers, inputs,
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
