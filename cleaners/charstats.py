"""Character counts for the quality filter, vectorised with numpy.

The filter asks two questions of every document: what share of its letters
is Hangul, and what share of its non-space characters is its most frequent
character. Counting with regex runs and ``Counter`` costs about 200 ns per
character; reading the text once as UTF-32 code points and looking them up in
a table costs about a tenth of that (measured in bench/clean.py). Under
``SHORT_TEXT`` characters (comments) numpy's fixed cost per call dominates, and
two regular-expression passes and a ``Counter`` are faster.

The build asks for whole batches at once (:func:`char_counts`): one UTF-32
array for the batch, table lookups summed per document, and the most frequent
character of every document from one sort of (document, character) keys.
This is several times cheaper than the per-text functions on comments.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass

import numpy as np

# A letter is what ``[^\W\d_]`` matches: alphanumeric but not a decimal digit.
_BMP = 0x10000
_LETTER = np.array([chr(c).isalnum() and not chr(c).isdecimal() for c in range(_BMP)], dtype=bool)
_HANGUL = np.zeros(_BMP, dtype=bool)
for lo, hi in ((0xAC00, 0xD7A3), (0x3131, 0x314E), (0x314F, 0x3163)):  # 가-힣, ㄱ-ㅎ, ㅏ-ㅣ
    _HANGUL[lo:hi + 1] = True
_LITTLE = sys.byteorder == "little"
SHORT_TEXT = 512
_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_HANGUL = re.compile(r"[^가-힣ㄱ-ㅎㅏ-ㅣ]+")


def code_points(text: str, errors: str = "strict") -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le" if _LITTLE else "utf-32-be", errors), dtype=np.uint32)


def hangul_ratio(text: str) -> float:
    """Hangul's share of the letters (digits, marks and spaces do not count).

    >>> round(hangul_ratio("한국어 text 123"), 3), hangul_ratio("123 !!"), round(hangul_ratio("①항 가"), 3)
    (0.429, 1.0, 0.667)
    """
    return _hangul_ratio_regex(text) if len(text) < SHORT_TEXT else _hangul_ratio_table(text)


def top_char_share(text: str, min_chars: int = 20) -> float:
    """The most frequent non-space character's share, or 0 under ``min_chars`` such characters.

    >>> top_char_share("ㅋ" * 19 + "a"), top_char_share("짧은 글")
    (0.95, 0.0)
    """
    if len(text) < SHORT_TEXT:
        return _top_share_counter(text, min_chars)
    return _top_share_table(text, min_chars)


def _hangul_ratio_regex(text: str) -> float:
    letters = _NOT_LETTER.sub("", text)
    return len(_NOT_HANGUL.sub("", letters)) / len(letters) if letters else 1.0


def _hangul_ratio_table(text: str) -> float:
    cps = code_points(text)
    bmp = cps[cps < _BMP]
    letters = int(_LETTER[bmp].sum())
    if len(bmp) < len(cps):  # astral letters (rare Hanja) counted the slow way
        letters += sum(1 for c in text if ord(c) >= _BMP and c.isalnum() and not c.isdecimal())
    if not letters:
        return 1.0
    return int(_HANGUL[bmp].sum()) / letters


def _top_share_counter(text: str, min_chars: int) -> float:
    counts = Counter(text)
    n = len(text) - counts.pop(" ", 0) - counts.pop("\n", 0) - counts.pop("\t", 0)
    return max(counts.values()) / n if n >= min_chars else 0.0


def _top_share_table(text: str, min_chars: int) -> float:
    cps = code_points(text)
    cps = cps[(cps != 0x20) & (cps != 0x0A) & (cps != 0x09)]
    if len(cps) < min_chars:
        return 0.0
    bmp = cps[cps < _BMP]
    top = int(np.bincount(bmp).max()) if len(bmp) else 0
    if len(bmp) < len(cps):  # astral characters (emoji): counted the slow way
        top = max(top, max(Counter(int(c) for c in cps[cps >= _BMP]).values()))
    return top / len(cps)


@dataclass
class CharCounts:
    """Per-document counts of a batch, one array entry per text."""

    letters: np.ndarray  # letters, as :func:`hangul_ratio` counts them
    hangul: np.ndarray  # Hangul syllables and jamo among them
    solid: np.ndarray  # characters other than space, newline and tab
    top: np.ndarray  # occurrences of the most frequent of those (0 without any)

    def hangul_ratio(self) -> np.ndarray:
        """:func:`hangul_ratio` of every text (1.0 without letters)."""
        return np.divide(self.hangul, self.letters, out=np.ones(len(self.letters)), where=self.letters > 0)

    def top_char_share(self, min_chars: int = 20) -> np.ndarray:
        """:func:`top_char_share` of every text."""
        enough = self.solid >= max(min_chars, 1)
        return np.divide(self.top, self.solid, out=np.zeros(len(self.solid)), where=enough)


def char_counts(texts: list[str]) -> CharCounts:
    """The counts behind :func:`hangul_ratio` and :func:`top_char_share`, for a whole batch.

    >>> c = char_counts(["한국어 text 123", "ㅋㅋㅋ a", ""])
    >>> c.letters.tolist(), c.hangul.tolist(), c.solid.tolist(), c.top.tolist()
    ([7, 4, 0], [3, 3, 0], [10, 4, 0], [2, 3, 0])
    """
    n = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    cps = code_points("".join(texts), errors="surrogatepass")
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if n else np.zeros(0, np.int64)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    bmp = np.where(cps < _BMP, cps, 0)
    letter = _LETTER[bmp]
    astral = cps >= _BMP
    if astral.any():  # letters outside the BMP (rare Hanja): looked up once per distinct one
        values = np.unique(cps[astral])
        is_letter = np.array([chr(c).isalnum() and not chr(c).isdecimal() for c in values.tolist()], dtype=bool)
        letter[astral] = is_letter[np.searchsorted(values, cps[astral])]
    solid = (cps != 0x20) & (cps != 0x0A) & (cps != 0x09)
    return CharCounts(letters=_per_doc(letter, starts, lengths), hangul=_per_doc(_HANGUL[bmp] & ~astral, starts, lengths),
                      solid=_per_doc(solid, starts, lengths), top=_top_counts(cps[solid], doc[solid], n))


def _per_doc(flags: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sum of ``flags`` over each document (0 for an empty one)."""
    running = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    return running[starts + lengths] - running[starts]


def _top_counts(cps: np.ndarray, doc: np.ndarray, n: int) -> np.ndarray:
    """The count of each document's most frequent code point, from one sort of (doc, code point) keys."""
    top = np.zeros(n, dtype=np.int64)
    if not len(cps):
        return top
    if n < 1 << 16 and int(cps.max()) < _BMP:  # both fit 16 bits: a uint32 key sorts faster
        keys = np.sort((doc.astype(np.uint32) << np.uint32(16)) | cps)
        shift = np.uint32(16)
    else:
        keys = np.sort((doc.astype(np.uint64) << np.uint64(21)) | cps.astype(np.uint64))
        shift = np.uint64(21)
    runs_at = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    runs = np.diff(np.append(runs_at, len(keys)))
    run_doc = (keys[runs_at] >> shift).astype(np.int64)
    firsts = np.flatnonzero(np.concatenate(([True], run_doc[1:] != run_doc[:-1])))
    top[run_doc[firsts]] = np.maximum.reduceat(runs, firsts)
    return top
