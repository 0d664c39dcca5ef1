"""The manifest of a records folder: parameters, assumptions, counts, checksums.

Also the run fingerprint (what decides the bytes of the records), which lets a
rerun tell its own finished shards from another run's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import pyarrow.parquet as pq

from korpus import __version__
from korpus.core.errors import InputError
from korpus.core.stats import Stats
from korpus.pretrain import krbert
from korpus.pretrain.instances import InstanceParams
from korpus.pretrain.shards import STAGE

FORMAT = "korpus-pretrain/1"
RECORDS_DIR = "records"
REPORTS_DIR = "shards"
RANDOM_FROM = "ordinary tokens: never [PAD], [UNK], [CLS], [SEP], [MASK] or another [bracketed] token"
FEATURE_SPEC = {
    "input_ids": ["int64", "max_seq_length"],
    "input_mask": ["int64", "max_seq_length"],
    "segment_ids": ["int64", "max_seq_length"],
    "masked_lm_positions": ["int64", "max_predictions_per_seq"],
    "masked_lm_ids": ["int64", "max_predictions_per_seq"],
    "masked_lm_weights": ["float", "max_predictions_per_seq"],
    "next_sentence_labels": ["int64", 1],
}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def describe_inputs(files: list[Path]) -> list[dict]:
    out = []
    for path in files:
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except Exception as err:  # noqa: BLE001 - any Arrow/OS failure is bad input here
            raise InputError(path, f"not a readable Parquet file: {err}") from err
        out.append({"path": str(path), "bytes": path.stat().st_size, "rows": rows,
                    "sha256": sha256_file(path)})
    return out


def _versions() -> dict[str, str]:
    """What the records' bytes depend on besides the inputs and the parameters."""
    import platform

    import numpy
    import tokenizers

    return {"python": platform.python_version(), "numpy": numpy.__version__,
            "tokenizers": tokenizers.__version__, "korpus": __version__}


def fingerprint(params: InstanceParams, seed: int, shard_bytes: int, vocab_sha: str,
                inputs: list[dict]) -> str:
    """Identity of a run: what decides the bytes of every record file."""
    key = {
        "format": FORMAT,
        "params": asdict(params),
        "seed": seed,
        "shard_bytes": shard_bytes,
        "random_from": RANDOM_FROM,
        "vocab_sha256": vocab_sha,
        "inputs": [(Path(i["path"]).name, i["sha256"]) for i in inputs],
        "software": _versions(),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def build_manifest(out: Path, corpus, vocab, params: InstanceParams, seed: int,
                   shard_bytes: int, engine: tuple[str, int], inputs: list[dict], fp: str,
                   reports: list[dict], stats: Stats, seconds: float) -> dict:
    """Everything about a finished run (``engine``: its name and workers); the sha256 of bert_config.json and vocab.txt are
    read from ``out``, those of the records come from the shard reports."""
    totals = {key: stats.total(STAGE, key) for key in (
        "documents", "sentences", "tokens", "unk_tokens", "instances", "random_next",
        "masked_lm_predictions", "instance_tokens")}
    totals["documents_used"] = totals["documents"] - stats.total(STAGE, "dropped:empty_document")
    totals["unk_rate"] = (round(totals["unk_tokens"] / totals["tokens"], 6)
                          if totals["tokens"] else 0)
    totals["random_next_fraction"] = round(totals["random_next"] / totals["instances"], 6)
    totals["shards"] = len(reports)
    examples = krbert.TRAIN_STEPS * krbert.TRAIN_BATCH_SIZE
    return {
        "format": FORMAT,
        "created_by": f"korpus {__version__}",
        "fingerprint": fp,
        "parameters": {
            **asdict(params),
            "do_lower_case": False,
            "random_seed": seed,
            "shard_bytes": shard_bytes,
            "random_next_probability": 0.5,
            "mask_replace": {"[MASK]": 0.8, "keep": 0.1, "random": 0.1, "random_from": RANDOM_FROM},
            "tokenizer": "HF tokenizers BERT WordPiece (BertNormalizer clean_text, "
                         "handle_chinese_chars, lowercase=False, strip_accents=False; "
                         "no added special tokens)",
        },
        "assumptions": krbert.ASSUMPTIONS,
        "published": krbert.PUBLISHED,
        "training": {
            "num_train_steps": krbert.TRAIN_STEPS,
            "train_batch_size": krbert.TRAIN_BATCH_SIZE,
            "learning_rate": krbert.LEARNING_RATE,
            "warmup_steps": krbert.WARMUP_STEPS,
            "examples_needed": examples,
            "epochs_over_records": round(examples / totals["instances"], 3),
        },
        "feature_spec": {
            name: [kind, params.max_seq_length if width == "max_seq_length"
                   else params.max_predictions_per_seq if width == "max_predictions_per_seq"
                   else width]
            for name, (kind, width) in FEATURE_SPEC.items()
        },
        "vocab": {"file": "vocab.txt", "source": str(vocab.path), "size": vocab.size,
                  "sha256": vocab.sha256, "special_ids": vocab.special_ids()},
        "inputs": inputs,
        "corpus": str(corpus),
        "counts": totals,
        "stats": stats.to_dict(),
        "outputs": {
            "bert_config.json": sha256_file(out / "bert_config.json"),
            "vocab.txt": sha256_file(out / "vocab.txt"),
            "records": [{"file": f"{RECORDS_DIR}/{r['file']}", "instances": r["instances"],
                         "bytes": r["bytes"], "sha256": r["sha256"], "origin": r["origin"]}
                        for r in reports],
        },
        "run": {"engine": engine[0], "workers": engine[1], "seconds": round(seconds, 2),
                "shards_resumed": sum(1 for r in reports if r.get("resumed"))},
        "software": _versions(),
    }
