"""Benchmark ``korpus stats``: GB of Parquet counted per minute, and peak memory.

Generates about ``--gb`` GB of corpus Parquet in a temp folder from the real
sentences under ``../shared/corpora`` (shuffled into documents, each sentence
also in word-rotated variants so zstd sees text that is not one short loop),
then times, each in a fresh process so that peak RSS is its own:

1. the scan alone (``corpus_stats.scan_corpus``), and
2. the whole command (``korpus stats DIR --json --html``).

    /tmp/venv/bin/python bench/stats.py --gb 1.0

Prints what it measured; nothing is written to the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.core.parquet import ROW_GROUP_ROWS, parquet_writer
from korpus.core.schema import CORPUS_SCHEMA

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"

# source -> (files, mean sentences per document)
SOURCES = {
    "comments": (["comments/hate_speech_unlabeled_comments_5.txt", "comments/nsmc_ratings_test.txt"], 1.5),
    "news": (["news/train.news_title.txt", "news/dev.news_title.txt", "news/test.news_title.txt"], 20),
    "law": (["law/constitution.txt", "law/kobill/*.txt"], 30),
    "blogs": (["sentence-gold/blogs_ko.txt", "sentence-gold/wikipedia.txt"], 8),
}
DOCS_PER_BATCH = ROW_GROUP_ROWS
SHARD_BYTES = 128 * 10**6


def read_lines(pattern: str) -> list[str]:
    lines: list[str] = []
    for path in sorted(SHARED.glob(pattern)):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if pattern.endswith("nsmc_ratings_test.txt"):
                parts = line.split("\t")
                line = parts[1] if len(parts) == 3 and parts[0] != "id" else ""
            line = " ".join(line.strip().strip('"').split())
            if line:
                lines.append(line)
    return lines


class SourceModel:
    """Real eojeol with their frequencies and real sentence lengths of one source.

    Sentences are drawn word by word from these, so every sentence is new
    (zstd then compresses about as it does real text, about 2x) while the
    characters, scripts and lengths are those of the real source.
    """

    def __init__(self, files: list[str], mean_sents: float):
        lines = list(dict.fromkeys(line for pattern in files for line in read_lines(pattern)))
        words = pl.Series([w for line in lines for w in line.split(" ")]).value_counts(sort=True)
        self.words = words[words.columns[0]].to_arrow().cast(pa.string())
        freq = words["count"].to_numpy().astype(np.float64)
        self.p = freq / freq.sum()
        self.lengths = np.array([len(line.split(" ")) for line in lines], dtype=np.int32)
        self.mean_sents = mean_sents

    def sentences(self, n: int, rng: np.random.Generator) -> pa.Array:
        n_words = rng.choice(self.lengths, n)
        offsets = np.concatenate([[0], np.cumsum(n_words)]).astype(np.int32)
        picks = rng.choice(len(self.words), int(offsets[-1]), p=self.p)
        lists = pa.ListArray.from_arrays(pa.array(offsets), self.words.take(pa.array(picks)))
        return pl.Series(lists).list.join(" ").to_arrow()


def document_batch(source: str, model: SourceModel, start: int, rng: np.random.Generator) -> pa.Table:
    n_sents = rng.geometric(1 / model.mean_sents, DOCS_PER_BATCH).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum(n_sents)]).astype(np.int32)
    sentences = pa.ListArray.from_arrays(pa.array(offsets), model.sentences(int(offsets[-1]), rng))
    frame = pl.DataFrame({"sentences": pl.Series(sentences)}).with_columns(
        id=pl.format(f"{source}/{{}}", pl.int_range(start, start + DOCS_PER_BATCH)),
        source=pl.lit(source),
        text=pl.col("sentences").list.join(" "),
    )
    table = frame.to_arrow()
    cols = {name: table[name] if name in table.column_names else pa.nulls(len(table), field.type)
            for name, field in zip(CORPUS_SCHEMA.names, CORPUS_SCHEMA, strict=True)}
    return pa.Table.from_pydict(cols, schema=CORPUS_SCHEMA)


def generate(out: Path, gb: float, seed: int = 0) -> tuple[int, int]:
    """Write about ``gb`` GB of Parquet shards into ``out``; returns (bytes on disk, text bytes)."""
    rng = np.random.default_rng(seed)
    models = {name: SourceModel(files, mean) for name, (files, mean) in SOURCES.items()}
    names = list(models)
    on_disk = text_bytes = shard = 0
    starts = dict.fromkeys(names, 0)
    while on_disk < gb * 1e9:
        path = out / f"part-{shard:05d}.parquet"
        with parquet_writer(path) as writer:
            while path.stat().st_size < SHARD_BYTES and on_disk + path.stat().st_size < gb * 1e9:
                name = names[rng.integers(len(names))]
                table = document_batch(name, models[name], starts[name], rng)
                starts[name] += DOCS_PER_BATCH
                text_bytes += int(pc.sum(pc.binary_length(table["text"])).as_py())
                writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        on_disk += path.stat().st_size
        shard += 1
    return on_disk, text_bytes


SCAN_ONLY = """
import json, sys, time
from corpus_stats import scan_corpus
t = time.perf_counter()
counts = scan_corpus(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t,
                  "documents": counts.total.documents, "sentences": counts.total.sentences}))
"""


# Runs argv[1:] as its only child; prints that child's peak RSS (KiB) and CPU seconds last.
PEAK_RSS = """
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:]).returncode
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(use.ru_maxrss, use.ru_utime + use.ru_stime, file=sys.stderr)
sys.exit(rc)
"""


def timed_child(cmd: list[str]) -> tuple[float, float, int, str]:
    """Run ``cmd`` in a fresh process; (wall s, CPU s, peak RSS in bytes, its stdout)."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, *cmd], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - t
    if done.returncode not in (0, 1):  # 1: targets missed under --check; not used here
        sys.exit(f"{cmd[:3]} failed:\n{done.stderr}")
    rss_kib, cpu = done.stderr.strip().splitlines()[-1].split()
    return wall, float(cpu), int(rss_kib) * 1024, done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gb", type=float, default=1.0, help="Parquet to generate, in GB (1e9 bytes)")
    ap.add_argument("--keep", type=Path, help="generate here and keep it (default: a temp dir)")
    ap.add_argument("--reuse", action="store_true", help="with --keep: reuse the corpus generated there")
    args = ap.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is missing: the benchmark needs the shared corpora")
    work = args.keep or Path(tempfile.mkdtemp(prefix="korpus-bench-stats-"))
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        files = sorted(corpus.glob("*.parquet"))
        if args.reuse and files:
            on_disk = sum(f.stat().st_size for f in files)
            text_bytes = sum(int(pc.sum(pc.binary_length(pq.read_table(f, columns=["text"])["text"])).as_py())
                             for f in files)
        else:
            on_disk, text_bytes = generate(corpus, args.gb)
            files = sorted(corpus.glob("*.parquet"))
        print(f"corpus: {on_disk / 1e9:.2f} GB Parquet ({text_bytes / 1e9:.2f} GB UTF-8 text, "
              f"{len(files)} files), ready in {time.perf_counter() - t:.0f} s", flush=True)
        py = sys.executable
        _, _, one_rss, _ = timed_child([py, "-c", SCAN_ONLY, str(files[0])])
        scan_s, scan_cpu, scan_rss, out = timed_child([py, "-c", SCAN_ONLY, str(corpus)])
        scan = json.loads(out)
        korpus = str(Path(py).with_name("korpus"))
        cli_s, cli_cpu, cli_rss, _ = timed_child([korpus, "stats", str(corpus), "--json", str(work / "r.json"),
                                         "--html", str(work / "r.html")])
        report = {
            "parquet_gb": round(on_disk / 1e9, 3),
            "text_gb": round(text_bytes / 1e9, 3),
            "documents": scan["documents"],
            "sentences": scan["sentences"],
            "scan_seconds": round(scan["seconds"], 1),
            "scan_parquet_gb_per_min": round(on_disk / 1e9 / scan["seconds"] * 60, 2),
            "scan_text_gb_per_min": round(text_bytes / 1e9 / scan["seconds"] * 60, 2),
            "scan_process_seconds": round(scan_s, 1),
            "scan_process_cpu_seconds": round(scan_cpu, 1),
            "load_average_1min": round(os.getloadavg()[0], 1),
            "scan_peak_rss_mb": round(scan_rss / 1e6),
            "scan_one_file_peak_rss_mb": round(one_rss / 1e6),
            "scan_parquet_gb_per_cpu_min": round(on_disk / 1e9 / scan_cpu * 60, 2),
            "cli_seconds": round(cli_s, 1),
            "cli_cpu_seconds": round(cli_cpu, 1),
            "cli_parquet_gb_per_min": round(on_disk / 1e9 / cli_s * 60, 2),
            "cli_peak_rss_mb": round(cli_rss / 1e6),
        }
        print(json.dumps(report, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
