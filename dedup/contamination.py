"""Report-only contamination check: which evaluation examples an existing corpus contains.

Documents are matched whole (:class:`~korpus.dedup.evalindex.EvalIndex`), so an
example split over several sentences is still found; then the sentences that
carry a match are the ones holding a real piece of the example (see
:func:`carrying_sentences`). Nothing is changed; the result is a report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from korpus.dedup.evalindex import CONTAINMENT, EXACT, KINDS, EvalIndex, Matches
from korpus.dedup.keys import canonical, word_forms
from korpus.dedup.shingles import char_ngrams

BATCH_ROWS = 10_000
SAMPLES = 20
SAMPLE_CHARS = 300
# A sentence carries a match when it holds at least this share of the example's n-grams (or is it exactly).
CARRY_SHARE = 0.2


def carrying_sentences(example: str, sentences: list[str], n: int, forms: list[str] | None = None) -> list[int]:
    """Indexes of the sentences that hold a real piece of ``example``.

    ``forms``: the sentences' canonical forms, when the caller has them already.

    >>> carrying_sentences("정말 재미있는 영화였어요 강추", ["날씨 좋다.", "정말 재미있는 영화였어요.", "강추!"], 5)
    [1]
    """
    form = canonical(example)
    grams = set(char_ngrams(form, n))
    need = max(2, CARRY_SHARE * len(grams))
    forms = [canonical(s) for s in sentences] if forms is None else forms
    return [i for i, s_form in enumerate(forms)
            if s_form and (s_form == form or len(grams.intersection(char_ngrams(s_form, n))) >= need)]


def document_forms(texts: list[str], sentences: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Canonical form of each document, and of each of its units (its sentences, or the text when unsplit).

    A split document's form is put together from its sentences' letters (one
    pass over the text, not two); all of a batch's letters are found at once
    (:func:`korpus.dedup.keys.word_forms`).

    >>> document_forms(["좋은 영화. 강추!", "👍"], [["좋은 영화.", "강추!"], []])
    (['좋은영화강추', '👍'], [['좋은영화', '강추'], ['👍']])
    """
    whole = iter(word_forms([t for t, doc in zip(texts, sentences, strict=True) if len(doc) <= 1]))
    words = word_forms([s for doc in sentences for s in doc])
    forms, units, k = [], [], 0
    for text, doc in zip(texts, sentences, strict=True):
        mine, k = words[k:k + len(doc)], k + len(doc)
        form = ("".join(mine) if len(doc) > 1 else next(whole)) or _spaceless(text)
        forms.append(form)
        units.append([w or _spaceless(s) for w, s in zip(mine, doc, strict=True)] if doc else [form])
    return forms, units


def _spaceless(text: str) -> str:
    """:func:`~korpus.dedup.keys.canonical`'s form of a text without letters or digits."""
    return "".join(text.split())


@dataclass
class SetFindings:
    """What was found of one evaluation set."""

    name: str
    path: str
    examples: int
    too_short: int
    found: dict[int, int] = field(default_factory=dict)  # example -> best kind (exact < containment)
    documents: int = 0
    sentences: int = 0
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    samples: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        kinds = np.bincount(np.array(list(self.found.values()), dtype=np.int64), minlength=len(KINDS))
        return {
            "name": self.name, "path": self.path, "examples": self.examples,
            "too_short_skipped": self.too_short, "checked": self.examples - self.too_short,
            "found": {"total": len(self.found), **{k: int(kinds[i]) for i, k in enumerate(KINDS)}},
            "documents": self.documents, "sentences": self.sentences,
            "by_source": {s: self.by_source[s] for s in sorted(self.by_source)},
            "samples": self.samples,
        }


def check_corpus(files: Iterable[Path], index: EvalIndex) -> dict:
    """Scan corpus Parquet files against ``index``; the report as a dict (same for any batch size)."""
    findings = [SetFindings(s.name, s.path, index.examples[s.name], index.too_short[s.name]) for s in index.sets]
    scanned = {"documents": 0, "sentences": 0, "bytes": 0}
    for path in files:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=["id", "source", "text", "sentences"]):
            rows = batch.to_pydict()
            texts = rows["text"]
            scanned["documents"] += len(texts)
            scanned["sentences"] += sum(len(s) or 1 for s in rows["sentences"])
            scanned["bytes"] += sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)
            forms = document_forms(texts, rows["sentences"])
            _record(index, match_documents(index, texts, rows["sentences"], forms), rows, forms[1], findings)
    return {
        "method": {"canonical": "exact-dedup key: no whitespace or punctuation, casefolded",
                   "ngram": index.options.ngram, "threshold": index.options.threshold,
                   "min_chars": index.options.min_chars, "max_postings": index.options.max_postings},
        "scanned": scanned,
        "sets": [f.as_dict() for f in findings],
    }


def match_documents(index: EvalIndex, texts: list[str], sentences: list[list[str]],
                    forms: tuple[list[str], list[list[str]]] | None = None) -> Matches:
    """Documents matched whole; a sentence that is exactly an example makes the match exact.

    ``forms``: :func:`document_forms` of the batch, when the caller has them already.
    """
    forms, units = document_forms(texts, sentences) if forms is None else forms
    flat = [f for doc, mine in zip(sentences, units, strict=True) if len(doc) > 1 for f in mine]
    counts = [len(doc) if len(doc) > 1 else 0 for doc in sentences]
    matches = index.match(texts, forms)
    owner = np.repeat(np.arange(len(sentences)), counts)
    unit, example = index.exact(flat, folded=True)
    unit = owner[unit]
    exact = set(zip(unit.tolist(), example.tolist(), strict=True))
    pairs = list(zip(matches.unit.tolist(), matches.example.tolist(), strict=True))
    kind = np.array([EXACT if p in exact else k for p, k in zip(pairs, matches.kind.tolist(), strict=True)],
                    dtype=np.int8)
    score = np.where(kind == EXACT, 1.0, matches.score)
    extra = sorted(exact.difference(pairs))  # a sentence the whole-document match missed
    if extra:
        u, e = (np.array(x, dtype=np.int64) for x in zip(*extra, strict=True))
        unit_all, ex_all = np.concatenate([matches.unit, u]), np.concatenate([matches.example, e])
        kind, score = np.concatenate([kind, np.full(len(u), EXACT, np.int8)]), np.concatenate([score, np.ones(len(u))])
        order = np.lexsort((ex_all, unit_all))
        return Matches(unit_all[order], ex_all[order], kind[order], score[order])
    return Matches(matches.unit, matches.example, kind, score)


def _record(index: EvalIndex, matches, rows: dict, unit_forms: list[list[str]], findings: list[SetFindings]) -> None:
    seen_docs: set[tuple[int, int]] = set()
    carried: dict[tuple[int, int], set[int]] = {}
    for unit, ex, kind, score in zip(matches.unit.tolist(), matches.example.tolist(),
                                     matches.kind.tolist(), matches.score.tolist(), strict=True):
        found = findings[int(index.set_of[ex])]
        found.found[ex] = min(found.found.get(ex, CONTAINMENT), kind)
        sentences = rows["sentences"][unit] or [rows["text"][unit]]
        carry = carrying_sentences(index.texts[ex], sentences, index.options.ngram, unit_forms[unit])
        key = (int(index.set_of[ex]), unit)
        carried.setdefault(key, set()).update(carry)
        if key not in seen_docs:
            seen_docs.add(key)
            found.documents += 1
            source = found.by_source.setdefault(rows["source"][unit], {"documents": 0, "sentences": 0})
            source["documents"] += 1
        if len(found.samples) < SAMPLES:
            matched = " ".join(sentences[i] for i in carry) if carry else rows["text"][unit]
            found.samples.append({"example_line": int(index.lines[ex]), "example": index.texts[ex],
                                  "corpus_id": rows["id"][unit], "matched": matched[:SAMPLE_CHARS],
                                  "kind": KINDS[kind], "score": round(score, 3)})
    for (set_i, unit), carry in carried.items():
        found = findings[set_i]
        found.sentences += len(carry)
        found.by_source[rows["source"][unit]]["sentences"] += len(carry)


__all__ = ["EXACT", "CONTAINMENT", "carrying_sentences", "check_corpus", "document_forms"]
