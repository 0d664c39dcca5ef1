"""A dump's namespaces: which link prefixes name files and categories, and a media link's look.

A dump declares its namespaces in ``<siteinfo>`` (kowiki's file namespace is
``파일``, jawiki's ``ファイル``, key 6; categories are key 14), and MediaWiki
always takes the canonical English names too (``File``, ``Image``, ``Media``,
``Category``). Aliases are not declared (jawiki's ``画像``), so a link in an
unknown namespace whose parameters are a file's (``thumb``, ``400px``,
``right``...) counts as a file too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from korpus.crawlers.readers.streams import open_source

SITEINFO_MAX_BYTES = 1 << 20  # it comes first, and is a few KB
MEDIA_KEYS, CATEGORY_KEY = ("6", "-2"), "14"  # File and Media; Category
CANONICAL_MEDIA = frozenset({"file", "image", "media"})
CANONICAL_CATEGORY = frozenset({"category"})
# The image syntax's options (English ones work on every wiki), and kowiki's own words.
MEDIA_OPTION = re.compile(
    r"thumb(?:nail)?(?:=.*)?|frame(?:d|less)?|border|left|right|center|centre|none|baseline|middle|sub|super"
    r"|text-top|text-bottom|top|bottom|upright(?:=?[\d.]+)?|\d+px|x\d+px|\d+x\d+px|(?:link|alt|page|class|lang)=.*"
    r"|섬네일|썸네일|프레임|프레임없음|테두리|왼쪽|오른쪽|가운데|없음", re.IGNORECASE)


@dataclass(frozen=True)
class Namespaces:
    media: frozenset[str]  # casefolded link prefixes of files
    category: frozenset[str]

    def is_media_or_category(self, prefix: str) -> bool:
        prefix = prefix.strip().casefold()
        return prefix in self.media or prefix in self.category


# kowiki's, always known: its aliases 그림, 이미지 are not declared either.
KOWIKI = Namespaces(media=CANONICAL_MEDIA | {"파일", "그림", "이미지", "미디어"},
                    category=CANONICAL_CATEGORY | {"분류"})


def looks_like_media(label: str) -> bool:
    """A link label made of image options: ``thumb|right|400px|caption``.

    >>> looks_like_media("thumb|right|400px|説明"), looks_like_media("섬네일|설명"), looks_like_media("사과")
    (True, True, False)
    """
    return any(MEDIA_OPTION.fullmatch(part.strip()) for part in label.split("|"))


def namespaces_of(path: str | Path) -> Namespaces:
    """The namespaces a dump's ``<siteinfo>`` declares, with the canonical and kowiki's names."""
    head = _siteinfo_bytes(path)
    if head is None:
        return KOWIKI
    try:
        siteinfo = etree.fromstring(head, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return KOWIKI
    media, category = set(KOWIKI.media), set(KOWIKI.category)
    for ns in siteinfo.iter("namespace"):
        name = (ns.text or "").strip().casefold()
        if name and ns.get("key") in MEDIA_KEYS:
            media.add(name)
        elif name and ns.get("key") == CATEGORY_KEY:
            category.add(name)
    return Namespaces(frozenset(media), frozenset(category))


def _siteinfo_bytes(path: str | Path) -> bytes | None:
    """``<siteinfo>...</siteinfo>`` from the head of the dump, or None before the first page or the limit."""
    buf = b""
    for chunk in open_source(path):
        if chunk is None:
            return None
        buf += chunk
        end = buf.find(b"</siteinfo>")
        if end >= 0:
            start = buf.find(b"<siteinfo>")
            return buf[start:end + len(b"</siteinfo>")] if 0 <= start < end else None
        if b"<page>" in buf or len(buf) > SITEINFO_MAX_BYTES:
            return None
    return None
