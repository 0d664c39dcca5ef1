"""Benchmark the sentence splitters side by side: gold F1 (tuned and held-out), agreement, speed.

Gold sets: ``../shared/corpora/sentence-gold/*.txt`` (kss's test sets: one
sentence per line, a blank line between documents; a document's input is its
lines joined with ""). A boundary is the number of non-whitespace characters
before a sentence end; the end of a document is not counted. Each document's
first half (``tune``) was used to write the rules and to train ``fast``; its
second half (``held-out``) never was: the held-out columns are the
out-of-sample figures.

Agreement: boundary F1 of each splitter against kss-mecab and against Kiwi
(references, not truth) on N random documents of each kind that the model
never saw (the ``eval`` part of :mod:`korpus.cleaners.boundary.corpus`).

Speed: characters per CPU second of this process on comment-like documents
(real comments, 1-6 per document, from the eval part), start-up excluded;
ours the median of ``--repeat`` passes, kss one pass with its cache cleared;
the ratio to kss-mecab is of the same text in the same run. Also the rate of
``fast`` on pathological text at two sizes (it must stay linear), and with
``--build-mb`` the split step's CPU seconds per MB inside ``bench/run.py``'s build.

    .venv/bin/python bench/split.py                      # about 4 minutes, most of it kss and Kiwi
    .venv/bin/python bench/split.py --splitters fast,kss-mecab --agreement 0 --build-mb 20

Prints what it measured; writes nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gold import Score, halves, load_gold  # noqa: E402

from korpus.cleaners.boundary.corpus import KINDS, documents  # noqa: E402
from korpus.cleaners.split import get_splitter, split_many  # noqa: E402

SHARED = REPO.parent / "shared" / "corpora"
GOLD = SHARED / "sentence-gold"
DEFAULT_SPLITTERS = "fast,rules,rules-mecab,kiwi,kss-mecab"
REFERENCES = ("kss-mecab", "kiwi")
OURS = ("fast", "rules", "rules-mecab")
PARTS = ("full", "tune", "held-out")


def gold_sets() -> dict[str, list[list[str]]]:
    files = sorted(GOLD.glob("*.txt"))
    if not files:
        sys.exit(f"no gold sets under {GOLD}")
    return {f.stem: load_gold(f) for f in files}


def forget(name: str, split) -> None:
    """Clear cached results: kss keeps an lru_cache of the texts it split, MeCab checks a window cache."""
    if name.startswith("kss-"):
        from kss._modules.sentences import split_sentences as kss_split

        kss_split._split_sentences.cache_clear()
    resolver = getattr(split, "resolver", None)
    if resolver is not None:
        resolver.clear_cache()


def cpu_rate(name: str, split, texts: list[str], passes: int) -> float:
    chars = sum(map(len, texts))
    rates = []
    for _ in range(passes):
        forget(name, split)
        c0 = time.process_time()
        for _ in split_many(split, texts):
            pass
        rates.append(chars / (time.process_time() - c0))
    return statistics.median(rates)


def gold_scores(split, sets: dict[str, list[list[str]]]) -> dict[str, dict[str, Score]]:
    out: dict[str, dict[str, Score]] = {}
    for set_name, docs in sets.items():
        out[set_name] = {}
        for part in PARTS:
            chosen = docs if part == "full" else halves(docs, part)
            s = Score()
            for doc, predicted in zip(chosen, split_many(split, ["".join(d) for d in chosen]), strict=True):
                s.add(doc, predicted)
            out[set_name][part] = s
    return out


def pooled(scores: dict[str, dict[str, Score]], part: str) -> Score:
    total = Score()
    for per in scores.values():
        s = per[part]
        total.merge(s)
    return total


def eval_documents(n: int) -> dict[str, list[str]]:
    """N random eval-part documents of each kind (all there are, where fewer)."""
    by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
    for doc in documents(SHARED):
        if doc.part == "eval":
            by_kind[doc.kind].append(doc.text)
    for texts in by_kind.values():
        random.Random(0).shuffle(texts)
    return {k: v[:n] for k, v in by_kind.items()}


def agreement(names: list[str], splitters: dict, n: int) -> None:
    docs = eval_documents(n)
    print(f"\nAgreement (boundary F1, the reference as gold) on eval documents the model never saw; "
          f"documents per kind: {', '.join(f'{k} {len(v)}' for k, v in docs.items())}")
    outputs = {name: {k: list(split_many(splitters[name], v)) for k, v in docs.items()} for name in names}
    for ref in REFERENCES:
        if ref not in names:
            continue
        print(f"\nagainst {ref}")
        print(f"{'splitter':12s}" + "".join(f"{k:>10s}" for k in KINDS) + f"{'pooled':>10s}")
        for name in names:
            if name == ref:
                continue
            row, total = f"{name:12s}", Score()
            for kind in KINDS:
                s = Score()
                for r, p in zip(outputs[ref][kind], outputs[name][kind], strict=True):
                    s.add(r, p)
                total.merge(s)
                row += f"{s.f1:10.3f}"
            print(row + f"{total.f1:10.3f}")


def comment_documents(chars: int) -> list[str]:
    out, size = [], 0
    for doc in documents(SHARED):
        if doc.kind == "comments" and doc.part == "eval":
            out.append(doc.text)
            size += len(doc.text)
            if size >= chars:
                break
    return out


def pathological() -> None:
    split = get_splitter("fast")
    cases = {"다 다 다 ...": "다 ", "quotes": '"가 ', "ㅋ. ": "ㅋ. ", "([{": "([{가 ", "no space": "가"}
    print("\nfast on pathological text (chars per cpu-s at 1 MB and 4 MB; equal rates = linear)")
    for label, unit in cases.items():
        rates = []
        for mb in (1, 4):
            text = unit * (mb * 1_000_000 // len(unit))
            c0 = time.process_time()
            split(text)
            rates.append(len(text) / (time.process_time() - c0))
        print(f"  {label:14s} {rates[0]:>12,.0f} {rates[1]:>12,.0f}")


def build_seconds(mb: float, names: list[str]) -> None:
    import run  # bench/run.py

    base = Path(tempfile.mkdtemp(prefix="korpus-split-bench-"))
    gen = run.generate(base / "in", mb)
    print(f"\nInside bench/run.py's build ({gen['bytes'] / 1e6:.1f} MB, 2 workers): split step CPU seconds per MB")
    for name in names:
        res = run.run_build(base / "in", base / name / "corpus.parquet", 2, "local", ["--splitter", name])
        secs = sum(v for k, v in res["stats"]["seconds"].items() if "split" in k and not k.startswith("phase:"))
        print(f"  {name:12s} {secs / (gen['bytes'] / 1e6):8.3f} s/MB  (build wall {res['wall']:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--splitters", default=DEFAULT_SPLITTERS, help=f"comma-separated (default {DEFAULT_SPLITTERS})")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes for our splitters (median)")
    ap.add_argument("--agreement", type=int, default=300, help="eval documents per kind (0: skip)")
    ap.add_argument("--speed-chars", type=int, default=300_000, help="characters of comment-like documents timed")
    ap.add_argument("--build-mb", type=float, default=0, help="also time the split step in a build of this size")
    args = ap.parse_args()
    names = [n.strip() for n in args.splitters.split(",") if n.strip()]
    sets = gold_sets()
    load = os.getloadavg()
    print(f"korpus bench/split.py  {time.strftime('%Y-%m-%d %H:%M')}  {platform.machine()}  "
          f"{os.cpu_count()} cores  load {load[0]:.2f} {load[1]:.2f}  python {platform.python_version()}")
    print("gold sets: " + ", ".join(f"{k} ({len(v)} docs, {sum(len(d) for d in v)} sentences, "
                                    f"{sum(len(''.join(d)) for d in v):,} chars)" for k, v in sets.items()))
    splitters = {name: get_splitter(name) for name in names}
    for split in splitters.values():
        split("워밍업 문장이다. 모델을 읽는다")  # load models outside every clock

    print("\nBoundary P / R / F1 per gold set: full | tune half (trained on) | held-out half (never seen)")
    all_scores = {}
    for name in names:
        all_scores[name] = gold_scores(splitters[name], sets)
        for set_name in sets:
            cells = [f"{s.precision:.3f}/{s.recall:.3f}/{s.f1:.3f}" for s in all_scores[name][set_name].values()]
            print(f"  {name:12s} {set_name:10s} " + " | ".join(cells))
    print(f"\n{'splitter':12s}{'pooled tune F1':>16s}{'pooled held-out F1':>20s}")
    for name in names:
        print(f"{name:12s}{pooled(all_scores[name], 'tune').f1:16.3f}{pooled(all_scores[name], 'held-out').f1:20.3f}")

    texts = comment_documents(args.speed_chars)
    chars = sum(map(len, texts))
    print(f"\nSpeed on {len(texts):,} comment-like documents ({chars:,} chars), chars per CPU second")
    rates = {}
    for name in names:
        rates[name] = cpu_rate(name, splitters[name], texts, args.repeat if name in OURS else 1)
    ref = rates.get("kss-mecab")
    for name, rate in rates.items():
        ratio = f"{rate / ref:8.1f}x kss-mecab" if ref else ""
        print(f"  {name:12s}{rate:>14,.0f}  {ratio}")
    if args.agreement:
        agreement(names, splitters, args.agreement)
    if "fast" in names:
        pathological()
    if args.build_mb:
        build_seconds(args.build_mb, [n for n in names if n in ("fast", "rules-mecab", "rules")])


if __name__ == "__main__":
    main()
