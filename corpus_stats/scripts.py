"""Which script a character belongs to: Hangul, Latin, Hanja, digits, other.

Whitespace is counted apart and left out of the shares, so that a corpus with
long lines and one with short ones compare on their letters. The classes are
disjoint (Latin and Han are Unicode scripts, digits are Nd, Hangul is the
syllable and jamo blocks), and "other" is every non-space character in none
of them.
"""

from __future__ import annotations

import polars as pl

# Python's str.split() also splits on the separators U+001C..U+001F, which are
# not Unicode White_Space: adding them makes our words exactly Python's words.
WHITESPACE = r"\s\x1c-\x1f"
WORD = rf"[^{WHITESPACE}]+"

# Syllables, conjoining jamo (and their extensions A and B), compatibility
# jamo, halfwidth jamo.
HANGUL = (r"\x{1100}-\x{11FF}\x{3130}-\x{318F}\x{A960}-\x{A97F}\x{AC00}-\x{D7A3}"
          r"\x{D7B0}-\x{D7FF}\x{FFA0}-\x{FFDC}")
LATIN = r"\p{Latin}"
HANJA = r"\p{Han}"
DIGIT = r"\p{Nd}"

SCRIPTS = ("hangul", "latin", "hanja", "digit", "other")
CLASSES = (*SCRIPTS, "whitespace")


def residue(text: pl.Expr) -> pl.Expr:
    """``text`` without its ASCII spaces and Hangul: what is left is short.

    Removing runs costs one regex match per run (about one per word) where
    counting Hangul letters would cost one per letter; the rarer classes are
    then counted on the residue, a small fraction of the text.
    """
    return text.str.replace_all(rf"[ {HANGUL}]+", "")


def script_exprs(text: pl.Expr, rest: pl.Expr) -> dict[str, pl.Expr]:
    """Per-row character counts of each class (UInt64), given ``rest = residue(text)``."""
    def count(pattern: str) -> pl.Expr:
        return rest.str.count_matches(pattern).cast(pl.UInt64)

    spaces = text.str.count_matches(" ", literal=True).cast(pl.UInt64)  # memchr, not regex
    exprs = {
        "latin": count(LATIN),
        "hanja": count(HANJA),
        "digit": count(DIGIT),
        "whitespace": spaces + count(f"[{WHITESPACE}]"),
    }
    rest_chars = rest.str.len_chars().cast(pl.UInt64)
    exprs["other"] = (rest_chars - exprs["latin"] - exprs["hanja"] - exprs["digit"]
                      - count(f"[{WHITESPACE}]"))
    exprs["hangul"] = text.str.len_chars().cast(pl.UInt64) - spaces - rest_chars
    return {name: exprs[name] for name in CLASSES}


def shares(counts: dict[str, int]) -> dict[str, float]:
    """Each script's share of the non-whitespace characters.

    >>> shares({"hangul": 3, "latin": 1, "hanja": 0, "digit": 0, "other": 0, "whitespace": 9})
    {'hangul': 0.75, 'latin': 0.25, 'hanja': 0.0, 'digit': 0.0, 'other': 0.0}
    """
    letters = sum(counts.get(name, 0) for name in SCRIPTS)
    return {name: (counts.get(name, 0) / letters if letters else 0.0) for name in SCRIPTS}
