"""Korean sentence splitting. First version: punctuation and ``다.``-style endings."""

from __future__ import annotations

import re
from collections.abc import Callable

_BOUNDARY = re.compile(r"(?<=[.?!…])[\"'”’)\]]*\s+")


def split_fast(text: str) -> list[str]:
    """Split at sentence-final punctuation followed by space, and at line breaks.

    >>> split_fast("날씨가 좋다. 산책을 갔다! 정말?\\n새 줄")
    ['날씨가 좋다.', '산책을 갔다!', '정말?', '새 줄']
    """
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(s.strip() for s in _BOUNDARY.split(line) if s.strip())
    return out


def split_none(text: str) -> list[str]:
    """The whole document as one unit (comments).

    >>> split_none(" 댓글 하나 ")
    ['댓글 하나']
    """
    text = text.strip()
    return [text] if text else []


SPLITTERS: dict[str, Callable[[str], list[str]]] = {"fast": split_fast, "none": split_none}


def get_splitter(name: str) -> Callable[[str], list[str]]:
    from korpus.errors import ConfigError

    try:
        return SPLITTERS[name]
    except KeyError:
        raise ConfigError(f"unknown splitter '{name}' (known: {', '.join(sorted(SPLITTERS))})") from None
