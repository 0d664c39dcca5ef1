"""Benchmark decontamination: recall per kind of planted copy, precision on controls, speed.

``nsmc_ratings_test.txt`` (../shared/corpora/comments) is shuffled and cut in
two halves. The first half is the evaluation set (written as an NSMC-layout
TSV and read by :func:`korpus.dedup.evalsets.read_eval_set`); examples of it
are planted into a corpus of real news comments
(``hate_speech_unlabeled_comments_5.txt``) as: the exact line, the line with
spaces removed or added, the line with one typo (a Hangul syllable replaced),
the line inside a longer comment, and the line as the middle sentence of a
three-sentence document. The second half, reviews of the same kind that are
not in the evaluation set, is planted as controls that must not match (a
control whose canonical form equals an evaluation example is a true copy and
left out). Every n-gram size in ``--ngrams`` and threshold in ``--thresholds``
is scored; then the default options scan the corpus Parquet file as
``korpus contamination`` does, timed.

    .venv/bin/python bench/decontam.py --per-kind 1000

Prints what it measured; writes only to a temp folder.
"""

# ruff: noqa: E402  (the package imports must follow the sys.path fix below)
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path; keep bench/ from shadowing packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import os
import random
import tempfile
import time
from dataclasses import replace

import numpy as np

from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.dedup.contamination import carrying_sentences, check_corpus
from korpus.dedup.evalindex import EvalIndex, MatchOptions
from korpus.dedup.evalsets import read_eval_set
from korpus.dedup.keys import canonical

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "comments"
KINDS = ("exact", "spacing", "typo", "embedded", "sentence")
HANGUL = (0xAC00, 0xD7A3)


def variant(kind: str, text: str, rng: random.Random, comments: list[str]) -> list[str]:
    """The planted document's sentences for one kind of copy."""
    if kind == "exact":
        return [text]
    if kind == "spacing":
        if " " in text and rng.random() < 0.5:
            return [text.replace(" ", "")]
        chars = list(text.replace(" ", ""))
        return ["".join(c + (" " if rng.random() < 0.3 else "") for c in chars).strip()]
    if kind == "typo":
        spots = [i for i, c in enumerate(text) if HANGUL[0] <= ord(c) <= HANGUL[1]] or list(range(len(text)))
        i = rng.choice(spots)
        return [text[:i] + chr(rng.randint(*HANGUL)) + text[i + 1:]]
    if kind == "embedded":
        return [f"{rng.choice(comments)} {text} {rng.choice(comments)}"]
    return [rng.choice(comments), text, rng.choice(comments)]


def build_corpus(args, tmp: Path):
    rng = random.Random(args.seed)
    nsmc = read_eval_set("nsmc", CORPORA / "nsmc_ratings_test.txt").examples
    rng.shuffle(nsmc)
    half = len(nsmc) // 2
    evals, controls = nsmc[:half], nsmc[half:]
    eval_path = tmp / "eval.tsv"
    eval_path.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t0\n" for i, t in evals), encoding="utf-8")
    comments = [c.strip() for c in (CORPORA / "hate_speech_unlabeled_comments_5.txt").read_text("utf-8").splitlines()
                if c.strip()]
    long_enough = [t for _, t in evals if len(canonical(t)) >= MatchOptions().min_chars]
    eval_forms = {canonical(t) for _, t in evals}
    clean_controls = [t for _, t in controls if len(canonical(t)) >= MatchOptions().min_chars
                      and canonical(t) not in eval_forms]
    docs, truth = [], []  # truth: (kind, planted example, index of its sentence)
    for kind in KINDS:
        for text in rng.sample(long_enough, args.per_kind):
            sentences = variant(kind, text, rng, comments)
            docs.append(sentences)
            truth.append((kind, text, 1 if kind == "sentence" else 0))
    for text in rng.sample(clean_controls, min(args.controls, len(clean_controls))):
        docs.append([text])
        truth.append(("control", text, 0))
    for text in comments:
        docs.append([text])
        truth.append(("background", "", 0))
    order = list(range(len(docs)))
    rng.shuffle(order)
    docs, truth = [docs[i] for i in order], [truth[i] for i in order]
    corpus = tmp / "corpus.parquet"
    records = (Record(id=f"bench/{i}", source="comments", text=" ".join(s), sentences=s) for i, s in enumerate(docs))
    write_records(records, corpus)
    print(f"corpus: {len(docs):,} documents ({args.per_kind} per kind, {sum(t[0] == 'control' for t in truth):,} "
          f"controls, {len(comments):,} background comments), {corpus.stat().st_size / 1e6:.1f} MB Parquet; "
          f"evaluation half: {len(evals):,} examples; {len(controls) - len(clean_controls):,} controls left out "
          f"(too short, or a copy of an evaluation example)")
    return eval_path, corpus, docs, truth


def score(index: EvalIndex, docs, truth, thresholds: list[float]) -> dict[float, dict[str, float]]:
    """Per threshold: recall per kind, controls kept, background documents matched."""
    m = index.match([" ".join(s) for s in docs])
    forms = [canonical(t) for t in index.texts]
    out = {}
    for th in thresholds:
        keep = m.score >= th
        hit: dict[int, set[str]] = {}
        for u, e in zip(m.unit[keep].tolist(), m.example[keep].tolist(), strict=True):
            hit.setdefault(u, set()).add(forms[e])
        row = {}
        for kind in (*KINDS, "control", "background"):
            units = [i for i, t in enumerate(truth) if t[0] == kind]
            if kind in KINDS:
                row[kind] = np.mean([canonical(truth[i][1]) in hit.get(i, ()) for i in units])
            elif kind == "control":
                row["precision"] = 1 - np.mean([i in hit for i in units])
            else:
                row["background_matched"] = float(np.mean([i in hit for i in units]))
        out[th] = row
    return out


def neighbours_kept(index: EvalIndex, docs, truth) -> float:
    """Of the sentence-kind documents, the share where only the planted sentence carries the match."""
    good, total = 0, 0
    for sentences, (kind, text, at) in zip(docs, truth, strict=True):
        if kind == "sentence":
            total += 1
            good += carrying_sentences(text, sentences, index.options.ngram) == [at]
    return good / total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-kind", type=int, default=1000)
    ap.add_argument("--controls", type=int, default=5000)
    ap.add_argument("--ngrams", default="3,4,5,6")
    ap.add_argument("--thresholds", default="0.7,0.75,0.8,0.85,0.9")
    ap.add_argument("--max-postings", type=int, default=MatchOptions().max_postings)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not CORPORA.exists():
        sys.exit(f"{CORPORA} not present")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        eval_path, corpus, docs, truth = build_corpus(args, tmp)
        evalset = read_eval_set("nsmc-half", eval_path)
        thresholds = [float(t) for t in args.thresholds.split(",")]
        print(f"{'n':>2} {'thr':>4} " + " ".join(f"{k:>9}" for k in KINDS) + f" {'precision':>9} {'backgr.':>8}")
        for n in (int(x) for x in args.ngrams.split(",")):
            index = EvalIndex([evalset], replace(MatchOptions(), ngram=n, threshold=min(thresholds), max_postings=args.max_postings))
            for th, row in score(index, docs, truth, thresholds).items():
                print(f"{n:>2} {th:>4.2f} " + " ".join(f"{row[k]:>9.3f}" for k in KINDS)
                      + f" {row['precision']:>9.4f} {row['background_matched']:>8.4f}")
        t0 = time.perf_counter()
        index = EvalIndex([evalset])
        built = time.perf_counter() - t0
        print(f"defaults {MatchOptions()}: index of {len(index.texts):,} examples "
              f"({index.too_short['nsmc-half']:,} too short skipped) in {built:.2f} s, {index.size_bytes / 1e6:.1f} MB")
        print(f"sentence documents whose other sentences are kept: {neighbours_kept(index, docs, truth):.3f}")
        t0 = time.perf_counter()
        report = check_corpus([corpus], index)
        took = time.perf_counter() - t0
        mb = report["scanned"]["bytes"] / 1e6
        print(f"scan (korpus contamination's work, Parquet read included): {mb:.1f} MB of text in {took:.2f} s = "
              f"{took / mb:.3f} s/MB ({mb / took:.1f} MB/s)")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
