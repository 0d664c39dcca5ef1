"""Character counts for the quality filter, vectorised with numpy.

The filter asks two questions of every document: what share of its letters
is Hangul, and what share of its non-space characters is its most frequent
character. Counting with regex runs and ``Counter`` costs about 200 ns per
character; reading the text once as UTF-32 code points and looking them up in
a table costs about a tenth of that (measured in bench/clean.py). Under
``SHORT_TEXT`` characters (comments) numpy's fixed cost per call dominates, and
two regular-expression passes and a ``Counter`` are faster.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

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


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le" if _LITTLE else "utf-32-be"), dtype=np.uint32)


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
