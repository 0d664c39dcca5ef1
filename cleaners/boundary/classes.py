"""A small integer class for every character, looked up in one table.

The classes are what the features and the candidate scan see: a stop, a
question mark, jamo laughter, an emoji, an opening bracket... Hangul
syllables also carry their vowel and final consonant (:func:`jamo_parts`).
"""

from __future__ import annotations

import re

import numpy as np

PAD, SPACE, NEWLINE, HANGUL, JAMO_C, JAMO_V, UPPER, LOWER, DIGIT = range(9)
STOP, QUESTION, EXCLAIM, ELLIPSIS, TILDE = range(9, 14)
QUOTE, QUOTE_OPEN, QUOTE_CLOSE, OPEN, CLOSE, ANGLE_OPEN, ANGLE_CLOSE = range(14, 21)
EMOJI, CARET, COMMA, COLON, DASH, SYMBOL, HANJA, LETTER, OTHER, CITE = range(21, 31)

# Classes that can end a sentence or follow its last word (a run of them is one candidate).
ENDING = (STOP, QUESTION, EXCLAIM, ELLIPSIS, TILDE, JAMO_C, JAMO_V, EMOJI, CARET,
          QUOTE, QUOTE_CLOSE, CLOSE, ANGLE_CLOSE, CITE)
# Classes that may open what follows a stop glued to it (``다.'바카라'``, ``다.[속보]``).
OPENING = (QUOTE, QUOTE_OPEN, OPEN, ANGLE_OPEN)
# Classes that make up words.
WORDISH = (HANGUL, UPPER, LOWER, DIGIT, HANJA, LETTER)
# Marks that end a sentence on their own.
STOPS = (STOP, QUESTION, EXCLAIM, ELLIPSIS)

_CHARS = {
    SPACE: " \t\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u3000",
    NEWLINE: "\n\u2028\u2029\x0b\x1c\x1d\x1e\x85",
    STOP: ".。．",
    QUESTION: "?？‽",
    EXCLAIM: "!！",
    ELLIPSIS: "…⋯",
    TILDE: "~～〜",
    QUOTE: "\"'`",
    QUOTE_OPEN: "“‘„",
    QUOTE_CLOSE: "”’",
    OPEN: "([{「『【〔（［｛",
    CLOSE: ")]}」』】〕）］｝",
    ANGLE_OPEN: "<《〈‹«＜",
    ANGLE_CLOSE: ">》〉›»＞",
    CARET: "^",
    COMMA: ",、，",
    COLON: ":;：；",
    DASH: "-–—―‐‒−",
    SYMBOL: "/\\|@#$%&*+=_·•※★☆♡♥♪♬◆◇■□●○▲△▶▷◀◁◎",
}
_RANGES = [
    (HANGUL, 0xAC00, 0xD7A3),
    (JAMO_C, 0x3131, 0x314E),
    (JAMO_V, 0x314F, 0x3163),
    (JAMO_C, 0x3165, 0x318E),
    (UPPER, 0x41, 0x5A),
    (LOWER, 0x61, 0x7A),
    (DIGIT, 0x30, 0x39),
    (HANJA, 0x4E00, 0x9FFF),
    (HANJA, 0x3400, 0x4DBF),
    (EMOJI, 0x2600, 0x27BF),
]


def class_table(classes) -> np.ndarray:
    """A boolean lookup over class codes: ``class_table(STOPS)[cls]`` marks the stops.

    >>> class_table((STOP, QUESTION))[np.array([STOP, HANGUL, QUESTION])].tolist()
    [True, False, True]
    """
    table = np.zeros(256, dtype=bool)
    table[list(classes)] = True
    return table


def _table() -> np.ndarray:
    table = np.full(0x10000, OTHER, dtype=np.uint8)
    for cls, lo, hi in _RANGES:
        table[lo:hi + 1] = cls
    for cp in range(0x80, 0x2000):  # letters of other scripts (Latin-1, Greek, Cyrillic...)
        if chr(cp).isalpha():
            table[cp] = LETTER
    for cls, chars in _CHARS.items():
        for ch in chars:
            table[ord(ch)] = cls
    table[0] = PAD
    return table


TABLE = _table()


def char_classes(codes: np.ndarray) -> np.ndarray:
    """The class of each code point (uint32 array); emoji beyond the BMP are EMOJI.

    >>> char_classes(np.array([ord(c) for c in "가.ㅋ a😀"], dtype=np.uint32)).tolist()
    [3, 9, 4, 1, 7, 21]
    """
    cls = TABLE[np.minimum(codes, 0xFFFF)]
    high = codes > 0xFFFF
    if high.any():
        emoji = high & (codes >= 0x1F000) & (codes <= 0x1FAFF)
        cls[high] = OTHER
        cls[emoji] = EMOJI
    return cls


# Citation marks of encyclopaedic text: [1] [23] [*] [주 4] [참고2] [a].
_CITATION = re.compile(r"\[(?:\d{1,3}|\*|주 ?\d{1,3}|참고 ?\d{1,3}|[a-z])\]")


def mark_citations(text: str, cls: np.ndarray) -> None:
    """Give the characters of every citation mark in ``text`` the class CITE (in place).

    >>> t = "했다.[2] 때문"
    >>> cls = char_classes(np.array([ord(c) for c in t], dtype=np.uint32))
    >>> mark_citations(t, cls); cls.tolist()[:7]
    [3, 3, 9, 30, 30, 30, 1]
    """
    if "[" not in text:
        return
    for m in _CITATION.finditer(text):
        cls[m.start():m.end()] = CITE


def jamo_parts(codes: np.ndarray) -> np.ndarray:
    """1 + vowel * 28 + final consonant of each hangul syllable (its ending sound); 0 elsewhere.

    >>> jamo_parts(np.array([ord("다"), ord("음"), ord("a")], dtype=np.uint32)).tolist()
    [1, 521, 0]
    """
    off = codes.astype(np.int64) - 0xAC00
    is_syllable = (off >= 0) & (off <= 11171)
    return np.where(is_syllable, off % 588 + 1, 0)
