"""Benchmark the sentence splitters side by side: boundary P/R/F1 per gold set, and chars/s.

Gold sets: ``../shared/corpora/sentence-gold/*.txt`` (kss's test sets: one
sentence per line, a blank line between documents; a document's input is its
lines joined with ""). A boundary is the number of non-whitespace characters
before a sentence end; the end of a document is not counted (every splitter
gets it free). See :mod:`bench/gold.py`.

Speed is characters per CPU second of this one process (``time.process_time``,
so other load on the machine counts less), after a warm-up call that loads
each splitter's models; kss runs with ``num_workers=1`` and its result cache
cleared. Our splitters are timed over ``--repeat`` passes (median).

Also printed: F1 on the first (tune) and second (held-out) half of each
document, the halves used while writing the rules; and, with
``--agreement N``, boundary agreement with kss-mecab on N real comments and
law lines that have no gold (kss as the reference, not the truth).

    /tmp/venv/bin/python bench/split.py
    /tmp/venv/bin/python bench/split.py --splitters fast,rules,kss-mecab --agreement 0

Prints what it measured; writes nothing.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gold import Score, halves, load_gold  # noqa: E402

from korpus.cleaners.split import get_splitter  # noqa: E402

SHARED = REPO.parent / "shared" / "corpora"
GOLD = SHARED / "sentence-gold"
DEFAULT_SPLITTERS = "fast,rules,kss-mecab,kss-punct,kss-fast"
OURS = ("fast", "rules")


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


def timed_pass(split, texts: list[str]) -> tuple[list[list[str]], float, float]:
    out = []
    c0, w0 = time.process_time(), time.perf_counter()
    for text in texts:
        out.append(split(text))
    return out, time.process_time() - c0, time.perf_counter() - w0


def measure(name: str, sets: dict[str, list[list[str]]], repeat: int) -> dict:
    texts = ["".join(doc) for docs in sets.values() for doc in docs]
    chars = sum(map(len, texts))
    split = get_splitter(name)
    split(texts[0])  # load kss / MeCab outside the clock
    passes = repeat if name in OURS else 1
    cpu_rates, wall_rates, outputs = [], [], None
    for _ in range(passes):
        forget(name, split)
        outputs, cpu, wall = timed_pass(split, texts)
        cpu_rates.append(chars / cpu)
        wall_rates.append(chars / wall)
    scores: dict[str, dict[str, Score]] = {}
    i = 0
    for set_name, docs in sets.items():
        full = Score()
        for doc in docs:
            full.add(doc, outputs[i])
            i += 1
        parts = {}
        for part in ("tune", "held-out"):
            s = Score()
            for doc in halves(docs, part):
                s.add(doc, split("".join(doc)))
            parts[part] = s
        scores[set_name] = {"full": full, **parts}
    return {"chars": chars, "cpu": statistics.median(cpu_rates), "wall": statistics.median(wall_rates),
            "scores": scores}


def agreement(names: list[str], n: int) -> None:
    sources = {
        "nsmc comments": (SHARED / "comments/nsmc_ratings_test.txt", True),
        "news comments": (SHARED / "comments/hate_speech_unlabeled_comments_5.txt", False),
        "constitution": (SHARED / "law/constitution.txt", False),
    }
    ref = get_splitter("kss-mecab")
    print(f"\nAgreement with kss-mecab on {n} random lines with more than 20 characters "
          "(kss as reference; no gold)")
    print(f"{'text':16s}" + "".join(f"{name:>12s}" for name in names if name != "kss-mecab"))
    for label, (path, tsv) in sources.items():
        if not path.exists():
            print(f"{label:16s} (missing {path})")
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if tsv:
            lines = [line.split("\t")[1] for line in lines[1:] if line.count("\t") == 2]
        lines = [line.strip() for line in lines if len(line.strip()) > 20]
        random.Random(0).shuffle(lines)
        lines = lines[:n]
        refs = [ref(line) for line in lines]
        row = f"{label:16s}"
        for name in names:
            if name == "kss-mecab":
                continue
            split, s = get_splitter(name), Score()
            for line, r in zip(lines, refs, strict=True):
                s.add(r, split(line))
            row += f"{s.f1:12.3f}"
        print(row)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--splitters", default=DEFAULT_SPLITTERS, help=f"comma-separated (default {DEFAULT_SPLITTERS})")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes for our splitters (median)")
    ap.add_argument("--agreement", type=int, default=300, help="lines per text for the kss agreement table (0: skip)")
    args = ap.parse_args()
    names = [n.strip() for n in args.splitters.split(",") if n.strip()]
    sets = gold_sets()
    print(f"korpus bench/split.py  {time.strftime('%Y-%m-%d %H:%M')}  {platform.processor() or platform.machine()}"
          f"  python {platform.python_version()}")
    print("gold sets: " + ", ".join(f"{k} ({len(v)} docs, {sum(len(d) for d in v)} sentences, "
                                    f"{sum(len(''.join(d)) for d in v):,} chars)" for k, v in sets.items()))
    results = {}
    for name in names:
        t0 = time.perf_counter()
        results[name] = measure(name, sets, args.repeat)
        print(f"  measured {name} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    print("\nBoundary precision / recall / F1 on the full gold sets; speed over all of them")
    header = f"{'splitter':10s}" + "".join(f"{s + ' P/R/F1':>26s}" for s in sets) + f"{'chars/s cpu':>14s}{'wall':>11s}"
    print(header)
    for name, r in results.items():
        row = f"{name:10s}"
        for set_name in sets:
            s = r["scores"][set_name]["full"]
            row += f"{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
        row += f"{r['cpu']:>14,.0f}{r['wall']:>11,.0f}"
        print(row)
    print("\nF1 on each document's first half (tune) / second half (held-out)")
    print(f"{'splitter':10s}" + "".join(f"{s:>22s}" for s in sets))
    for name, r in results.items():
        print(f"{name:10s}" + "".join(
            f"{r['scores'][s]['tune'].f1:>14.3f} /{r['scores'][s]['held-out'].f1:6.3f}" for s in sets))
    lost = {name: sum(r["scores"][s]["full"].lost for s in sets) for name, r in results.items()}
    if any(lost.values()):
        print(f"\ndocuments whose non-space text a splitter changed (offsets unreliable): {lost}")
    if "kss-mecab" in results:
        ref = results["kss-mecab"]
        print()
        for name in (n for n in names if n in OURS):
            r = results[name]
            ok = all(r["scores"][s]["full"].f1 >= ref["scores"][s]["full"].f1 for s in sets)
            print(f"{name}: F1 >= kss-mecab on every gold set: {'yes' if ok else 'NO'}; "
                  f"speed {r['cpu'] / ref['cpu']:.1f}x kss-mecab (cpu), {r['wall'] / ref['wall']:.1f}x (wall)")
    if args.agreement and "kss-mecab" in names:
        agreement(names, args.agreement)


if __name__ == "__main__":
    main()
