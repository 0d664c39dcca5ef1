"""Benchmark ``korpus pretrain data``: records per second on real Korean text.

Builds a corpus from ../shared/corpora (NSMC reviews and news comments grouped
ten to a document, plus the sentence-gold documents), repeated ``--repeat``
times, and runs the record writer with KR-BERT-MEDIUM's vocabulary and default
parameters (maxlen 128, 20 predictions, dupe_factor 10) for each worker count.

    /tmp/venv/bin/python bench/pretrain.py --repeat 1 --workers 1 2
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import tempfile
import time
from pathlib import Path

from korpus.build.engines import LocalEngine
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.pretrain.data import build_pretraining_data

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
VOCAB = SHARED / "reference" / "krbert-medium-vocab-20000.txt"


def _grouped(lines: list[str], kind: str, per_doc: int = 10) -> list[Record]:
    out = []
    for start in range(0, len(lines), per_doc):
        sentences = lines[start:start + per_doc]
        out.append(Record(id=f"{kind}/{start}", source=kind, text=" ".join(sentences),
                          sentences=sentences))
    return out


def corpus_records() -> list[Record]:
    corpora = SHARED / "corpora"
    nsmc = (corpora / "comments" / "nsmc_ratings_test.txt").read_text(encoding="utf-8")
    reviews = [line.split("\t")[1].strip() for line in nsmc.splitlines()[1:]
               if line.count("\t") == 2 and line.split("\t")[1].strip()]
    comments = [line.strip() for line in
                (corpora / "comments" / "hate_speech_unlabeled_comments_5.txt")
                .read_text(encoding="utf-8").splitlines() if line.strip()]
    gold, current = [], []
    for path in sorted((corpora / "sentence-gold").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                current.append(line.strip())
            elif current:
                gold.append(current)
                current = []
    if current:
        gold.append(current)
    records = _grouped(reviews, "reviews") + _grouped(comments, "comments")
    records += [Record(id=f"gold/{i}", source="gold", text=" ".join(s), sentences=s)
                for i, s in enumerate(gold)]
    return records


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1, help="copies of the corpus")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--shard-mb", type=float, default=2.0)
    ap.add_argument("--dupe-factor", type=int, default=10)
    args = ap.parse_args()
    if not VOCAB.exists():
        raise SystemExit(f"{VOCAB} is missing: this benchmark needs ../shared")

    from korpus.pretrain.instances import InstanceParams

    params = InstanceParams(dupe_factor=args.dupe_factor)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = corpus_records() * args.repeat
        corpus = tmp / "corpus.parquet"
        write_records(records, corpus)
        text_mb = sum(len(s.encode()) for r in records for s in r.sentences) / 1e6
        print(f"corpus: {len(records):,} documents, {text_mb:.1f} MB of sentence text; "
              f"dupe_factor {args.dupe_factor}, shard {args.shard_mb} MB")
        digests = {}
        for workers in args.workers:
            out = tmp / f"out-{workers}"
            started = time.perf_counter()
            engine = LocalEngine(workers)
            try:
                manifest = build_pretraining_data(corpus, VOCAB, out, params=params,
                                                  shard_mb=args.shard_mb, engine=engine)
            finally:
                engine.close()
            seconds = time.perf_counter() - started
            n = manifest["counts"]["instances"]
            digests[workers] = hashlib.sha256(
                "".join(r["sha256"] for r in manifest["outputs"]["records"]).encode()).hexdigest()
            print(f"workers {workers}: {n:,} records in {seconds:.1f} s = {n / seconds:,.0f} "
                  f"records/s, {text_mb / seconds:.2f} MB text/s, "
                  f"{manifest['counts']['shards']} shards, "
                  f"unk rate {manifest['counts']['unk_rate']:.4%}")
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: main {peak_self:.0f} MiB, largest worker {peak_child:.0f} MiB")
        print("identical records across worker counts:", len(set(digests.values())) == 1)


if __name__ == "__main__":
    main()
