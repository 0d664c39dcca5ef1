"""The evaluation examples as sorted 64-bit hash arrays, matched against text in batches.

Two kinds of match, both on the exact-dedup canonical form
(:func:`korpus.dedup.keys.canonical`: whitespace and punctuation out, case
folded):

- ``exact``: a corpus text's canonical form equals an example's;
- ``containment``: the example's character ``n``-grams (the near-dup shingles,
  :func:`korpus.dedup.shingles.batch_hashes64`) that occur in the corpus text
  cover at least ``threshold`` of the example's characters. Spacing changes,
  a typo (it breaks n grams but uncovers about one character), or an example
  inside a longer text still match.

Examples shorter than ``min_chars`` canonical characters are no evidence: they
are counted per set and never matched. An n-gram shared by more than
``max_postings`` examples is no evidence either and is left out of the index;
the score is then the share of the characters the remaining grams can
cover. An example whose remaining grams cover less than half of it, or with
fewer than ``min_grams`` distinct ones (``좋아좋아좋아좋아``), matches only exactly. Lookups are ``np.searchsorted`` over the sorted arrays, so the index
is a few arrays of tens of MB at most and the result does not depend on how
the corpus is cut into batches.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from korpus.core.io import atomic_path
from korpus.dedup.evalsets import EvalSet
from korpus.dedup.keys import canonical, canonical_forms
from korpus.dedup.shingles import (
    batch_hashes64,
    code_points,
    fmix64,
    point_hashes64,
    shingle_points,
)

EXACT, CONTAINMENT = 0, 1
PREFIX_BITS = 24
KINDS = ("exact", "containment")


@dataclass(frozen=True)
class MatchOptions:
    """How examples match; the defaults were chosen by ``bench/decontam.py`` (docs/decontamination.md)."""

    ngram: int = 4
    threshold: float = 0.8
    min_chars: int = 10
    max_postings: int = 10
    min_grams: int = 4


@dataclass
class Matches:
    """One row per (text, example) that match: the text's index in the batch, the example, kind, score."""

    unit: np.ndarray
    example: np.ndarray
    kind: np.ndarray
    score: np.ndarray


# Odd constants that spread a code point, its place and a form's length over 64 bits before mixing.
_MIX_POINT, _MIX_PLACE, _MIX_LENGTH = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F),
                                      np.uint64(0x165667B19E3779F9))


def form_keys(cps: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One 64-bit key per form given as code points (all concatenated, and each one's length).

    Each code point is mixed with its place in the form and the mixes are summed
    per form: a few numpy passes for a whole batch, no hash call per form.

    >>> k = form_keys(code_points("좋은영화좋은영화영화좋은"), np.array([4, 4, 4]))
    >>> bool(k[0] == k[1]), bool(k[0] == k[2])
    (True, False)
    """
    starts = np.cumsum(lengths) - lengths
    place = np.arange(len(cps), dtype=np.uint64) - np.repeat(starts, lengths).astype(np.uint64)
    terms = fmix64(cps.astype(np.uint64) * _MIX_POINT + place * _MIX_PLACE)
    sums = np.zeros(len(lengths), dtype=np.uint64)
    filled = lengths > 0
    if filled.any():
        sums[filled] = np.add.reduceat(terms, starts[filled])  # an empty form owns no terms: the next one starts there
    return fmix64(sums ^ lengths.astype(np.uint64) * _MIX_LENGTH)


def _keys(forms: list[str]) -> np.ndarray:
    """:func:`form_keys` of forms given as strings."""
    return form_keys(code_points("".join(forms)), np.fromiter(map(len, forms), dtype=np.int64, count=len(forms)))


def _csr(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted unique keys, pointers into ``values`` sorted by key: key i owns values[ptr[i]:ptr[i+1]]."""
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    uniq, starts = np.unique(keys, return_index=True)
    ptr = np.append(starts, len(keys)).astype(np.int64)
    return uniq, ptr, values


def _postings(keys, examples, positions):
    """Sorted unique gram keys and, per key, its (example, position) postings: key i owns [ptr[i], ptr[i+1])."""
    uniq, starts = np.unique(keys, return_index=True)
    return uniq, np.append(starts, len(keys)).astype(np.int64), examples, positions


def _covered(group: np.ndarray, pos: np.ndarray, n: int, groups: int, lengths: np.ndarray) -> np.ndarray:
    """Characters covered by n-grams at ``pos``, per group; rows sorted by (group, pos).

    A typo breaks the n grams over it but leaves the characters around it
    covered by their other grams, so one typo costs about one character.
    """
    step = np.full(len(pos), n, dtype=np.int64)
    same = np.zeros(len(pos), dtype=bool)
    same[1:] = group[1:] == group[:-1]
    step[1:][same[1:]] = np.minimum(np.diff(pos)[same[1:]], n)
    covered = np.bincount(group, weights=step, minlength=groups).astype(np.int64)
    return np.minimum(covered, lengths)


def first_kinds(exact: tuple[np.ndarray, np.ndarray], contained: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Matches:
    """Exact and containment matches together, one row per (text, example): exact where both."""
    unit = np.concatenate([exact[0], contained[0]])
    example = np.concatenate([exact[1], contained[1]])
    kind = np.concatenate([np.full(len(exact[0]), EXACT, np.int8), np.full(len(contained[0]), CONTAINMENT, np.int8)])
    score = np.concatenate([np.ones(len(exact[0])), contained[2]])
    order = np.lexsort((kind, example, unit))
    unit, example, kind, score = unit[order], example[order], kind[order], score[order]
    first = np.ones(len(unit), dtype=bool)
    first[1:] = (unit[1:] != unit[:-1]) | (example[1:] != example[:-1])
    return Matches(unit[first], example[first], kind[first], score[first])


def _sorted_triples(a: np.ndarray, b: np.ndarray, c: np.ndarray, a_size: int, b_size: int,
                    c_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(a, b, c)`` sorted by a, then b, then c (each ``0 <= x < x_size``).

    One numpy sort of a packed 63-bit key where the sizes allow it: about 20
    times faster than ``np.lexsort`` of the three.

    >>> _sorted_triples(np.array([1, 0, 1]), np.array([2, 5, 2]), np.array([3, 1, 0]), 2, 6, 4)
    (array([0, 1, 1]), array([5, 2, 2]), array([1, 0, 3]))
    """
    if a_size * b_size * c_size >= 1 << 63:  # too large to pack (not with real evaluation sets)
        order = np.lexsort((c, b, a))
        return a[order], b[order], c[order]
    key = np.sort((a.astype(np.int64) * b_size + b) * c_size + c)
    ab, c = np.divmod(key, c_size)
    a, b = np.divmod(ab, b_size)
    return a, b, c


def expand_ranges(ptr: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i in ``idx`` the positions ptr[i]..ptr[i+1]-1, and which entry of ``idx`` each came from."""
    counts = ptr[idx + 1] - ptr[idx]
    owner = np.repeat(np.arange(len(idx)), counts)
    first = np.repeat(ptr[idx] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return first + np.arange(int(counts.sum())), owner


class EvalIndex:
    """All examples of several evaluation sets, ready for batch lookups."""

    loaded_from: Path | None = None  # the ``.npz`` file it was loaded from (or saved to), if any

    def __init__(self, sets: list[EvalSet], options: MatchOptions = MatchOptions()):
        self.options = options
        self.sets = sets
        texts, set_of, lines, forms = [], [], [], []
        self.too_short = {s.name: 0 for s in sets}
        self.examples = {s.name: len(s.examples) for s in sets}
        for i, s in enumerate(sets):
            for (line, text), form in zip(s.examples, canonical_forms([t for _, t in s.examples]), strict=True):
                if len(form) < options.min_chars:
                    self.too_short[s.name] += 1
                    continue
                texts.append(text)
                set_of.append(i)
                lines.append(line)
                forms.append(form)
        self.texts = texts
        self.set_of = np.array(set_of, dtype=np.int32)
        self.lines = np.array(lines, dtype=np.int64)
        ids = np.arange(len(forms), dtype=np.int64)
        keys = _keys(forms)
        self.exact_keys, self.exact_ptr, self.exact_ex = _csr(keys, ids)
        self._build_grams(forms)

    def _build_grams(self, forms: list[str]) -> None:
        n = self.options.ngram
        h, offsets = batch_hashes64(forms, n)
        counts = np.diff(offsets)
        ex = np.repeat(np.arange(len(forms), dtype=np.int64), counts)
        pos = np.arange(len(h), dtype=np.int64) - np.repeat(offsets[:-1], counts)
        order = np.argsort(h, kind="stable")  # by gram, then example and position (already in that order)
        h, ex, pos, by_example = h[order], ex[order], pos[order], (ex, pos)
        # A gram in more than max_postings examples is no evidence: left out.
        new_key = np.ones(len(h), dtype=bool)
        new_key[1:] = h[1:] != h[:-1]
        new_pair = new_key.copy()
        new_pair[1:] |= ex[1:] != ex[:-1]
        key_of = np.cumsum(new_key) - 1
        examples_per_key = np.bincount(key_of, weights=new_pair, minlength=int(new_key.sum()))
        # A gram repeated inside an example counts at its first place only, so that
        # one 유부남이 does not cover 유부남이 유부남이 유부남이.
        kept = (examples_per_key[key_of] <= self.options.max_postings) & new_pair
        distinct = np.bincount(ex[kept], minlength=len(forms))
        self.lengths = np.fromiter(map(len, forms), dtype=np.int64, count=len(forms))
        self.gram_keys, self.gram_ptr, self.gram_ex, self.gram_pos = _postings(h[kept], ex[kept], pos[kept])
        # The characters the kept grams cover: the most a copy can match.
        kept_by_example = np.empty_like(kept)
        kept_by_example[order] = kept
        ex, pos = (a[kept_by_example] for a in by_example)
        self.coverable = _covered(ex, pos, n, len(forms), self.lengths)
        self.containable = (self.coverable * 2 >= self.lengths) & (distinct >= self.options.min_grams)
        self._prefilter()

    ARRAYS = ("set_of", "lines", "exact_keys", "exact_ptr", "exact_ex", "gram_keys", "gram_ptr", "gram_ex",
              "gram_pos", "lengths", "coverable", "containable")

    def save(self, path: Path) -> None:
        """Write the index to one ``.npz`` file (atomic), for worker processes to :meth:`load`."""
        encoded = [t.encode("utf-8", "surrogatepass") for t in self.texts]
        meta = {"options": asdict(self.options), "sets": [[s.name, s.path] for s in self.sets],
                "examples": self.examples, "too_short": self.too_short}
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, text_bytes=np.frombuffer(b"".join(encoded), dtype=np.uint8),
                     text_ends=np.cumsum([len(b) for b in encoded], dtype=np.int64),
                     meta=np.array(json.dumps(meta)), **{k: getattr(self, k) for k in self.ARRAYS})

    @classmethod
    def load(cls, path: Path) -> EvalIndex:
        with np.load(path) as data:
            self = cls.__new__(cls)
            for k in self.ARRAYS:
                setattr(self, k, data[k])
            meta = json.loads(str(data["meta"]))
            raw, ends = data["text_bytes"].tobytes(), data["text_ends"]
        starts = np.concatenate(([0], ends[:-1]))
        self.texts = [raw[a:b].decode("utf-8", "surrogatepass") for a, b in zip(starts, ends, strict=True)]
        self.options = MatchOptions(**meta["options"])
        self.sets = [EvalSet(name, p, []) for name, p in meta["sets"]]
        self.examples, self.too_short = meta["examples"], meta["too_short"]
        self._prefilter()
        self.loaded_from = path
        return self

    def _prefilter(self) -> None:
        """A bit per top-24-bit prefix that occurs among the gram keys: most corpus grams stop here.

        With NSMC's 720k grams about 4% of the prefixes are set. As bits the table is
        2 MB and stays in the cache, which made it faster than a byte per prefix or
        than more bits (fewer false passes, but a table out of the cache).
        """
        prefix = self.gram_keys >> np.uint64(64 - PREFIX_BITS)
        self.gram_prefix = np.zeros(1 << (PREFIX_BITS - 3), dtype=np.uint8)
        np.bitwise_or.at(self.gram_prefix, prefix >> np.uint64(3), np.left_shift(1, prefix & np.uint64(7)).astype(np.uint8))

    def may_hold(self, keys: np.ndarray) -> np.ndarray:
        """False where a gram key is surely not in the index (its prefix bit is clear)."""
        prefix = keys >> np.uint64(64 - PREFIX_BITS)
        return (self.gram_prefix[prefix >> np.uint64(3)] >> (prefix & np.uint64(7)).astype(np.uint8)) & 1 == 1

    @property
    def size_bytes(self) -> int:
        arrays = (self.exact_keys, self.exact_ptr, self.exact_ex, self.gram_keys, self.gram_ptr, self.gram_ex, self.gram_pos)
        return sum(a.nbytes for a in arrays)

    def match(self, texts: list[str], forms: list[str] | None = None) -> Matches:
        """Every (text, example) pair that matches, exact before containment, sorted by text then example.

        ``forms``: the texts' canonical forms, when the caller has them already.
        """
        forms = [canonical(t) for t in texts] if forms is None else forms
        return first_kinds(self.exact(forms, folded=True), self._contained(*shingle_points(forms)))

    def match_points(self, cps: np.ndarray, lengths: np.ndarray) -> Matches:
        """:meth:`match` of texts given as the code points of canonical forms with letters or digits
        (:func:`korpus.dedup.keys.word_points`: no whitespace, folded, so their own shingle forms)."""
        return first_kinds(self.exact_points(cps, lengths), self._contained(cps, lengths))

    def exact(self, texts: list[str], folded: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(text index, example) of the texts whose canonical form is an example's."""
        forms = texts if folded else [canonical(t) for t in texts]
        return self._exact_keys(np.arange(len(forms)), _keys(forms))

    def exact_points(self, cps: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`exact` of canonical forms given as code points; only forms as long as some example's are hashed."""
        shortest, longest = (self.lengths.min(), self.lengths.max()) if len(self.lengths) else (1, 0)
        fits = (lengths >= shortest) & (lengths <= longest)
        fit = np.flatnonzero(fits)
        return self._exact_keys(fit, form_keys(cps[np.repeat(fits, lengths)], lengths[fit]))

    def _exact_keys(self, texts: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(text, example) for each of ``texts`` whose form's key is an example's."""
        idx = self._find(self.exact_keys, keys)
        units = np.flatnonzero(idx >= 0)
        pos, owner = expand_ranges(self.exact_ptr, idx[units])
        return texts[units[owner]], self.exact_ex[pos]

    def _contained(self, cps: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(text, example, score) by containment, of texts given as the code points of their shingle forms."""
        h, offsets = point_hashes64(cps, lengths, self.options.ngram)
        maybe = np.flatnonzero(self.may_hold(h))
        text = np.searchsorted(offsets, maybe, side="right") - 1  # while the positions are in order: fast
        order = np.argsort(h[maybe])  # looked up in key order: several times faster than at random
        found = self._find(self.gram_keys, h[maybe[order]])
        hit = found >= 0
        # Each gram found to every (example, position) where it occurs. A gram a text holds twice
        # gives the same (text, example, position) twice: the copy covers nothing more.
        at, owner = expand_ranges(self.gram_ptr, found[hit])
        text = text[order][hit][owner]
        u, e, p = _sorted_triples(text, self.gram_ex[at], self.gram_pos[at], len(lengths), len(self.lengths),
                                  int(self.lengths.max(initial=0)))
        group = np.ones(len(u), dtype=bool)
        group[1:] = (u[1:] != u[:-1]) | (e[1:] != e[:-1])
        starts = np.flatnonzero(group)
        gid = np.cumsum(group) - 1
        covered = _covered(gid, p, self.options.ngram, len(starts), self.lengths[e[starts]])
        u, e = u[starts], e[starts]
        score = covered / np.maximum(self.coverable[e], 1)
        keep = (score >= self.options.threshold) & self.containable[e]
        return u[keep], e[keep], score[keep]

    @staticmethod
    def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Position of each key in ``sorted_keys``, or -1."""
        if len(sorted_keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        idx = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
        return np.where(sorted_keys[idx] == keys, idx, -1)
