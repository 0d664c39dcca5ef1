"""Text normalisation: plain ``str -> str`` functions."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def nfc(text: str) -> str:
    """Compose Hangul jamo sequences into syllables.

    >>> nfc("\\u1112\\u1161\\u11ab") == "한"
    True
    """
    return unicodedata.normalize("NFC", text)


def fold_whitespace(text: str) -> str:
    """Runs of spaces to one, blank-line runs to one newline, ends stripped.

    >>> fold_whitespace("  가  나\\t다 \\n\\n\\n 라 ")
    '가 나 다\\n라'
    """
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalize(text: str) -> str:
    """The always-on chain: NFC, then whitespace folding.

    >>> normalize("안녕  하세요\\n\\n")
    '안녕 하세요'
    """
    return fold_whitespace(nfc(text))
