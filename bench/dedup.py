"""Benchmark near-duplicate removal: quality on planted duplicates, and scale.

Quality (default): a few thousand real Korean documents from
``../shared/corpora`` (news comments, movie reviews, wiki and blog text,
constitution articles), cleaned of their own near duplicates, then some given
one to three planted variants each: spacing changes, one or two typos, a
sentence added or removed, truncation. Every shingling in ``--shingles`` and
threshold in ``--thresholds`` is scored (precision and recall of removals,
recall per variant type); the default settings then run through the real
build step (``NearDedup.shard_pass`` + ``resolve`` on Parquet shards) and side
by side with datasketch ``MinHashLSH`` on the same data and threshold.

    /tmp/venv/bin/python bench/dedup.py --originals 3000

Scale: generated MinHash signatures (``--docs`` of them, 10% planted copies
with a few values changed) written as sidecars, then ``NearDedup.resolve`` in a
fresh process whose peak RSS is measured; then the same for ``ExactDedup``
(generated text keys, 10% repeats); ``--datasketch`` also inserts the same
signatures into an in-memory ``MinHashLSH`` in another fresh process.

    /tmp/venv/bin/python bench/dedup.py --signatures-only --docs 1000000 --datasketch
    /tmp/venv/bin/python bench/dedup.py --signatures-only --docs 20000000

Prints what it measured; writes only to a temp folder.
"""

# ruff: noqa: E402  (the package imports must follow the sys.path fix below)
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and this file
# (bench/dedup.py) would shadow the ``dedup`` package it benchmarks.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.dedup import unionfind
from korpus.dedup.config import DedupConfig
from korpus.dedup.exact import SIDECAR_FIELDS as EXACT_FIELDS
from korpus.dedup.exact import ExactDedup
from korpus.dedup.keep import assign_kept
from korpus.dedup.keys import canonical, content_hash
from korpus.dedup.lsh import bucket_edges, lsh_params
from korpus.dedup.minhash import band_keys, permutations, signatures, signatures_from_hashes
from korpus.dedup.near import NearDedup, band_column, shingle_jaccard
from korpus.dedup.shingles import char_ngrams, shingle_hash

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
MIN_CHARS = 60  # non-space characters of an original given variants (2 typos in less sink J below 0.7)
SHORT_CHARS = 15  # shortest distractor (non-space characters)
SENTENCE_END = re.compile(r"(?<=[.!?。…])\s+|\n+")


# -- real text ------------------------------------------------------------------------

def nonspace(text: str) -> int:
    return len("".join(text.split()))


def load_pool(shared: Path) -> list[tuple[str, str]]:
    """``(source, text)`` of every real document long enough to be an original."""
    pool: list[tuple[str, str]] = []
    with open(shared / "comments/hate_speech_unlabeled_comments_5.txt", encoding="utf-8") as fh:
        pool += [("comments", line.strip()) for line in fh]
    with open(shared / "comments/nsmc_ratings_test.txt", encoding="utf-8") as fh:
        next(fh)
        pool += [("reviews", line.split("\t")[1]) for line in fh if line.count("\t") == 2]
    for path in sorted((shared / "sentence-gold").glob("*.txt")):
        blocks = path.read_text(encoding="utf-8").split("\n\n")
        pool += [(path.stem, " ".join(x.strip() for x in b.splitlines() if x.strip())) for b in blocks]
    constitution = (shared / "law/constitution.txt").read_text(encoding="utf-8").replace("\r\n", "\n")
    pool += [("law", " ".join(a.split())) for a in re.split(r"\n\s*(?=제\d+조)", constitution)]
    return pool


def added_sentences(shared: Path) -> list[str]:
    """Real news headlines: the sentences planted variants gain."""
    lines = []
    for path in sorted((shared / "news").glob("*.news_title.txt")):
        lines += [x.strip().strip('"') for x in path.read_text(encoding="utf-8").splitlines()]
    return [x for x in lines if nonspace(x) >= 8]


def clean_base(pool: list[tuple[str, str]], k: int, short: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    """``k`` originals and ``short`` shorter distractors, no near duplicates among them.

    Drops exact duplicates, then any document whose exact character-3-gram
    Jaccard with another reaches 0.4 (candidates from a loose MinHash pass), far
    below every threshold tested, so a removal across families is a real error.
    """
    seen: set[str] = set()
    long, brief = [], []
    for source, text in rng.sample(pool, len(pool)):
        key = canonical(text)
        size = nonspace(text)
        if key in seen or size < SHORT_CHARS:
            continue
        seen.add(key)
        (long if size >= MIN_CHARS else brief).append((source, text, size >= MIN_CHARS))
    unique = long[: int(k * 1.3)] + brief[: int(short * 1.3)]
    texts = [t for _, t, _ in unique]
    bands, rows = lsh_params(0.3, 128)
    keys = band_keys(signatures(texts, 3), bands, rows)
    parent = unionfind.new_forest(len(texts))
    docs = np.arange(len(texts))
    for j in range(bands):
        u, v = bucket_edges(docs, keys[:, j])
        close = [shingle_jaccard(texts[a], texts[b], 3) >= 0.4 for a, b in zip(u, v, strict=True)]
        unionfind.union(parent, u[close], v[close])
    roots = unionfind.roots(parent)
    lonely = np.bincount(roots, minlength=len(texts))[roots] == 1
    kept = [unique[i] for i in np.flatnonzero(lonely)]
    originals = [u for u in kept if u[2]][:k]
    distractors = [u for u in kept if not u[2]][:short]
    print(f"originals: {len(originals)} real documents of >= {MIN_CHARS} non-space chars, plus {len(distractors)} "
          f"shorter ones ({SHORT_CHARS}-{MIN_CHARS - 1}) as distractors without variants; "
          f"{len(texts) - int(lonely.sum())} of {len(texts)} drawn left out as near copies of each other")
    return originals + distractors


# -- planted variants -----------------------------------------------------------------

HANGUL = [chr(c) for c in range(0xAC00, 0xD7A4)]


def spacing(text: str, rng: random.Random) -> str:
    """Drop about half the spaces and add a few where there were none."""
    out = []
    for ch in text:
        if ch == " " and rng.random() < 0.5:
            continue
        out.append(ch)
        if ch != " " and rng.random() < 0.05:
            out.append(" ")
    return "".join(out)


def typos(text: str, rng: random.Random, k: int) -> str:
    """``k`` typos: a syllable replaced, deleted or doubled."""
    chars = list(text)
    for _ in range(k):
        spots = [i for i, c in enumerate(chars) if not c.isspace()]
        i = rng.choice(spots)
        kind = rng.choice(("replace", "delete", "double"))
        if kind == "replace":
            chars[i] = rng.choice(HANGUL)
        elif kind == "delete":
            del chars[i]
        else:
            chars.insert(i, chars[i])
    return "".join(chars)


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def add_sentence(text: str, rng: random.Random, extra: list[str]) -> str | None:
    """A real headline of at most a fifth of the text's length, at a sentence boundary."""
    fits = [s for s in rng.sample(extra, 200) if nonspace(s) <= nonspace(text) // 5]
    if not fits:
        return None
    parts = sentences(text)
    at = rng.randrange(len(parts) + 1)
    return " ".join(parts[:at] + [fits[0]] + parts[at:])


def remove_sentence(text: str, rng: random.Random) -> str | None:
    """One sentence out, if the text has three or more and it is at most a fifth of it."""
    parts = sentences(text)
    small = [i for i, s in enumerate(parts) if nonspace(s) <= nonspace(text) // 5]
    if len(parts) < 3 or not small:
        return None
    drop = rng.choice(small)
    return " ".join(p for i, p in enumerate(parts) if i != drop)


def truncate(text: str, rng: random.Random) -> str:
    """Keep the first 85-95% of the text, cut at a space where there is one."""
    cut = int(len(text) * rng.uniform(0.85, 0.95))
    space = text.rfind(" ", 0, cut)
    return text[: space if space > len(text) * 0.8 else cut]


VARIANTS: dict[str, Callable] = {
    "spacing": lambda t, rng, extra: spacing(t, rng),
    "typo1": lambda t, rng, extra: typos(t, rng, 1),
    "typo2": lambda t, rng, extra: typos(t, rng, 2),
    "sentence_added": add_sentence,
    "sentence_removed": lambda t, rng, extra: remove_sentence(t, rng),
    "truncated": lambda t, rng, extra: truncate(t, rng),
}


@dataclass
class Doc:
    id: str
    source: str
    family: int
    variant: str  # "original" or a VARIANTS key
    text: str


def overlap(text: str, other: str, rng: random.Random) -> str:
    """A different document sharing 40-60% of ``text`` (its start), the rest from ``other``."""
    cut = int(len(text) * rng.uniform(0.4, 0.6))
    return text[:cut] + " " + other[-(len(text) - cut):]


def plant(base: list[tuple[str, str, bool]], share: float, hard: float, rng: random.Random,
          extra: list[str]) -> list[Doc]:
    """Every document, plus 1-3 variants of distinct kinds for ``share`` of the long
    ones, and for ``hard`` of them an *overlap* document: a family of its own that
    shares about half its text with the original (a hard negative)."""
    docs = []
    longs = [t for _, t, long in base if long]
    for fam, (source, text, long) in enumerate(base):
        docs.append(Doc(f"{source}/{fam}", source, fam, "original", text))
        if long and rng.random() < hard:
            mixed = overlap(text, rng.choice([t for t in rng.sample(longs, 2) if t != text]), rng)
            docs.append(Doc(f"{source}/{fam}-overlap", source, len(base) + fam, "overlap", mixed))
        if not long or rng.random() >= share:
            continue
        made = 0
        for kind in rng.sample(list(VARIANTS), len(VARIANTS)):
            new = VARIANTS[kind](text, rng, extra)
            if new is None or canonical(new) == canonical(text) and kind != "spacing":
                continue
            docs.append(Doc(f"{source}/{fam}-{kind}", source, fam, kind, new))
            made += 1
            if made == rng.choice((1, 2, 3)):
                break
    rng.shuffle(docs)
    return docs


# -- shingling methods ----------------------------------------------------------------

def morph_signatures(texts: list[str], n: int, num_perm: int, seed: int) -> np.ndarray:
    """Morpheme n-grams (python-mecab-ko) hashed like character shingles."""
    import mecab

    tagger = mecab.MeCab()
    hashes, counts = [], []
    for text in texts:
        morphs = [m.casefold() for m in tagger.morphs(text)]
        grams = ["\x1f".join(morphs[i:i + n]) for i in range(max(1, len(morphs) - n + 1))] if morphs else []
        hashes += [shingle_hash(g) for g in grams]
        counts.append(len(grams))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return signatures_from_hashes(np.array(hashes, dtype=np.uint32), offsets, permutations(num_perm, seed))


def eojeol_signatures(texts: list[str], n: int, num_perm: int, seed: int) -> np.ndarray:
    """Whitespace-token n-grams: the baseline that fails on spacing variants."""
    hashes, counts = [], []
    for text in texts:
        words = text.casefold().split()
        grams = [" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))] if words else []
        hashes += [shingle_hash(g) for g in grams]
        counts.append(len(grams))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return signatures_from_hashes(np.array(hashes, dtype=np.uint32), offsets, permutations(num_perm, seed))


def method_signatures(method: str, texts: list[str], num_perm: int, seed: int) -> np.ndarray:
    kind, n = method[:-1], int(method[-1])
    if kind == "char":
        return signatures(texts, n, num_perm, seed)
    if kind == "eojeol":
        return eojeol_signatures(texts, n, num_perm, seed)
    if kind == "morph":
        return morph_signatures(texts, n, num_perm, seed)
    raise SystemExit(f"unknown shingling {method!r} (charN, eojeolN, morphN)")


def clusters_in_memory(docs: list[Doc], keys: np.ndarray) -> pl.DataFrame:
    """The resolve of the build step, in memory: components, then the keep rule."""
    parent = unionfind.new_forest(len(docs))
    index = np.arange(len(docs))
    for j in range(keys.shape[1]):
        u, v = bucket_edges(index, keys[:, j])
        unionfind.union(parent, u, v)
    return members_from_roots(docs, unionfind.roots(parent))


def members_from_roots(docs: list[Doc], roots: np.ndarray) -> pl.DataFrame:
    frame = pl.DataFrame({
        "root": roots, "id": [d.id for d in docs], "source": [d.source for d in docs],
        "length": [len(d.text) for d in docs], "tiebreak": pl.Series([content_hash(d.text) for d in docs],
                                                                   dtype=pl.UInt64),
    })
    sizes = np.bincount(roots, minlength=len(docs))
    return assign_kept(frame.filter(pl.Series(sizes[roots] > 1)), "root")


# -- scoring ------------------------------------------------------------------------------

def score(docs: list[Doc], members: pl.DataFrame) -> dict:
    family = {d.id: d.family for d in docs}
    removed = members.filter(~pl.col("kept")).select("id", "kept_id").rows()
    tp = sum(family[r] == family[k] for r, k in removed)
    expected = len(docs) - len({d.family for d in docs})
    cluster_of = dict(members.select("id", "cluster").rows())
    per_type: dict[str, list[int]] = {}
    originals = {d.family: d.id for d in docs if d.variant == "original"}
    for d in docs:
        if d.variant in ("original", "overlap"):
            continue
        c = cluster_of.get(d.id)
        caught = c is not None and c == cluster_of.get(originals[d.family])
        per_type.setdefault(d.variant, [0, 0])
        per_type[d.variant][0] += caught
        per_type[d.variant][1] += 1
    return {
        "removed": len(removed), "true_removals": tp, "expected": expected,
        "precision": tp / len(removed) if removed else 1.0, "recall": tp / expected if expected else 1.0,
        "per_type": {k: v[0] / v[1] for k, v in sorted(per_type.items())},
        "overlap_removed": sum(r.endswith("-overlap") or k.endswith("-overlap") for r, k in removed
                               if family[r] != family[k]),
        "false": [(r, k) for r, k in removed if family[r] != family[k]],
    }


def quality(args) -> None:
    rng = random.Random(args.seed)
    pool = load_pool(args.shared)
    base = clean_base(pool, args.originals, args.distractors, rng)
    docs = plant(base, args.share, args.hard, rng, added_sentences(args.shared))
    n_var = sum(d.variant not in ("original", "overlap") for d in docs)
    n_hard = sum(d.variant == "overlap" for d in docs)
    print(f"planted set: {len(docs)} documents = {len(base)} originals and distractors + {n_hard} overlap documents "
          f"(hard negatives: half of an original, half another text) + {n_var} near-duplicate variants "
          f"({', '.join(f'{k} {sum(d.variant == k for d in docs)}' for k in VARIANTS)})")
    texts = [d.text for d in docs]
    print(f"\n{'shingles':<9} {'thr':>4} {'b x r':>7} {'removed':>7} {'precision':>9} {'recall':>7} "
          f"{'overlap hit':>11} {'sig docs/s':>10}  recall per variant type")
    results = {}
    for method in args.shingles:
        if method.startswith("morph") and not _has_mecab():
            print(f"{method:<9} skipped: python-mecab-ko not installed")
            continue
        t0 = time.perf_counter()
        sigs = method_signatures(method, texts, args.num_perm, 1)
        rate = len(texts) / (time.perf_counter() - t0)
        for threshold in args.thresholds:
            b, r = lsh_params(threshold, args.num_perm)
            s = score(docs, clusters_in_memory(docs, band_keys(sigs, b, r)))
            results[(method, threshold)] = s
            per = " ".join(f"{k}={v:.2f}" for k, v in s["per_type"].items())
            print(f"{method:<9} {threshold:>4} {f'{b}x{r}':>7} {s['removed']:>7} {s['precision']:>9.3f} "
                  f"{s['recall']:>7.3f} {s['overlap_removed']:>11} {rate:>10.0f}  {per}")
    if args.natural:
        natural(args)
    default = DedupConfig()
    key = (f"char{default.ngram}", default.threshold)
    if key in results and results[key]["false"]:
        print(f"\nfalse removals with the default ({key[0]}, {key[1]}), first 5 (removed <- kept, exact Jaccard):")
        text_of = {d.id: d.text for d in docs}
        for r, k in results[key]["false"][:5]:
            j = shingle_jaccard(text_of[r], text_of[k], default.ngram)
            print(f"  J={j:.2f}  {text_of[r][:60]!r} <- {text_of[k][:60]!r}")
    side_by_side(docs, default, args)


def natural(args) -> None:
    """All real comments and reviews, nothing planted: what each setting merges.

    The pairs LSH joins are scored by their exact Jaccard under their own
    shingling; a pair below 0.5 is a merge the threshold did not ask for.
    """
    texts, seen = [], set()
    for source, text in load_pool(args.shared):
        key = canonical(text)
        if source in ("comments", "reviews") and key not in seen and len(key) >= 10:
            seen.add(key)
            texts.append(text)
    print(f"\nreal comments and reviews, no planting: {len(texts)} documents (exact duplicates out)")
    print(f"{'shingles':<9} {'thr':>4} {'removed':>7} {'joined pairs':>12} {'pairs J<0.5':>11}")
    for method in args.natural:
        n = int(method[-1])
        sigs = method_signatures(method, texts, args.num_perm, 1)
        for threshold in args.thresholds:
            b, r = lsh_params(threshold, args.num_perm)
            keys = band_keys(sigs, b, r)
            parent, index, pairs = unionfind.new_forest(len(texts)), np.arange(len(texts)), set()
            for j in range(b):
                u, v = bucket_edges(index, keys[:, j])
                unionfind.union(parent, u, v)
                pairs |= set(zip(u.tolist(), v.tolist(), strict=True))
            roots = unionfind.roots(parent)
            removed = len(texts) - len(np.unique(roots))
            low = sum(shingle_jaccard(texts[a], texts[c], n) < 0.5 for a, c in pairs)
            print(f"{method:<9} {threshold:>4} {removed:>7} {len(pairs):>12} {low:>11}")


def _has_mecab() -> bool:
    try:
        import mecab  # noqa: F401
    except ImportError:
        return False
    return True


# -- the build step and datasketch, side by side ---------------------------------------

def run_step(docs: list[Doc], step: NearDedup, work: Path, shards: int, order_seed: int) -> tuple[set, dict]:
    """The real global step on Parquet shards (documents in a shuffled order)."""
    order = list(docs)
    random.Random(order_seed).shuffle(order)
    tables = []
    for i in range(shards):
        path = work / f"map-{order_seed}-{i}.parquet"
        write_records((Record(d.id, d.source, d.text) for d in order[i::shards]), path)
        tables.append(path)
    sidecars = [work / f"side-{order_seed}-{i}.parquet" for i in range(shards)]
    t0 = time.perf_counter()
    for i in range(shards):
        step.shard_pass(i, tables[i], sidecars[i], Stats())
    t1 = time.perf_counter()
    step.resolve(sidecars, None, work / f"drops-{order_seed}.parquet", work / f"report-{order_seed}", Stats())
    t2 = time.perf_counter()
    removed = pl.read_parquet(work / f"report-{order_seed}/removed.parquet").select("id", "kept_id").rows()
    return set(removed), {"shard_pass_s": t1 - t0, "resolve_s": t2 - t1}


def run_datasketch(docs: list[Doc], ngram: int, threshold: float, num_perm: int, hashfunc) -> tuple[set, dict]:
    """datasketch end to end: MinHash.update_batch, MinHashLSH insert and query."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    sketches = []
    for d in docs:
        m = MinHash(num_perm=num_perm, seed=1, hashfunc=hashfunc) if hashfunc else MinHash(num_perm=num_perm, seed=1)
        grams = char_ngrams(d.text, ngram)
        m.update_batch(grams if hashfunc else [g.encode("utf-8") for g in grams])
        sketches.append(m)
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for i, m in enumerate(sketches):
        if not np.all(m.hashvalues == 0xFFFFFFFF):
            lsh.insert(i, m)
    parent = unionfind.new_forest(len(docs))
    for i, m in enumerate(sketches):
        if not np.all(m.hashvalues == 0xFFFFFFFF):
            near = np.array(lsh.query(m), dtype=np.int64)
            unionfind.union(parent, np.full(len(near), i), near)
    members = members_from_roots(docs, unionfind.roots(parent))
    t2 = time.perf_counter()
    return set(members.filter(~pl.col("kept")).select("id", "kept_id").rows()), \
        {"minhash_s": t1 - t0, "lsh_s": t2 - t1}


def side_by_side(docs: list[Doc], cfg: DedupConfig, args) -> None:
    step = NearDedup(threshold=cfg.threshold, num_perm=args.num_perm, ngram=cfg.ngram, seed=cfg.seed)
    print(f"\nside by side, default settings: char {cfg.ngram}-grams, threshold {cfg.threshold}, "
          f"num_perm {args.num_perm}, {step.bands} bands x {step.rows} rows, {len(docs)} documents")
    family = {d.id: d.family for d in docs}
    expected = len(docs) - len({d.family for d in docs})
    with tempfile.TemporaryDirectory(prefix="korpus-dedup-bench-") as tmp:
        ours, t_ours = run_step(docs, step, Path(tmp), 2, order_seed=1)
        again, _ = run_step(docs, step, Path(tmp), 3, order_seed=2)
    theirs, t_ds = run_datasketch(docs, cfg.ngram, cfg.threshold, args.num_perm, shingle_hash)
    rows = [("korpus NearDedup (2 shards)", ours, t_ours["shard_pass_s"], t_ours["resolve_s"]),
            ("datasketch MinHashLSH, same hash", theirs, t_ds["minhash_s"], t_ds["lsh_s"])]
    if args.datasketch_sha1:
        sha1, t_sha = run_datasketch(docs, cfg.ngram, cfg.threshold, args.num_perm, None)
        rows.append(("datasketch MinHashLSH, sha1 (default)", sha1, t_sha["minhash_s"], t_sha["lsh_s"]))
    print(f"{'':<40} {'removed':>7} {'precision':>9} {'recall':>7} {'signatures s':>12} {'lsh+keep s':>10} "
          f"{'docs/s':>8}")
    for name, removed, t_sig, t_lsh in rows:
        tp = sum(family[r] == family[k] for r, k in removed)
        prec = tp / len(removed) if removed else 1.0
        print(f"{name:<40} {len(removed):>7} {prec:>9.3f} {tp / expected:>7.3f} {t_sig:>12.2f} {t_lsh:>10.2f} "
              f"{len(docs) / (t_sig + t_lsh):>8.0f}")
    print(f"same removals (id, kept id) as datasketch with the same hash: {ours == theirs}")
    print(f"same removals after reshuffling the input into 3 shards: {ours == again}")


# -- scale: generated signatures --------------------------------------------------------

def generated_signatures(docs: int, shards: int, num_perm: int, seed: int):
    """``(shard, signatures, planted copies)``: random signatures, 10% of them copies
    of an earlier one (same or previous shard) with 0-6 of their values changed."""
    rng = np.random.default_rng(seed)
    per = -(-docs // shards)
    previous = None
    for s in range(shards):
        n = min(per, docs - s * per)
        if n <= 0:
            return
        sig = rng.integers(0, 2**32, size=(n, num_perm), dtype=np.uint32)
        pool = sig if previous is None else np.concatenate((previous, sig))
        copies = np.sort(rng.choice(n, size=n // 10, replace=False))
        at = len(pool) - n + copies  # the copies' places in pool
        sources = (rng.random(len(copies)) * at).astype(np.int64)  # strictly earlier documents
        ok = sources < at  # the very first document has nothing earlier to copy
        copies, at, sources = copies[ok], at[ok], sources[ok]
        source_of = np.full(len(pool), -1, dtype=np.int64)
        source_of[at] = sources
        while (chained := source_of[sources] >= 0).any():  # a copy of a copy: copy its source
            sources[chained] = source_of[sources[chained]]
        sig[copies] = pool[sources]
        changed = rng.integers(0, 7, size=len(copies))
        for k in range(1, 7):
            rows = copies[changed >= k]
            sig[rows, rng.integers(0, num_perm, size=len(rows))] = rng.integers(0, 2**32, size=len(rows),
                                                                                 dtype=np.uint32)
        previous = sig
        yield s, sig, len(copies)


def generate_sidecars(work: Path, docs: int, shards: int, step: NearDedup, seed: int) -> int:
    """Generated signatures written as NearDedup sidecars (what shard_pass would
    write); returns how many planted copies there are."""
    rng = np.random.default_rng(seed + 1)
    per = -(-docs // shards)
    planted = 0
    for s, sig, copies in generated_signatures(docs, shards, step.num_perm, seed):
        n = len(sig)
        planted += copies
        keys = band_keys(sig, step.bands, step.rows)
        start = s * per
        ids = pc.binary_join_element_wise("gen/", pc.cast(pa.array(np.arange(start, start + n)), pa.string()), "")
        schema = step.sidecar_schema(work / "no-table.parquet")
        cols = {"shard": np.full(n, s, dtype=np.int32), "row": np.arange(n, dtype=np.int32), "id": ids,
                "source": pa.array(np.where(rng.random(n) < 0.5, "news", "comments")),
                "length": rng.integers(20, 2000, n), "tiebreak": rng.integers(0, 2**63, n).astype(np.uint64),
                "shingles": np.full(n, 100, dtype=np.int32)}
        cols |= {band_column(j): keys[:, j] for j in range(step.bands)}
        pq.write_table(pa.table(cols, schema=schema), work / f"sidecar-{s:05d}.parquet", compression="zstd")
    return planted


def generate_exact_sidecars(work: Path, docs: int, shards: int, seed: int) -> int:
    """ExactDedup sidecars: random text keys, 10% of them repeating an earlier key."""
    rng = np.random.default_rng(seed + 2)
    per = -(-docs // shards)
    schema = pa.schema(EXACT_FIELDS)
    pool = np.empty(0, dtype=np.uint64)
    planted = 0
    for s in range(shards):
        n = min(per, docs - s * per)
        if n <= 0:
            break
        keys = rng.integers(0, 2**63, n).astype(np.uint64)
        copies = rng.choice(n, size=n // 10, replace=False)
        if len(pool):
            keys[copies] = pool[rng.integers(0, len(pool), len(copies))]
            planted += len(copies)
        pool = keys[rng.choice(n, size=min(n, 10_000), replace=False)]  # keys seen in this shard
        start = s * per
        ids = pc.binary_join_element_wise("gen/", pc.cast(pa.array(np.arange(start, start + n)), pa.string()), "")
        pq.write_table(pa.table({
            "shard": np.full(n, s, dtype=np.int32), "row": np.arange(n, dtype=np.int32), "id": ids,
            "source": pa.array(np.where(rng.random(n) < 0.5, "news", "comments")),
            "length": rng.integers(20, 2000, n), "tiebreak": rng.integers(0, 2**63, n).astype(np.uint64),
            "key": keys}, schema=schema), work / f"exact-{s:05d}.parquet", compression="zstd")
    return planted


def resolve_child(work: Path, threshold: float, num_perm: int, exact: bool = False) -> None:
    """In a fresh process: resolve the sidecars; print time and peak RSS as JSON."""
    step = ExactDedup() if exact else NearDedup(threshold=threshold, num_perm=num_perm)
    sidecars = sorted(work.glob("exact-*.parquet" if exact else "sidecar-*.parquet"))
    t0 = time.perf_counter()
    step.resolve(sidecars, None, work / "drops.parquet", work / "report", Stats())
    seconds = time.perf_counter() - t0
    removed = pq.read_metadata(work / "drops.parquet").num_rows
    print(json.dumps({"seconds": seconds, "removed": removed,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def datasketch_child(threshold: float, num_perm: int, docs: int, shards: int, seed: int) -> None:
    """In a fresh process: the same generated signatures into an in-memory MinHashLSH."""
    from datasketch import MinHash, MinHashLSH

    perms = permutations(num_perm, 1)
    perm_array = np.array([perms.a, perms.b])
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    per = -(-docs // shards)
    t0 = time.perf_counter()
    for s, sig, _ in generated_signatures(docs, shards, num_perm, seed):
        for i in range(len(sig)):
            m = MinHash(seed=1, hashvalues=sig[i], permutations=perm_array, scheme="affine32")
            lsh.insert(s * per + i, m, check_duplication=False)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def scale(args) -> None:
    step = NearDedup(threshold=DedupConfig().threshold, num_perm=args.num_perm)
    shards = args.shards or max(1, args.docs // 100_000)
    work = Path(tempfile.mkdtemp(prefix="korpus-dedup-scale-", dir=args.tmp))
    try:
        if "near" in args.steps:
            t0 = time.perf_counter()
            planted = generate_sidecars(work, args.docs, shards, step, args.seed)
            size = sum(p.stat().st_size for p in work.glob("sidecar-*.parquet")) / 1e9
            print(f"generated {args.docs:,} signatures ({planted:,} planted copies) as {shards} sidecars, "
                  f"{size:.2f} GB, in {time.perf_counter() - t0:.0f}s; {step.bands} bands x {step.rows} rows")
            res = child(["--_resolve", str(work)], args)
            print(f"korpus NearDedup.resolve: {args.docs:,} docs in {res['seconds']:.1f}s "
                  f"({args.docs / res['seconds']:,.0f} docs/s), peak RSS {res['peak_rss_mb']:,.0f} MB, "
                  f"removed {res['removed']:,} (planted {planted:,})")
            for p in work.glob("sidecar-*.parquet"):
                p.unlink()
        if "exact" in args.steps:
            planted = generate_exact_sidecars(work, args.docs, shards, args.seed)
            res = child(["--_resolve-exact", str(work)], args)
            print(f"korpus ExactDedup.resolve: {args.docs:,} docs in {res['seconds']:.1f}s "
                  f"({args.docs / res['seconds']:,.0f} docs/s), peak RSS {res['peak_rss_mb']:,.0f} MB, "
                  f"removed {res['removed']:,} (planted repeats {planted:,})")
        if args.datasketch:
            ds = child(["--_datasketch"], args)
            print(f"datasketch MinHashLSH insert (in memory): {args.docs:,} docs in {ds['seconds']:.1f}s, "
                  f"peak RSS {ds['peak_rss_mb']:,.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def child(extra: list[str], args) -> dict:
    cmd = [sys.executable, __file__, *extra, "--docs", str(args.docs), "--num-perm", str(args.num_perm),
           "--seed", str(args.seed), "--shards", str(args.shards or max(1, args.docs // 100_000))]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--originals", type=int, default=3000, help="real documents in the planted set")
    ap.add_argument("--distractors", type=int, default=3000, help="short real documents without variants")
    ap.add_argument("--hard", type=float, default=0.3, help="share of long originals given an overlap document")
    ap.add_argument("--share", type=float, default=0.5, help="share of originals given variants")
    ap.add_argument("--shingles", type=lambda s: s.split(","), default=["char3", "char4", "char5", "char6", "eojeol3"],
                    help="comma list of charN, eojeolN, morphN (morph needs python-mecab-ko)")
    ap.add_argument("--natural", type=lambda s: s.split(",") if s else [], default=["char3", "char5"],
                    help="shinglings also run on all real comments without planting ('' to skip)")
    ap.add_argument("--thresholds", type=lambda s: [float(x) for x in s.split(",")], default=[0.6, 0.7, 0.8])
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--datasketch-sha1", action="store_true", help="also datasketch with its default sha1 hash")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--signatures-only", action="store_true", help="scale run on generated signatures")
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--shards", type=int, default=0, help="sidecars (default: one per 100k docs)")
    ap.add_argument("--steps", type=lambda s: s.split(","), default=["near", "exact"],
                    help="scale run: which resolves to measure (near,exact)")
    ap.add_argument("--datasketch", action="store_true", help="scale run: also datasketch MinHashLSH in memory")
    ap.add_argument("--tmp", type=Path, default=None, help="folder for the generated sidecars")
    ap.add_argument("--_resolve", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--_resolve-exact", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--_datasketch", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._resolve:
        return resolve_child(args._resolve, DedupConfig().threshold, args.num_perm)
    if args._resolve_exact:
        return resolve_child(args._resolve_exact, DedupConfig().threshold, args.num_perm, exact=True)
    if args._datasketch:
        return datasketch_child(DedupConfig().threshold, args.num_perm, args.docs, args.shards, args.seed)
    if args.signatures_only:
        return scale(args)
    if not args.shared.exists():
        raise SystemExit(f"{args.shared}: the shared corpora are needed for the quality benchmark")
    quality(args)


if __name__ == "__main__":
    main()
