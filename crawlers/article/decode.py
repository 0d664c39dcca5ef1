"""HTML bytes to text: the charset the server declared, else ``<meta charset>``, else detected.

Detection knows UTF-8 and CP949 (:mod:`korpus.crawlers.readers.encoding`), the two
encodings Korean pages use.
"""

from __future__ import annotations

import re

from korpus.core.errors import ConfigError
from korpus.crawlers.readers.encoding import check_encoding, detect_encoding

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def header_charset(content_type: str | None) -> str | None:
    """The charset a ``Content-Type`` header names, if any.

    >>> header_charset("text/html; charset=EUC-KR"), header_charset("text/html"), header_charset(None)
    ('EUC-KR', None, None)
    """
    found = HEADER_CHARSET.search(content_type or "")
    return found.group(1) if found else None


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding, had bad bytes): ``declared`` (the HTTP charset), else ``<meta charset>``, else detected.

    >>> decode_html('<meta charset="euc-kr"><p>한글</p>'.encode("cp949"))[:2]
    ('<meta charset="euc-kr"><p>한글</p>', 'cp949')
    """
    encoding = _known(declared)
    if encoding is None:
        meta = META_CHARSET.search(body[:4096])
        encoding = _known(meta.group(1).decode("ascii") if meta else None)
    if encoding is None:
        encoding = detect_encoding(body[:65536])
    try:
        return body.decode(encoding), encoding, False
    except UnicodeDecodeError:
        return body.decode(encoding, errors="replace"), encoding, True


def _known(name: str | None) -> str | None:
    """A usable codec for a declared name; ``None`` for names nobody knows (then look further)."""
    if not name:
        return None
    try:
        found = check_encoding(name)
    except ConfigError:
        return None
    return None if found == "auto" else found
