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
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.dedup.evalindex import CONTAINMENT, EXACT, KINDS, EvalIndex, Matches
from korpus.dedup.keys import canonical, canonical_forms, word_points
from korpus.dedup.shingles import char_ngrams, code_points

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


def unit_forms(texts: list[str], sentences: list[list[str]]) -> list[list[str]]:
    """Canonical forms of each document's units: its sentences, or its text when unsplit.

    >>> unit_forms(["좋은 영화. 강추!", "👍"], [["좋은 영화.", "강추!"], []])
    [['좋은영화', '강추'], ['👍']]
    """
    units = [doc or [text] for text, doc in zip(texts, sentences, strict=True)]
    forms = iter(canonical_forms([u for doc in units for u in doc]))
    return [[next(forms) for _ in doc] for doc in units]


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
            _record(index, match_batch(index, batch.column("text"), batch.column("sentences")), rows, findings)
    return {
        "method": {"canonical": "exact-dedup key: no whitespace or punctuation, casefolded",
                   "ngram": index.options.ngram, "threshold": index.options.threshold,
                   "min_chars": index.options.min_chars, "max_postings": index.options.max_postings},
        "scanned": scanned,
        "sets": [f.as_dict() for f in findings],
    }


def match_batch(index: EvalIndex, texts: pa.Array, sentences: pa.Array) -> Matches:
    """Documents matched whole, from a batch's Arrow columns; a sentence that is exactly an example makes
    the match exact.

    A split document's canonical form is put together from its sentences' (one
    pass over the text, not two); a document of one sentence or none is its
    text. The batch's letters are found all at once, on code points
    (:func:`korpus.dedup.keys.word_points`): no Python string per document.
    """
    counts = _list_lengths(sentences)
    split = counts > 1
    docs = np.concatenate([np.flatnonzero(~split), np.flatnonzero(split)])  # whole documents first, then split
    whole_cps, whole_lengths = word_points(*arrow_code_points(texts.filter(pa.array(~split))))
    flat = sentences.filter(pa.array(split)).flatten()
    sentence_cps, sentence_lengths = word_points(*arrow_code_points(flat))
    lengths = np.concatenate([whole_lengths, _group_sums(sentence_lengths, counts[split])])
    found = index.match_points(np.concatenate([whole_cps, sentence_cps]), lengths)
    # Documents and sentences without letters or digits keep their symbols (canonical's fallback): a few.
    bare = docs[lengths == 0]
    forms = [_spaceless(texts[i].as_py()) for i in bare.tolist()]
    symbols = index.match(forms, forms)
    whole = _sorted_matches(np.concatenate([docs[found.unit], bare[symbols.unit]]),
                            *(np.concatenate([getattr(found, k), getattr(symbols, k)])
                              for k in ("example", "kind", "score")))
    owner = np.repeat(np.flatnonzero(split), counts[split])
    sentence, example = index.exact_points(sentence_cps, sentence_lengths)
    bare = np.flatnonzero(sentence_lengths == 0)
    bare_sentence, bare_example = index.exact([_spaceless(flat[i].as_py()) for i in bare.tolist()], folded=True)
    return _with_exact_sentences(whole, owner[np.concatenate([sentence, bare[bare_sentence]])],
                                 np.concatenate([example, bare_example]))


def _with_exact_sentences(matches: Matches, unit: np.ndarray, example: np.ndarray) -> Matches:
    """``matches`` with each (document, example) of a sentence that is exactly the example made exact."""
    exact = set(zip(unit.tolist(), example.tolist(), strict=True))
    pairs = list(zip(matches.unit.tolist(), matches.example.tolist(), strict=True))
    kind = np.array([EXACT if p in exact else k for p, k in zip(pairs, matches.kind.tolist(), strict=True)],
                    dtype=np.int8)
    score = np.where(kind == EXACT, 1.0, matches.score)
    extra = sorted(exact.difference(pairs))  # a sentence the whole-document match missed
    if not extra:
        return Matches(matches.unit, matches.example, kind, score)
    u, e = (np.array(x, dtype=np.int64) for x in zip(*extra, strict=True))
    return _sorted_matches(np.concatenate([matches.unit, u]), np.concatenate([matches.example, e]),
                           np.concatenate([kind, np.full(len(u), EXACT, np.int8)]),
                           np.concatenate([score, np.ones(len(u))]))


def _sorted_matches(unit: np.ndarray, example: np.ndarray, kind: np.ndarray, score: np.ndarray) -> Matches:
    order = np.lexsort((example, unit))
    return Matches(unit[order], example[order], kind[order], score[order])


def arrow_code_points(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The code points of an Arrow string array's items, concatenated, and each item's length.

    >>> cps, lengths = arrow_code_points(pa.array(["좋다", "", "a b"]).slice(1))
    >>> cps.tobytes().decode("utf-32-le"), lengths.tolist()
    ('a b', [0, 3])
    """
    lengths = pc.utf8_length(strings).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    if not len(strings) or not lengths.any():
        return np.zeros(0, dtype=np.uint32), lengths
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    _, offsets, data = strings.buffers()
    bounds = np.frombuffer(offsets, dtype=width, count=len(strings) + 1, offset=strings.offset * width().itemsize)
    return code_points(str(memoryview(data)[bounds[0]:bounds[-1]], "utf-8")), lengths


def _list_lengths(lists: pa.Array) -> np.ndarray:
    return pc.list_value_length(lists).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)


def _group_sums(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sums of consecutive groups of ``values``, ``counts[i]`` (at least 1) in group i."""
    if not len(counts):
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(values, np.cumsum(counts) - counts).astype(np.int64)


def _record(index: EvalIndex, matches, rows: dict, findings: list[SetFindings]) -> None:
    docs = np.unique(matches.unit).tolist()
    forms = dict(zip(docs, unit_forms([rows["text"][u] for u in docs], [rows["sentences"][u] for u in docs]),
                     strict=True))
    seen_docs: set[tuple[int, int]] = set()
    carried: dict[tuple[int, int], set[int]] = {}
    for unit, ex, kind, score in zip(matches.unit.tolist(), matches.example.tolist(),
                                     matches.kind.tolist(), matches.score.tolist(), strict=True):
        found = findings[int(index.set_of[ex])]
        found.found[ex] = min(found.found.get(ex, CONTAINMENT), kind)
        sentences = rows["sentences"][unit] or [rows["text"][unit]]
        carry = carrying_sentences(index.texts[ex], sentences, index.options.ngram, forms[unit])
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


__all__ = ["EXACT", "CONTAINMENT", "carrying_sentences", "check_corpus", "match_batch", "unit_forms"]
