"""What counts as "the same text" for exact dedup: a hash of a canonical form."""

from __future__ import annotations

import re

import xxhash

_NOT_WORD = re.compile(r"[\W_]+")


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


def text_key(text: str) -> int:
    """64-bit hash of the canonical form (xxh3: fast, well-distributed)."""
    return xxhash.xxh3_64_intdigest(canonical(text).encode("utf-8", "surrogatepass"))


def content_hash(text: str) -> int:
    """64-bit hash of the exact text: the last tie-break of the keep rule."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))
