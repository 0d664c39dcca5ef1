"""Local checks before spending TPU time: do the records, vocab and config fit the run?

Each check returns a :class:`Check` (ok, warning or failed) with a sentence
saying what was compared; the launcher prints them all and refuses to execute
when one failed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from korpus.core.errors import InputError, KorpusError
from korpus.pretrain import defaults, krbert
from korpus.pretrain.example import decode_example
from korpus.pretrain.manifest import FEATURE_SPEC, RECORDS_DIR
from korpus.pretrain.tfrecord import count_records, read_records
from korpus.pretrain.wordpiece import Vocab, load_vocab

OK, WARN, FAIL = "ok", "warn", "FAIL"

# TensorCores that TensorFlow sees as replicas on single-host slices.
TPU_CORES = {"v2-8": 8, "v3-8": 8, "v4-8": 4, "v5p-8": 4}


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.status == FAIL


@dataclass(frozen=True)
class RunShape:
    """What the training run will ask of the records."""

    max_seq_length: int = krbert.MAX_SEQ_LENGTH
    max_predictions_per_seq: int = krbert.MAX_PREDICTIONS_PER_SEQ
    train_steps: int = krbert.TRAIN_STEPS
    batch_size: int = krbert.TRAIN_BATCH_SIZE
    tpu: str = defaults.TPU
    max_unk_rate: float = defaults.MAX_UNK_RATE
    sample: int = defaults.CHECK_SAMPLE


@dataclass
class RecordsDir:
    """The output of ``korpus pretrain data``."""

    root: Path
    files: list[Path]
    bert_config: dict
    vocab: Vocab
    manifest: dict | None

    @classmethod
    def open(cls, root: str | Path) -> RecordsDir:
        root = Path(root)
        if not root.is_dir():
            raise KorpusError(f"{root}: not a folder (want the --out of `korpus pretrain data`)")
        files = sorted((root / RECORDS_DIR).glob("*.tfrecord"))
        if not files:
            raise KorpusError(f"{root / RECORDS_DIR}: no .tfrecord files")
        config_path = root / "bert_config.json"
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise KorpusError(f"{config_path}: missing") from err
        except ValueError as err:
            raise KorpusError(f"{config_path}: not valid JSON: {err}") from err
        manifest_path = root / "manifest.json"
        manifest = (json.loads(manifest_path.read_text(encoding="utf-8"))
                    if manifest_path.exists() else None)
        return cls(root, files, config, load_vocab(root / "vocab.txt"), manifest)


def check_vocab_size(rd: RecordsDir) -> Check:
    want = rd.bert_config.get("vocab_size")
    if want == rd.vocab.size:
        return Check("vocab size", OK, f"vocab.txt has {rd.vocab.size:,} tokens = "
                                       f"bert_config vocab_size {want:,}")
    return Check("vocab size", FAIL, f"vocab.txt has {rd.vocab.size:,} tokens but bert_config "
                                     f"says vocab_size {want}")


def check_config(rd: RecordsDir, shape: RunShape) -> Check:
    differs = {k: (rd.bert_config.get(k), v) for k, v in krbert.BERT_CONFIG.items()
               if rd.bert_config.get(k) != v}
    positions = rd.bert_config.get("max_position_embeddings", 0)
    if positions < shape.max_seq_length:
        return Check("bert config", FAIL, f"max_position_embeddings {positions} < "
                                          f"max_seq_length {shape.max_seq_length}")
    if differs:
        text = ", ".join(f"{k} {got} (KR-BERT-MEDIUM {want})" for k, (got, want) in differs.items())
        return Check("bert config", WARN, f"differs from KR-BERT-MEDIUM: {text}")
    return Check("bert config", OK, "BERT-base values of KR-BERT-MEDIUM")


def _sample_files(files: list[Path]) -> list[Path]:
    picks = {0, len(files) // 2, len(files) - 1}
    return [files[i] for i in sorted(picks)]


def _validate(example: dict, shape: RunShape, vocab: Vocab) -> str | None:
    """Why a decoded example does not fit the feature spec, or None."""
    widths = {"max_seq_length": shape.max_seq_length,
              "max_predictions_per_seq": shape.max_predictions_per_seq}
    if set(example) != set(FEATURE_SPEC):
        return f"features {sorted(example)} != {sorted(FEATURE_SPEC)}"
    for name, (kind, width) in FEATURE_SPEC.items():
        got_kind, values = example[name]
        want = widths.get(width, width)
        if got_kind != kind or len(values) != want:
            return f"{name}: {got_kind}[{len(values)}], want {kind}[{want}]"
    ids = example["input_ids"][1]
    mask = example["input_mask"][1]
    n = int(mask.sum())
    if not (np.all(mask[:n] == 1) and np.all(mask[n:] == 0)):
        return "input_mask is not ones then zeros"
    if ids.min() < 0 or ids.max() >= vocab.size or np.any(ids[n:] != 0):
        return "input_ids outside the vocabulary or padding not 0"
    if ids[0] != vocab.cls_id or ids[n - 1] != vocab.sep_id:
        return "sequence does not start with [CLS] and end with [SEP]"
    segments = example["segment_ids"][1]
    if np.any(segments[n:] != 0) or np.any(np.diff(segments[:n]) < 0):
        return "segment_ids are not 0s then 1s over the real tokens"
    weights = example["masked_lm_weights"][1]
    k = int(weights.sum())
    positions = example["masked_lm_positions"][1]
    if (not np.all(weights[:k] == 1) or np.any(positions[k:] != 0)
            or np.any(np.diff(positions[:k]) <= 0) or (k and positions[k - 1] >= n)):
        return "masked_lm positions/weights are not sorted real positions then padding"
    labels = example["masked_lm_ids"][1]
    if np.any(labels[k:] != 0) or np.any(np.isin(labels[:k], (vocab.cls_id, vocab.sep_id))):
        return "masked_lm_ids predict [CLS]/[SEP] or padding is not 0"
    if example["next_sentence_labels"][1][0] not in (0, 1):
        return "next_sentence_labels not 0/1"
    return None


def check_records(rd: RecordsDir, shape: RunShape) -> tuple[Check, dict]:
    """Decode sampled records with CRC checks; also returns token counts for the UNK check."""
    counts = {"records": 0, "tokens": 0, "unk": 0}
    for path in _sample_files(rd.files):
        try:
            for i, data in enumerate(read_records(path)):
                if i >= shape.sample:
                    break
                try:
                    example = decode_example(data)
                except ValueError as err:
                    return Check("records decode", FAIL, f"{path.name} record {i}: {err}"), counts
                problem = _validate(example, shape, rd.vocab)
                if problem:
                    return Check("records decode", FAIL,
                                 f"{path.name} record {i}: {problem}"), counts
                _count_unk(example, rd.vocab, counts)
        except InputError as err:
            return Check("records decode", FAIL, str(err)), counts
    return Check("records decode", OK,
                 f"{counts['records']:,} records from {len(_sample_files(rd.files))} files: "
                 f"valid CRCs, features int64[{shape.max_seq_length}] x3, "
                 f"int64/float[{shape.max_predictions_per_seq}] x3, int64[1]"), counts


def _count_unk(example: dict, vocab: Vocab, counts: dict) -> None:
    """Count [UNK] among the original tokens (masked positions restored from their labels)."""
    ids = example["input_ids"][1].copy()
    k = int(example["masked_lm_weights"][1].sum())
    ids[example["masked_lm_positions"][1][:k]] = example["masked_lm_ids"][1][:k]
    real = ids[: int(example["input_mask"][1].sum())]
    real = real[(real != vocab.cls_id) & (real != vocab.sep_id)]
    counts["records"] += 1
    counts["tokens"] += len(real)
    counts["unk"] += int(np.count_nonzero(real == vocab.unk_id))


def check_unk(rd: RecordsDir, shape: RunShape, counts: dict) -> Check:
    if not counts["tokens"]:
        return Check("[UNK] rate", FAIL, "no tokens in the sampled records")
    rate = counts["unk"] / counts["tokens"]
    corpus = ""
    if rd.manifest:
        corpus = f"; whole corpus {rd.manifest['counts']['unk_rate']:.3%}"
    status = OK if rate <= shape.max_unk_rate else FAIL
    return Check("[UNK] rate", status, f"{rate:.3%} of {counts['tokens']:,} sampled tokens "
                                       f"(limit {shape.max_unk_rate:.1%}){corpus}")


def check_batch(shape: RunShape) -> Check:
    cores = TPU_CORES.get(shape.tpu)
    if cores is None:
        return Check("batch split", FAIL, f"unknown or multi-host TPU type {shape.tpu!r}; "
                                          f"single-host types: {', '.join(TPU_CORES)}")
    if shape.batch_size % cores:
        return Check("batch split", FAIL, f"batch {shape.batch_size} does not divide over "
                                          f"{cores} cores of a {shape.tpu}")
    return Check("batch split", OK, f"batch {shape.batch_size} = {cores} cores x "
                                    f"{shape.batch_size // cores} on a {shape.tpu}")


def total_records(rd: RecordsDir) -> tuple[int, str]:
    if rd.manifest:
        by_file = {Path(r["file"]).name: r["instances"] for r in rd.manifest["outputs"]["records"]}
        if set(by_file) == {p.name for p in rd.files}:
            return sum(by_file.values()), "manifest"
    return sum(count_records(p) for p in rd.files), "counted"


def check_coverage(rd: RecordsDir, shape: RunShape) -> Check:
    n, how = total_records(rd)
    need = shape.train_steps * shape.batch_size
    if n >= need:
        return Check("coverage", OK, f"{n:,} records ({how}) >= {shape.train_steps:,} steps x "
                                     f"{shape.batch_size} = {need:,}: each record seen at most once")
    return Check("coverage", WARN, f"{n:,} records ({how}) < {need:,} needed: the run makes "
                                   f"{need / n:.2f} passes over the records")


def run_checks(rd: RecordsDir, shape: RunShape) -> list[Check]:
    records_check, counts = check_records(rd, shape)
    checks = [check_vocab_size(rd), check_config(rd, shape), records_check,
              check_unk(rd, shape, counts), check_batch(shape), check_coverage(rd, shape)]
    return checks
