"""Cut the corpus into shards and turn one shard into one TFRecord file.

A shard is a run of consecutive documents (rows, in corpus file order) whose
sentence text adds up to about ``shard_bytes``: its boundaries depend only on
the corpus and that size, never on the number of workers. A shard task names
row ranges of the corpus files and the worker reads them itself, so planning
holds no rows and queueing every task at once costs nothing. Each shard gets its
own ``random.Random`` and numpy ``Generator`` seeded from a hash of the global
seed and the shard index, so a shard's file is the same whichever worker makes
it and whenever (with the same Python, numpy and tokenizers: their random
streams and tokenisation are not promised to stay the same across releases,
so the manifest records the versions).

Within a shard everything follows create_pretraining_data.py, which was also
run per input shard: "random next" segments come from the documents of the
same shard, and the instances are shuffled within the shard.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.core.errors import InputError
from korpus.core.io import write_text_atomic
from korpus.core.stats import Stats
from korpus.pretrain.example import encode_examples
from korpus.pretrain.instances import (
    Document,
    InstanceBuffer,
    InstanceMaker,
    InstanceParams,
    TokenIds,
    feature_arrays,
)
from korpus.pretrain.tfrecord import TFRecordWriter
from korpus.pretrain.wordpiece import Vocab, build_tokenizer, encode_ids

STAGE = "pretrain"
READ_BATCH_ROWS = 4096
ENCODE_ROWS = 1024
ENCODE_SENTENCES = 4096
WRITE_BATCH = 1024


@dataclass(frozen=True)
class RowRange:
    """Rows ``start`` to ``stop`` (exclusive) of one corpus file."""

    path: Path
    start: int
    stop: int

    def describe(self) -> str:
        return f"{self.path.name} rows {self.start}-{self.stop - 1}"


@dataclass(frozen=True)
class ShardTask:
    """A shard by reference: the worker reads its rows itself, so a task is cheap to queue or send."""

    index: int
    parts: tuple[RowRange, ...]

    @property
    def origin(self) -> str:
        """Where its rows come from, for messages."""
        return "; ".join(part.describe() for part in self.parts)


def shard_seed(seed: int, index: int) -> int:
    """Stable per-shard seed (not Python's salted ``hash``).

    >>> shard_seed(12345, 0) == shard_seed(12345, 0) != shard_seed(12345, 1)
    True
    """
    digest = hashlib.sha256(f"korpus-pretrain:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def record_name(index: int) -> str:
    return f"pretrain-{index:05d}.tfrecord"


def _open_corpus_file(path: Path) -> tuple[pq.ParquetFile, list[str]]:
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as err:
        raise InputError(path, f"not a readable Parquet file: {err}") from err
    names = pf.schema_arrow.names
    if "sentences" not in names:
        raise InputError(path, "no 'sentences' column: split the corpus into sentences first "
                               "(korpus split)")
    field = pf.schema_arrow.field("sentences")
    if not (pa.types.is_list(field.type) or pa.types.is_large_list(field.type)):
        raise InputError(path, f"'sentences' must be a list of strings, not {field.type}")
    columns = ["sentences"] + (["source"] if "source" in names else [])
    return pf, columns


def _row_bytes(sentences: pa.Array) -> np.ndarray:
    """UTF-8 bytes of the sentences of each row (nulls count 0)."""
    n = len(sentences)
    lengths = pc.fill_null(pc.binary_length(pc.list_flatten(sentences)), 0)
    parents = pc.list_parent_indices(sentences)
    return np.bincount(parents.to_numpy(), weights=lengths.to_numpy(), minlength=n)[:n]


def _normalise(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Keep ``source`` and ``sentences`` only, with a placeholder source where absent."""
    sentences = batch.column("sentences")
    if "source" in batch.schema.names:
        source = batch.column("source").cast(pa.string())
    else:
        source = pa.array(["-"] * len(batch), pa.string())
    return pa.RecordBatch.from_arrays([source, sentences], names=["source", "sentences"])


class _Plan:
    """Shards being cut: each ends at the first row that brings it to ``shard_bytes``."""

    def __init__(self, shard_bytes: int):
        self.shard_bytes = shard_bytes
        self.tasks: list[ShardTask] = []
        self.parts: list[RowRange] = []
        self.bytes = 0

    def add(self, path: Path, first_row: int, row_bytes: np.ndarray) -> None:
        """Rows ``first_row``... of ``path``, with the sentence bytes of each."""
        sizes = np.cumsum(row_bytes)
        start = 0
        while start < len(sizes):
            base = sizes[start - 1] if start else 0
            need = self.shard_bytes - self.bytes
            stop = min(int(np.searchsorted(sizes, base + need, side="left")) + 1, len(sizes))
            self._take(RowRange(path, first_row + start, first_row + stop))
            self.bytes += int(sizes[stop - 1] - base)
            start = stop
            if self.bytes >= self.shard_bytes:
                self.close_shard()

    def _take(self, part: RowRange) -> None:
        last = self.parts[-1] if self.parts else None
        if last is not None and last.path == part.path and last.stop == part.start:
            self.parts[-1] = RowRange(part.path, last.start, part.stop)  # the same run of rows
        else:
            self.parts.append(part)

    def close_shard(self) -> None:
        if self.parts:
            self.tasks.append(ShardTask(len(self.tasks), tuple(self.parts)))
        self.parts, self.bytes = [], 0


def plan_shards(files: list[Path], shard_bytes: int) -> list[ShardTask]:
    """Cut the corpus into equal shards of at most about ``shard_bytes`` of sentence text (rows in file order).

    As few shards as ``shard_bytes`` allows, each the same share of the corpus, so
    no small last shard leaves a worker idle. Reads only the ``sentences``
    column (twice: to measure the total, then to cut); a task holds row ranges, not rows.
    """
    total = sum(int(row_bytes.sum()) for path in files for _, row_bytes in _sentence_bytes(path))
    plan = _Plan(balanced_shard_bytes(total, shard_bytes))
    for path in files:
        for row, row_bytes in _sentence_bytes(path):
            plan.add(path, row, row_bytes)
    plan.close_shard()
    return plan.tasks


def balanced_shard_bytes(total: int, shard_bytes: int) -> int:
    """The size that cuts ``total`` into the fewest equal shards of at most ``shard_bytes``.

    >>> balanced_shard_bytes(65, 64), balanced_shard_bytes(128, 64), balanced_shard_bytes(10, 64)
    (33, 64, 10)
    """
    shards = max(1, -(-total // shard_bytes))
    return max(1, -(-total // shards))


def _sentence_bytes(path: Path) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, sentence bytes of each row) per batch of a corpus file."""
    pf, _ = _open_corpus_file(path)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=READ_BATCH_ROWS, columns=["sentences"]):
            yield row, _row_bytes(batch.column("sentences"))
            row += len(batch)
    except (OSError, pa.ArrowException) as err:
        raise InputError(path, f"cannot read rows after row {row}: {err}") from err


def read_shard(task: ShardTask) -> pa.Table:
    """The shard's rows as a table of ``source`` and ``sentences``."""
    return pa.Table.from_batches([batch for part in task.parts for batch in _read_rows(part)])


def _read_rows(part: RowRange) -> Iterator[pa.RecordBatch]:
    """The rows of one range, decoding only the row groups that hold them."""
    pf, columns = _open_corpus_file(part.path)
    groups, row = _row_groups(pf.metadata, part.start, part.stop)
    try:
        for raw in pf.iter_batches(batch_size=READ_BATCH_ROWS, columns=columns, row_groups=groups):
            lo, hi = max(part.start - row, 0), min(part.stop - row, len(raw))
            if lo < hi:
                yield _normalise(raw.slice(lo, hi - lo))
            row += len(raw)
            if row >= part.stop:
                return
    except (OSError, pa.ArrowException) as err:
        raise InputError(part.path, f"cannot read rows after row {row}: {err}") from err


def _row_groups(meta: pq.FileMetaData, start: int, stop: int) -> tuple[list[int], int]:
    """The row groups holding rows ``start:stop``, and the number of the first one's first row."""
    groups, first, row = [], 0, 0
    for i in range(meta.num_row_groups):
        n = meta.row_group(i).num_rows
        if row < stop and row + n > start:
            first = row if not groups else first
            groups.append(i)
        row += n
    return groups, first


# --- one shard ----------------------------------------------------------------


@dataclass(frozen=True)
class ShardConfig:
    """Everything a worker needs besides the shard itself (picklable)."""

    vocab: Vocab
    params: InstanceParams
    seed: int
    records_dir: Path
    reports_dir: Path
    fingerprint: str


class ShardWorker:
    """Tokenise, make instances, write one shard; holds the tokenizer between shards."""

    def __init__(self, config: ShardConfig):
        self.config = config
        self.tokenizer = build_tokenizer(config.vocab)
        vocab = config.vocab
        self.unk = vocab.unk_id
        self.maker = InstanceMaker(config.params, TokenIds(
            cls=vocab.cls_id, sep=vocab.sep_id, mask=vocab.mask_id, vocab_size=vocab.size,
            continuation=tuple(vocab.continuation_mask().tolist())
            if config.params.do_whole_word_mask else (),
            ordinary=vocab.ordinary_ids(),
        ))

    def documents(self, table: pa.Table, stats: Stats) -> tuple[list[Document], list[str]]:
        """Tokenised non-empty documents of the shard's rows, in corpus order."""
        sources_col = table.column("source").to_pylist()
        names = sorted(set(sources_col))
        source_index = {name: i for i, name in enumerate(names)}
        rows = table.column("sentences").to_pylist()
        docs: list[Document] = []
        for start in range(0, len(rows), ENCODE_ROWS):
            docs.extend(self._encode_rows(rows[start:start + ENCODE_ROWS],
                                          sources_col[start:start + ENCODE_ROWS],
                                          source_index, stats))
        return docs, names

    def _encode_rows(self, rows, sources, source_index, stats: Stats) -> list[Document]:
        texts: list[str] = []
        owners: list[int] = []
        for r, sentences in enumerate(rows):
            for sentence in sentences or ():
                text = sentence.strip() if sentence else ""
                if text:
                    texts.append(text)
                    owners.append(r)
                else:
                    stats.drop(STAGE, sources[r], "empty_sentence")
        encoded: list[list[int]] = []
        for start in range(0, len(texts), ENCODE_SENTENCES):
            encoded.extend(encode_ids(self.tokenizer, texts[start:start + ENCODE_SENTENCES]))
        per_row: list[list[list[int]]] = [[] for _ in rows]
        for r, ids in zip(owners, encoded, strict=True):
            if ids:
                per_row[r].append(ids)
            else:
                stats.drop(STAGE, sources[r], "sentence_without_tokens")
        docs = []
        for r, sentence_ids in enumerate(per_row):
            source = sources[r]
            stats.add(STAGE, source, "documents")
            if not sentence_ids:
                stats.drop(STAGE, source, "empty_document")
                continue
            lengths = [len(s) for s in sentence_ids]
            flat = np.fromiter((t for s in sentence_ids for t in s), dtype=np.int32,
                               count=sum(lengths))
            bounds = [0, *np.cumsum(lengths).tolist()]
            stats.add(STAGE, source, "sentences", len(lengths))
            stats.add(STAGE, source, "tokens", len(flat))
            stats.add(STAGE, source, "unk_tokens", int(np.count_nonzero(flat == self.unk)))
            docs.append(Document(flat, bounds, source_index[source]))
        return docs

    def run(self, task: ShardTask) -> dict:
        """Write the shard's TFRecord file and its report; return the report."""
        started = time.perf_counter()
        cfg = self.config
        stats = Stats()
        docs, names = self.documents(read_shard(task), stats)
        buffer = InstanceBuffer(cfg.params.max_seq_length, cfg.params.max_predictions_per_seq,
                                cfg.vocab.size)
        seed = shard_seed(cfg.seed, task.index)
        rng, gen = random.Random(seed), np.random.default_rng(seed)
        order = self.maker.create_training_instances(docs, rng, gen, buffer) if docs else []
        del docs
        cols = buffer.columns()
        path = cfg.records_dir / record_name(task.index)
        with TFRecordWriter(path) as writer:
            order_arr = np.asarray(order, dtype=np.int64)
            for start in range(0, len(order_arr), WRITE_BATCH):
                rows = order_arr[start:start + WRITE_BATCH]
                writer.write_many(encode_examples(feature_arrays(cols, rows)))
        self._count_instances(cols, names, stats)
        report = {
            "shard": task.index,
            "fingerprint": cfg.fingerprint,
            "file": path.name,
            "bytes": writer.bytes,
            "sha256": writer.sha256,
            "instances": writer.count,
            "origin": task.origin,
            "seconds": round(time.perf_counter() - started, 3),
            "stats": stats.to_dict(),
        }
        write_text_atomic(cfg.reports_dir / report_name(task.index),
                          json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True))
        return report

    @staticmethod
    def _count_instances(cols: dict[str, np.ndarray], names: list[str], stats: Stats) -> None:
        for i, name in enumerate(names):
            mine = cols["source"] == i
            n = int(np.count_nonzero(mine))
            if not n:
                continue
            stats.add(STAGE, name, "instances", n)
            stats.add(STAGE, name, "random_next", int(np.count_nonzero(cols["random_next"][mine])))
            stats.add(STAGE, name, "masked_lm_predictions", int(cols["n_pred"][mine].sum()))
            stats.add(STAGE, name, "instance_tokens", int(cols["n_tokens"][mine].sum()))


def report_name(index: int) -> str:
    return f"pretrain-{index:05d}.json"


# --- the engine task ------------------------------------------------------------

_WORKERS: dict[tuple, ShardWorker] = {}  # this process's worker for the current run


def run_shard(config: ShardConfig, task: ShardTask, one_thread: bool) -> dict:
    """One shard, as an engine task; returns its report.

    The worker (its tokenizer) is built once per process and run, not per shard.
    ``one_thread``: several tasks run at once, so the processes are the parallelism
    and the tokenizer keeps to one thread.
    """
    if one_thread:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    return _worker_for(config).run(task)


def _worker_for(config: ShardConfig) -> ShardWorker:
    # The fingerprint decides the tokenizer and the instances; the folders say where they go.
    key = (config.fingerprint, config.records_dir, config.reports_dir)
    if key not in _WORKERS:
        _WORKERS.clear()  # an earlier run's worker is not needed again
        _WORKERS[key] = ShardWorker(config)
    return _WORKERS[key]
