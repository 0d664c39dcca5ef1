"""What counts as "the same text" for exact dedup: a hash of a canonical form."""

from __future__ import annotations

import functools
import itertools
import re

import numpy as np
import xxhash

from korpus.dedup.shingles import code_points

_NOT_WORD = re.compile(r"[\W_]+")
_CODE_POINTS = 0x110000
_FOLD_CHUNK = 4096
_SEVERAL = np.uint32(0xFFFFFFFF)  # not a code point


def canonical(text: str) -> str:
    """Whitespace and punctuation out, case folded: spacing variants compare equal.

    A text of punctuation or emoji only keeps its symbols (minus whitespace),
    so that "👍" and "😂" stay different documents.

    >>> canonical("안녕 하세요!") == canonical("안녕하세요")
    True
    >>> canonical("👍 👍"), canonical("😂")
    ('👍👍', '😂')
    """
    return word_form(text) or "".join(text.split())


def word_form(text: str) -> str:
    """The letters and digits of ``text``, case folded: :func:`canonical` without its symbol fallback.

    >>> word_form("안녕 하세요!"), word_form("👍")
    ('안녕하세요', '')
    """
    return _NOT_WORD.sub("", text).casefold()


def canonical_forms(texts: list[str]) -> list[str]:
    """``[canonical(t) for t in texts]``, the letters of the whole batch found at once (:func:`word_forms`).

    >>> canonical_forms(["안녕 하세요!", "👍 👍", ""])
    ['안녕하세요', '👍👍', '']
    """
    return [w or "".join(t.split()) for w, t in zip(word_forms(texts), texts, strict=True)]


def word_forms(texts: list[str]) -> list[str]:
    """``[word_form(t) for t in texts]``, in a few numpy passes over the whole batch instead of a regex per text.

    >>> word_forms(["안녕 하세요!", "👍", "", "Straße_1 ǅ"])
    ['안녕하세요', '', '', 'strasse1ǆ']
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    folded, lengths = _casefolded(*_letters(code_points("".join(texts)), lengths))
    return _cut(folded, np.cumsum(lengths).tolist())


def word_points(cps: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`word_form` of texts given as code points (all concatenated, and each one's length), as code points.

    >>> cps, lengths = word_points(code_points("좋다!!Ab ẞ"), np.array([4, 5]))
    >>> cps.tobytes().decode("utf-32-le"), lengths.tolist()
    ('좋다abss', [2, 4])
    """
    letters, lengths = _letters(cps, lengths)
    folded = _fold_table()[letters]
    if (folded == _SEVERAL).any():  # a letter folds to several (ß -> ss): fold the string
        text, lengths = _casefolded(letters, lengths)
        return code_points(text), lengths
    return folded, lengths


def _letters(cps: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The letters and digits of texts given as code points, and how many each text has."""
    kept = np.flatnonzero(_word_table()[cps])
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    return cps[kept], np.diff(np.searchsorted(kept, bounds))  # kept positions before each text's start and end


def _casefolded(letters: np.ndarray, lengths: np.ndarray) -> tuple[str, np.ndarray]:
    text = letters.tobytes().decode("utf-32-le")
    folded = text.casefold()
    if len(folded) != len(text):  # a letter folded to several (ß -> ss): the texts' lengths grew
        lengths = _folded_lengths(letters, lengths)
    return folded, lengths


def _folded_lengths(cps: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each text's length after casefolding (casefold works letter by letter)."""
    distinct, which = np.unique(cps, return_inverse=True)
    size = np.array([len(chr(c).casefold()) for c in distinct.tolist()], dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(size[which])))
    return np.diff(before[np.concatenate(([0], np.cumsum(lengths)))])


@functools.cache
def _word_table() -> np.ndarray:
    """True at each code point that ``_NOT_WORD`` keeps: asked of the regex itself, once per process."""
    every = np.arange(_CODE_POINTS, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(_CODE_POINTS, dtype=bool)
    table[code_points(_NOT_WORD.sub("", every))] = True
    return table


@functools.cache
def _fold_table() -> np.ndarray:
    """Each code point's casefold where that is one code point (most are themselves), ``_SEVERAL`` where
    it is more (ß -> ss). Chunks that casefold leaves alone are skipped whole."""
    table = np.arange(_CODE_POINTS, dtype=np.uint32)
    every = table.tobytes().decode("utf-32-le", "surrogatepass")
    for start in range(0, _CODE_POINTS, _FOLD_CHUNK):
        chunk = every[start:start + _FOLD_CHUNK]
        if chunk.casefold() != chunk:
            for at, (letter, folded) in enumerate(zip(chunk, map(str.casefold, chunk), strict=True)):
                if folded != letter:
                    table[start + at] = ord(folded) if len(folded) == 1 else _SEVERAL
    return table


def _cut(joined: str, ends: list[int]) -> list[str]:
    """``joined`` cut at ``ends`` (the cumulative lengths of the parts)."""
    return [joined[a:b] for a, b in itertools.pairwise([0, *ends])]


def text_key(text: str) -> int:
    """64-bit hash of the canonical form (xxh3: fast, well-distributed)."""
    return xxhash.xxh3_64_intdigest(canonical(text).encode("utf-8", "surrogatepass"))


def content_hash(text: str) -> int:
    """64-bit hash of the exact text: the last tie-break of the keep rule."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))
