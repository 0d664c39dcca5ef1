"""What is not the article: page furniture by tag, class or id, and stock lines.

Tags are dropped outright; other elements inside ``<body>`` when a class/id
token names furniture (``nav``, ``ad``, ``related``, ``byline``, ``photo`` …)
unless they hold the article itself.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag

DROP_TAGS = frozenset((
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "input",
    "select", "textarea", "nav", "header", "footer", "aside", "figure", "figcaption", "picture",
    "video", "audio", "map", "object", "embed", "dialog", "menu",
))
FURNITURE = frozenset((
    "nav", "navi", "navbar", "navigation", "menu", "gnb", "lnb", "snb", "breadcrumb",
    "breadcrumbs", "header", "footer", "sidebar", "aside", "side", "ad", "ads", "advert",
    "adverts", "advertisement", "adsense", "adslot", "banner", "sponsor", "sponsored", "promo",
    "promotion", "related", "recommend", "recommended", "recommendation", "popular", "ranking",
    "rank", "most", "hot", "byline", "author", "reporter", "writer", "journalist", "copyright",
    "comment", "comments", "reply", "share", "sharing", "sns", "social", "tags", "tag",
    "subscribe", "newsletter", "cookie", "cookies", "popup", "modal", "login", "widget",
    "toolbar", "util", "utils", "utility", "print", "font", "btn", "button", "outbrain",
    "taboola", "dable", "caption", "photo",
))
# whole class names whose words alone say nothing ("img", "desc"): Naver's photo captions
FURNITURE_NAMES = frozenset(("img_desc",))
_TOKEN_SPLIT = re.compile(r"[\s_\-:.]+|(?<=[a-z])(?=[A-Z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_STOCK = re.compile(r"ⓒ|©|무단\s*전재|재배포\s*금지|저작권자|Copyright|All rights reserved", re.I)
_CAPTION = re.compile(r"^\s*[\[(]?\s*(사진|그래픽|영상|자료)\s*[=:]|^\s*[▲△▶]")
_DATELINE = re.compile(r"^\s*[(\[][^()\[\]=]{1,20}=[^()\[\]]{1,20}[)\]]\s*(?:\S{2,4}\s*(?:기자|특파원)\s*=\s*)?")


def class_names(tag: Tag) -> list[str]:
    """A tag's classes and id, as written."""
    classes = tag.get("class") or []
    return [*classes, tag.get("id") or ""] if isinstance(classes, list) else [classes]


def class_tokens(tag: Tag) -> set[str]:
    """Lower-cased words of a tag's class and id.

    >>> from bs4 import BeautifulSoup
    >>> sorted(class_tokens(BeautifulSoup('<div class="related-news adBox" id="x_y"></div>', "lxml").div))
    ['ad', 'box', 'news', 'related', 'x', 'y']
    """
    return {t.lower() for name in class_names(tag) for t in _TOKEN_SPLIT.split(name) if t}


def is_furniture(tag: Tag) -> bool:
    """Whether a tag's class or id names page furniture.

    >>> from bs4 import BeautifulSoup
    >>> page = BeautifulSoup('<em class="img_desc"></em><div id="articleBody"></div>', "lxml")
    >>> is_furniture(page.em), is_furniture(page.div)
    (True, False)
    """
    return bool(class_tokens(tag) & FURNITURE) or any(n.lower() in FURNITURE_NAMES for n in class_names(tag))


def strip_furniture(soup: BeautifulSoup) -> None:
    """Remove comments, furniture tags and furniture-classed elements, in place.

    One walk that does not descend into what it removes, so deep or large pages
    stay linear. Classes count inside ``<body>`` only (``<html class="…">`` is no
    furniture).
    """
    body = soup.body or soup
    body_chars = len(body.get_text())
    doomed: list = []
    stack: list[tuple[Tag, bool]] = [(soup, body is soup)]
    while stack:
        tag, in_body = stack.pop()
        for child in tag.children:
            if isinstance(child, Comment):
                doomed.append(child)
            elif not isinstance(child, Tag):
                continue
            elif child.name in DROP_TAGS or (
                    in_body and is_furniture(child) and not _holds_article(child, body_chars)):
                doomed.append(child)
            else:
                stack.append((child, in_body or child is body))
    for node in doomed:
        node.extract()


def _holds_article(tag: Tag, body_chars: int) -> bool:
    """A wrapper with an unlucky class (``comments-on``) that holds the story itself."""
    if tag.name in ("body", "html", "article", "main") or _has_article(tag):
        return True
    return body_chars > 0 and len(tag.get_text()) > 0.6 * body_chars


def _has_article(tag: Tag) -> bool:
    return any(isinstance(d, Tag) and d.name == "article" for d in tag.descendants)


def is_stock_line(line: str) -> bool:
    """Bylines, copyright notices and photo credits that sit inside article bodies.

    >>> is_stock_line("홍길동 기자 gildong@example.com"), is_stock_line("ⓒ 코퍼스일보, 무단 전재 및 재배포 금지")
    (True, True)
    >>> is_stock_line("▲ 24일 서울 시내 모습"), is_stock_line("정부는 24일 새 정책을 발표했다.")
    (True, False)
    """
    short = len(line) < 120
    return short and bool(_EMAIL.search(line) or _STOCK.search(line) or _CAPTION.search(line))


def strip_dateline(line: str) -> str:
    """Drop a wire-service dateline at the start of the lead paragraph.

    >>> strip_dateline("(서울=연합뉴스) 홍길동 기자 = 정부는 24일 발표했다.")
    '정부는 24일 발표했다.'
    >>> strip_dateline("정부는 (24일) 발표했다.")
    '정부는 (24일) 발표했다.'
    """
    return _DATELINE.sub("", line, count=1)
