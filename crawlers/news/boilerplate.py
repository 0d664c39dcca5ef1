"""What is not the article: page furniture by tag, class or id, and stock lines.

Tags are dropped outright; other elements when a class/id token names furniture
(``nav``, ``ad``, ``related``, ``byline`` …) unless they hold the article itself.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "form",
             "button", "input", "select", "textarea", "nav", "header", "footer", "aside",
             "figcaption", "object", "embed", "dialog", "menu")
FURNITURE = frozenset((
    "nav", "navi", "navbar", "navigation", "menu", "gnb", "lnb", "snb", "breadcrumb",
    "breadcrumbs", "header", "footer", "sidebar", "aside", "side", "ad", "ads", "advert",
    "adverts", "advertisement", "adsense", "adslot", "banner", "sponsor", "sponsored", "promo",
    "promotion", "related", "recommend", "recommended", "recommendation", "popular", "ranking",
    "rank", "most", "hot", "byline", "author", "reporter", "writer", "journalist", "copyright",
    "comment", "comments", "reply", "share", "sharing", "sns", "social", "tags", "tag",
    "subscribe", "newsletter", "cookie", "cookies", "popup", "modal", "login", "widget",
    "toolbar", "util", "utils", "utility", "print", "font", "btn", "button", "outbrain",
    "taboola", "dable",
))
_TOKEN_SPLIT = re.compile(r"[\s_\-:.]+|(?<=[a-z])(?=[A-Z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_STOCK = re.compile(r"ⓒ|©|무단\s*전재|재배포\s*금지|저작권자|Copyright|All rights reserved", re.I)
_CAPTION = re.compile(r"^\s*[\[(]?\s*(사진|그래픽|영상|자료)\s*[=:]|^\s*[▲△▶]")
_DATELINE = re.compile(r"^\s*[(\[][^()\[\]=]{1,20}=[^()\[\]]{1,20}[)\]]\s*(?:\S{2,4}\s*(?:기자|특파원)\s*=\s*)?")


def class_tokens(tag: Tag) -> set[str]:
    """Lower-cased words of a tag's class and id.

    >>> from bs4 import BeautifulSoup
    >>> sorted(class_tokens(BeautifulSoup('<div class="related-news adBox" id="x_y"></div>', "lxml").div))
    ['ad', 'box', 'news', 'related', 'x', 'y']
    """
    classes = tag.get("class") or []
    names = [*classes, tag.get("id") or ""] if isinstance(classes, list) else [classes]
    return {t.lower() for name in names for t in _TOKEN_SPLIT.split(name) if t}


def strip_furniture(soup: BeautifulSoup) -> None:
    """Remove comments, furniture tags and furniture-classed elements, in place.

    One pass that does not descend into what it removes, so deep or large pages
    stay linear.
    """
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    body = soup.body or soup
    body_chars = len(body.get_text())
    doomed: list[Tag] = [t for t in soup.find_all(DROP_TAGS) if not _inside_body(t, body)]
    stack = [body]
    while stack:
        tag = stack.pop()
        for child in tag.children:
            if not isinstance(child, Tag):
                continue
            if child.name in DROP_TAGS or (
                    class_tokens(child) & FURNITURE and not _holds_article(child, body_chars)):
                doomed.append(child)
            else:
                stack.append(child)
    for tag in doomed:
        tag.extract()


def _inside_body(tag: Tag, body: Tag) -> bool:
    """Head-level furniture (``<script>``, ``<style>`` in ``<head>``) is removed too."""
    return body is not tag and any(parent is body for parent in tag.parents)


def _holds_article(tag: Tag, body_chars: int) -> bool:
    """A wrapper with an unlucky class (``comments-on``) that holds the story itself."""
    if tag.name in ("body", "html", "article", "main") or tag.find("article") is not None:
        return True
    return body_chars > 0 and len(tag.get_text()) > 0.6 * body_chars


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
