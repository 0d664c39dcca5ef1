"""Benchmark ``korpus vocab``: time and peak memory for a 20k vocabulary on 100 MB and 1 GB.

The corpus is built at bench time in a temp folder from the real Korean text
in ``../shared/corpora`` (news comments, movie reviews, news titles, law,
wiki/blog sentences). Repeating a few MB of sentences would keep the number
of distinct words (what the trainer's memory grows with) frozen, so a share
of the words is replaced by new ones spliced from two real words (the head of
one, the tail of another); the share is set so the distinct-word count
follows Heaps' law fitted on the real text. The bench prints what it
reached next to that target.

Each run is ``python -m korpus vocab`` in a child process; its peak RSS comes
from ``os.wait4``.

    python bench/vocab.py                      # 100 MB and 1 GB
    python bench/vocab.py --sizes 100 --keep /tmp/vocab-bench
    python bench/vocab.py --sizes 1000 --keep /tmp/vocab-bench --extra="--sample 0.1" --tag=-s01
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from korpus.core.parquet import write_records
from korpus.core.schema import Record

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
REFERENCE = SHARED / "reference" / "krbert-medium-vocab-20000.txt"


def real_sentences() -> list[str]:
    """Every non-empty line of the shared Korean text (NSMC: its review column)."""
    out: list[str] = []
    nsmc = CORPORA / "comments" / "nsmc_ratings_test.txt"
    for line in nsmc.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3:
            out.append(parts[1])
    plain = [CORPORA / "comments" / "hate_speech_unlabeled_comments_5.txt",
             CORPORA / "law" / "constitution.txt",
             *sorted((CORPORA / "news").glob("*.news_title.txt")),
             *sorted((CORPORA / "law" / "kobill").glob("*.txt")),
             *sorted((CORPORA / "sentence-gold").glob("*.txt"))]
    for path in plain:
        out.extend(line.strip().strip('"') for line in path.read_text(encoding="utf-8").splitlines())
    return [s for s in (s.strip() for s in out) if s]


def heaps_types(sentences: list[str], words_target: float) -> tuple[float, float]:
    """Distinct words expected at ``words_target`` words, from Heaps' law fitted on the real text."""
    seen: set[str] = set()
    points: list[tuple[int, int]] = []
    n, mark = 0, 10_000
    for s in random.Random(0).sample(sentences, len(sentences)):
        for w in s.split():
            n += 1
            seen.add(w)
            if n == mark:
                points.append((n, len(seen)))
                mark *= 2
    (n1, t1), (n2, t2) = points[-3], (n, len(seen))
    beta = math.log(t2 / t1) / math.log(n2 / n1)
    return t2 * (words_target / n2) ** beta, beta


def splice(a: str, b: str, rng: random.Random) -> str:
    """Head of one real word + tail of another: a plausible new eojeol."""
    return a[: rng.randint(1, len(a))] + b[rng.randint(0, len(b) - 1):]


def generate(target_bytes: int, path: Path, seed: int = 0) -> dict:
    """Write a corpus Parquet of about ``target_bytes`` of sentence text; return what it holds."""
    pool = real_sentences()
    pool_bytes = np.array([len(s.encode()) + 1 for s in pool])
    pool_words = np.array([len(s.split()) for s in pool])
    words = [w for s in pool for w in s.split()]
    bytes_per_word = pool_bytes.sum() / pool_words.sum()
    words_target = target_bytes / bytes_per_word
    types_target, beta = heaps_types(pool, words_target)
    real_types = {hash(w) for w in words}
    replace = max(0.0, (types_target - len(real_types)) / words_target)
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    novel: set[int] = set()
    counts = {"bytes": 0, "sentences": 0, "words": 0}

    def sentence(i: int) -> str:
        s = pool[i]
        k = nrng.binomial(pool_words[i], replace) if replace else 0
        if k == 0:
            return s
        ws = s.split()
        for j in rng.sample(range(len(ws)), k):
            ws[j] = splice(rng.choice(words), rng.choice(words), rng)
            novel.add(hash(ws[j]))
        return " ".join(ws)

    def records():
        doc = 0
        while counts["bytes"] < target_bytes:
            picks = nrng.integers(0, len(pool), size=int(nrng.integers(5, 30)))
            sents = [sentence(int(i)) for i in picks]
            counts["bytes"] += int(pool_bytes[picks].sum())
            counts["sentences"] += len(sents)
            counts["words"] += int(pool_words[picks].sum())
            yield Record(id=f"bench/{doc}", source="bench", text=" ".join(sents), sentences=sents)
            doc += 1

    started = time.perf_counter()
    documents = write_records(records(), path)
    return {"documents": documents, **counts, "seconds": time.perf_counter() - started,
            "distinct_words": len(real_types | novel), "heaps_target": int(types_target),
            "heaps_beta": round(beta, 3), "replace_share": round(replace, 4),
            "file_mb": path.stat().st_size / 1e6}


def run_vocab(corpus: Path, out: Path, size: int, extra: list[str]) -> dict:
    """``korpus vocab`` in a child; its wall time and peak RSS (from ``wait4``)."""
    cmd = [sys.executable, "-m", "korpus", "vocab", "--from", str(corpus), "--out", str(out),
           "--size", str(size), *extra]
    if REFERENCE.exists():
        cmd += ["--compare", str(REFERENCE)]
    started = time.perf_counter()
    child = subprocess.Popen(cmd)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"korpus vocab failed: {' '.join(cmd)}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "report": report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="corpus sizes in MB of text")
    parser.add_argument("--vocab-size", type=int, default=20_000)
    parser.add_argument("--extra", default="", help="more `korpus vocab` options, quoted")
    parser.add_argument("--keep", type=Path, help="keep corpora and outputs here (and reuse "
                        "a corpus already there)")
    parser.add_argument("--tag", default="", help="suffix of the output folder name")
    args = parser.parse_args()
    if not CORPORA.exists():
        raise SystemExit(f"{CORPORA} is missing: the bench needs the shared Korean text")
    work = args.keep or Path(tempfile.mkdtemp(prefix="korpus-vocab-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"cores {os.cpu_count()}, tokenizers threads {os.environ.get('RAYON_NUM_THREADS', 'all')}, "
          f"load average {os.getloadavg()[0]:.1f}")
    try:
        for mb in (int(x) for x in args.sizes.split(",")):
            corpus = work / f"corpus-{mb}mb.parquet"
            if corpus.exists():
                print(f"[{mb} MB] reusing {corpus} ({corpus.stat().st_size / 1e6:.0f} MB)")
            else:
                print_generated(mb, generate(mb * 1_000_000, corpus))
            out = work / f"vocab-{mb}mb{args.tag}"
            print_result(mb, run_vocab(corpus, out, args.vocab_size, args.extra.split()))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def print_generated(mb: int, gen: dict) -> None:
    print(f"[{mb} MB] generated {gen['bytes'] / 1e6:.0f} MB text, {gen['sentences']:,} "
          f"sentences, {gen['words']:,} words, {gen['distinct_words']:,} distinct "
          f"(Heaps target {gen['heaps_target']:,}, beta {gen['heaps_beta']}, "
          f"{gen['replace_share']:.1%} spliced), Parquet {gen['file_mb']:.0f} MB "
          f"in {gen['seconds']:.0f} s", flush=True)


def print_result(mb: int, res: dict) -> None:
    rep = res["report"]
    inp, held = rep["input"], rep["heldout"]
    fed = inp["bytes_trained"] / 1e6
    line = (f"[{mb} MB] vocab {rep['vocab']['tokens']}: fed {fed:,.0f} MB "
            f"(sample {inp['sample_fraction']:.3g}) train {rep['seconds']['train']:.1f} s "
            f"({fed / rep['seconds']['train']:.1f} MB/s), wall {res['wall']:.1f} s, "
            f"CPU {res['cpu']:.1f} s, "
            f"peak RSS {res['peak_rss_mb']:,.0f} MB; held-out [UNK] {held['unk_rate']:.4%}, "
            f"{held['tokens_per_word']:.3f} tokens/word")
    if "compare" in rep:
        cmp = rep["compare"]
        line += (f"; shared with KR-BERT-MEDIUM {cmp['shared']:,} ({cmp['share_of_other']:.1%}), "
                 f"its [UNK] {cmp['other_heldout']['unk_rate']:.4%}, "
                 f"{cmp['other_heldout']['tokens_per_word']:.3f} tokens/word")
    print(line, flush=True)


if __name__ == "__main__":
    main()
