"""Benchmark the cleaning chains: chars/s of each profile on real comments and formal text.

Texts from ``../shared/corpora``: comments (NSMC movie reviews and news
comments, one per line) and formal text (the Constitution, the kobill bills,
the Wikipedia gold documents) and news headlines. Each chain runs over every text ``--repeat``
times in this one process; speed is characters per CPU second
(``time.process_time``), median of the passes. Also timed: the quality filter,
and the whole record-step chain (normalise, filter, split with ``rules`` and
``fast``) per source kind.

    /tmp/venv/bin/python bench/clean.py

Prints what it measured; writes nothing.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from korpus.cleaners.config import CleanConfig, FilterConfig, SplitConfig  # noqa: E402
from korpus.cleaners.normalize import Normalizer  # noqa: E402
from korpus.cleaners.steps import QualityFilter, record_steps  # noqa: E402
from korpus.core.schema import Record  # noqa: E402
from korpus.core.stats import Stats  # noqa: E402

SHARED = REPO.parent / "shared" / "corpora"


def comments(limit: int) -> list[str]:
    out = []
    nsmc = SHARED / "comments/nsmc_ratings_test.txt"
    if nsmc.exists():
        out += [line.split("\t")[1] for line in nsmc.read_text(encoding="utf-8").splitlines()[1:]
                if line.count("\t") == 2]
    news = SHARED / "comments/hate_speech_unlabeled_comments_5.txt"
    if news.exists():
        out += news.read_text(encoding="utf-8").splitlines()
    return [c for c in out if c.strip()][:limit]


def formal() -> list[str]:
    docs = []
    for path in [SHARED / "law/constitution.txt", *sorted((SHARED / "law/kobill").glob("*.txt"))]:
        if path.exists():
            docs.append(path.read_text(encoding="utf-8", errors="replace"))
    gold = SHARED / "sentence-gold/wikipedia.txt"
    if gold.exists():
        docs += ["".join(doc.split("\n")) for doc in gold.read_text(encoding="utf-8").split("\n\n") if doc.strip()]
    return docs


def news_titles() -> list[str]:
    out = []
    for path in sorted((SHARED / "news").glob("*.news_title.txt")):
        out += [line.strip().strip('"') for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def rate(fn, texts: list[str], repeat: int) -> float:
    chars = sum(map(len, texts))
    fn(texts[0])
    rates = []
    for _ in range(repeat):
        t0 = time.process_time()
        for text in texts:
            fn(text)
        rates.append(chars / (time.process_time() - t0))
    return statistics.median(rates)


def steps_rate(kind: str, texts: list[str], splitter: str, repeat: int) -> float:
    chars = sum(map(len, texts))
    rates = []
    for _ in range(repeat):
        steps = record_steps(CleanConfig(), FilterConfig(), SplitConfig(splitter=splitter))
        records = [Record(f"{kind}/{i}", kind, t) for i, t in enumerate(texts)]
        stats = Stats()
        t0 = time.process_time()
        stream = records
        for step in steps:
            stream = step(stream, stats)
        for _ in stream:
            pass
        rates.append(chars / (time.process_time() - t0))
    return statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--comments", type=int, default=40_000, help="how many comments (default 40,000)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sets = {"comments": comments(args.comments), "formal": formal(), "news titles": news_titles()}
    sets = {k: v for k, v in sets.items() if v}
    if not sets:
        sys.exit(f"no texts under {SHARED}")
    print(f"korpus bench/clean.py  {time.strftime('%Y-%m-%d %H:%M')}  {platform.machine()}  "
          f"python {platform.python_version()}")
    for name, texts in sets.items():
        print(f"  {name}: {len(texts):,} texts, {sum(map(len, texts)):,} chars")
    chains = {"formal": Normalizer("formal"), "informal": Normalizer("informal"),
              "informal, emoji removed": Normalizer("informal", emoji="remove")}
    print(f"\nchars per CPU second, median of {args.repeat} passes, one process")
    print(f"{'':28s}" + "".join(f"{k:>14s}" for k in sets))
    for label, chain in chains.items():
        print(f"{'chain ' + label:28s}" + "".join(f"{rate(chain, t, args.repeat):>14,.0f}" for t in sets.values()))
    qf = QualityFilter(FilterConfig())
    print(f"{'quality filter':28s}" + "".join(f"{rate(qf.reject_reason, t, args.repeat):>14,.0f}"
                                             for t in sets.values()))
    kinds = {"comments": "comments", "formal": "wiki", "news titles": "news"}
    for splitter in ("rules", "fast"):
        label = f"all steps (split: {splitter})"
        print(f"{label:28s}" + "".join(
            f"{steps_rate(kinds[k], t, splitter, args.repeat):>14,.0f}" for k, t in sets.items()))
    print("\n'all steps' = normalise (comments: informal, others: formal) + filter + split "
          "(comments stay whole; formal text split by the named splitter)")


if __name__ == "__main__":
    main()
