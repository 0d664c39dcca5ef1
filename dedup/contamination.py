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

from korpus.dedup.evalindex import CONTAINMENT, EXACT, KINDS, EvalIndex, Matches, expand_ranges
from korpus.dedup.keys import canonical, canonical_forms, word_points
from korpus.dedup.shingles import batch_hashes64, char_ngrams, code_points

BATCH_ROWS = 10_000
CHUNK_BYTES = 1 << 19
SAMPLES = 20
SAMPLE_CHARS = 300
# A sentence carries a match when it holds at least this share of the example's n-grams (or is it exactly).
CARRY_SHARE = 0.2


def carrying_sentences(example: str, sentences: list[str], n: int, forms: list[str] | None = None) -> list[int]:
    """Indexes of the sentences that hold a real piece of ``example``: the rule, one pair at a time
    (:func:`carrying_units` is the batch version the build and the check run).

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


def carrying_units(example_forms: list[str], unit_forms_flat: list[str], doc_units: np.ndarray,
                   pair_doc: np.ndarray, pair_example: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`carrying_sentences` of many (document, example) pairs at once, on shingle hashes.

    ``unit_forms_flat``: the canonical forms of the documents' units, document
    after document, ``doc_units[i]`` of them in document i; pair p asks which
    units of document ``pair_doc[p]`` carry example ``pair_example[p]`` (whose
    form is in ``example_forms``). Returns ``(offsets, units)``: pair p's units,
    by their index in the document, are ``units[offsets[p]:offsets[p + 1]]``.

    >>> carrying_units(["정말재미있는영화였어요강추"], ["날씨좋다", "정말재미있는영화였어요", "강추"],
    ...                np.array([3]), np.array([0]), np.array([0]), 5)
    (array([0, 1]), array([1]))
    """
    first_unit = np.concatenate(([0], np.cumsum(doc_units)))
    # The (pair, unit) rows: every unit of each pair's document.
    row_unit, row_pair = expand_ranges(first_unit, pair_doc)
    unit_h, unit_first = batch_hashes64(unit_forms_flat, n)
    example_h, example_first = _distinct_per_group(*batch_hashes64(example_forms, n))
    grams = np.diff(example_first)
    # Each row's unit grams, looked up among its example's grams (as one 64-bit key per example and gram).
    at, row = expand_ranges(unit_first, row_unit)
    example_keys = np.sort(example_h ^ _salted(np.repeat(np.arange(len(example_forms)), grams)))
    keys = unit_h[at] ^ _salted(pair_example[row_pair[row]])
    found = np.minimum(np.searchsorted(example_keys, keys), max(len(example_keys) - 1, 0))
    hit = example_keys[found] == keys if len(example_keys) else np.zeros(len(keys), dtype=bool)
    # A gram counts once per row however often the unit holds it.
    hit_row, hit_key = _sorted_pairs(row[hit], keys[hit])
    first = np.ones(len(hit_row), dtype=bool)
    first[1:] = (hit_row[1:] != hit_row[:-1]) | (hit_key[1:] != hit_key[:-1])
    shared = np.bincount(hit_row[first], minlength=len(row_unit))
    example = pair_example[row_pair]
    need = np.maximum(2, CARRY_SHARE * grams[example])
    forms = np.array(unit_forms_flat, dtype=object)[row_unit]
    same = forms == np.array(example_forms, dtype=object)[example]
    nonempty = np.diff(unit_first)[row_unit] > 0  # an empty form has no grams
    carry = nonempty & (same | (shared >= need))
    offsets = np.zeros(len(pair_doc) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_pair[carry], minlength=len(pair_doc)), out=offsets[1:])
    return offsets, (row_unit - first_unit[pair_doc][row_pair])[carry]


def _salted(example: np.ndarray) -> np.ndarray:
    """The example number spread over 64 bits, to be mixed into its grams' hashes."""
    return (example.astype(np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)


def _sorted_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((b, a))
    return a[order], b[order]


def _distinct_per_group(values: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of each group ``values[offsets[i]:offsets[i + 1]]``, sorted, and the new offsets.

    >>> _distinct_per_group(np.array([5, 3, 5, 7, 7]), np.array([0, 3, 5]))
    (array([3, 5, 7]), array([0, 2, 3]))
    """
    group = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    order = np.lexsort((values, group))
    values, group = values[order], group[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = (values[1:] != values[:-1]) | (group[1:] != group[:-1])
    new = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(np.bincount(group[first], minlength=len(offsets) - 1), out=new[1:])
    return values[first], new


def carried(index: EvalIndex, found: dict[str, list], m: Matches) -> tuple[pa.Array, list[str]]:
    """Per match: the sentences of its document that carry it, and the matched text (a sample).

    ``found``: the matched documents' columns, in the order of ``np.unique(m.unit)``; only these go to Python.
    A document of one unit (unsplit, or one sentence) matched in that unit, so the unit carries
    the match without a search: most matches of a comments corpus are such documents.
    """
    _, pair_doc = np.unique(m.unit, return_inverse=True)
    units = [doc or [text] for text, doc in zip(found["text"], found["sentences"], strict=True)]
    n_units = np.fromiter(map(len, units), np.int64, len(units))
    searched = n_units[pair_doc] > 1
    counts = np.ones(len(pair_doc), dtype=np.int64)  # a unit of its own: unit 0 carries
    search_carry = np.zeros(0, dtype=np.int64)
    if searched.any():
        search_offsets, search_carry = _search_carrying(index, units, n_units, pair_doc[searched], m.example[searched])
        counts[searched] = np.diff(search_offsets)
    carry = np.zeros(int(counts.sum()), dtype=np.int64)
    carry[np.repeat(searched, counts)] = search_carry
    offsets = np.zeros(len(pair_doc) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    bounds, kept = offsets.tolist(), carry.tolist()
    matched = []
    for p, i in enumerate(pair_doc.tolist()):
        c = kept[bounds[p]:bounds[p + 1]]
        matched.append((" ".join(units[i][k] for k in c) if c else found["text"][i])[:SAMPLE_CHARS])
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(carry, pa.int32())), matched


def _search_carrying(index: EvalIndex, units: list[list[str]], n_units: np.ndarray, pair_doc: np.ndarray,
                     pair_example: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`carrying_units` of the given pairs, on the canonical forms of just their documents' units."""
    docs, pair_doc = np.unique(pair_doc, return_inverse=True)
    examples, pair_example = np.unique(pair_example, return_inverse=True)
    forms = canonical_forms([u for i in docs.tolist() for u in units[i]])
    return carrying_units(canonical_forms([index.texts[e] for e in examples.tolist()]), forms, n_units[docs],
                          pair_doc, pair_example, index.options.ngram)


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

    Matched in slices of about ``CHUNK_BYTES`` of text: the arrays made per
    character then stay small enough to be reused from the heap and the cache,
    where a whole batch's would be fresh pages each time (page faults cost up to
    a fifth of the step). Each document is matched alone, so the result is the same.
    """
    sizes = pc.binary_length(texts).fill_null(0).to_numpy(zero_copy_only=False)
    bounds = _chunk_bounds(sizes, CHUNK_BYTES)
    parts = [_match_slice(index, texts.slice(a, b - a), sentences.slice(a, b - a)) for a, b in bounds]
    if len(parts) == 1:
        return parts[0]
    return Matches(np.concatenate([m.unit + a for m, (a, _) in zip(parts, bounds, strict=True)]),
                   *(np.concatenate([getattr(m, k) for m in parts]) for k in ("example", "kind", "score")))


def _chunk_bounds(sizes: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """``[start, end)`` row ranges of about ``limit`` total size each (at least one row; none when empty).

    >>> _chunk_bounds(np.array([5, 5, 5, 20, 1]), 10)
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    bounds, start, total = [], 0, 0
    ends = np.cumsum(sizes)
    while start < len(sizes):
        end = max(start + 1, int(np.searchsorted(ends, total + limit, side="right")))
        bounds.append((start, end))
        total, start = int(ends[end - 1]), end
    return bounds or [(0, 0)]


def _match_slice(index: EvalIndex, texts: pa.Array, sentences: pa.Array) -> Matches:
    """:func:`match_batch` of one slice.

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


def _record(index: EvalIndex, matches: Matches, rows: dict, findings: list[SetFindings]) -> None:
    docs = np.unique(matches.unit).tolist()
    carry, matched = carried(index, {k: [rows[k][u] for u in docs] for k in ("text", "sentences")}, matches)
    seen_docs: set[tuple[int, int]] = set()
    carried_by: dict[tuple[int, int], set[int]] = {}
    for unit, ex, kind, score, c, text in zip(matches.unit.tolist(), matches.example.tolist(), matches.kind.tolist(),
                                              matches.score.tolist(), carry.to_pylist(), matched, strict=True):
        found = findings[int(index.set_of[ex])]
        found.found[ex] = min(found.found.get(ex, CONTAINMENT), kind)
        key = (int(index.set_of[ex]), unit)
        carried_by.setdefault(key, set()).update(c)
        if key not in seen_docs:
            seen_docs.add(key)
            found.documents += 1
            source = found.by_source.setdefault(rows["source"][unit], {"documents": 0, "sentences": 0})
            source["documents"] += 1
        if len(found.samples) < SAMPLES:
            found.samples.append({"example_line": int(index.lines[ex]), "example": index.texts[ex],
                                  "corpus_id": rows["id"][unit], "matched": text,
                                  "kind": KINDS[kind], "score": round(score, 3)})
    for (set_i, unit), c in carried_by.items():
        found = findings[set_i]
        found.sentences += len(c)
        found.by_source[rows["source"][unit]]["sentences"] += len(c)


__all__ = ["EXACT", "CONTAINMENT", "carried", "carrying_sentences", "check_corpus", "match_batch"]
