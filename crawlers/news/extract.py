"""Article extraction: an HTML page in, title/date/body text out, or the reason it is no article.

1. metadata (title, date, canonical URL, article markers) from the untouched page;
2. page furniture removed (:mod:`korpus.crawlers.news.boilerplate`);
3. the body block: the largest ``<article>`` when it holds most of the text,
   else the densest block (text scored onto parent and grandparent, discounted
   by link density);
4. its text rendered paragraph by paragraph, stock lines (bylines, copyright,
   photo credits) dropped.

The HTML is parsed by BeautifulSoup with lxml's HTML parser, which loads no DTDs
and fetches nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from w3lib.url import canonicalize_url

from korpus.crawlers.news.boilerplate import is_stock_line, strip_dateline, strip_furniture
from korpus.crawlers.news.metadata import read_metadata

BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "body", "dd", "div", "dl", "dt", "fieldset", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
))
# a run inside one of these scores the container holding it, not the paragraph itself
PARAGRAPH_TAGS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt",
                            "blockquote", "pre", "address", "figure"))
MIN_RUN = 20  # a text run shorter than this adds no weight to its block
MAX_LINK_DENSITY = 0.5


@dataclass
class Article:
    url: str
    title: str | None
    date: str | None
    text: str
    meta: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"news/{url_hash(self.url)}"


@dataclass
class NotArticle:
    reason: str  # no_article_markup | short_body | link_list


def url_hash(url: str) -> str:
    """First 16 hex of sha1 of the canonicalised URL (query sorted, fragment dropped).

    >>> url_hash("http://a.kr/n?b=2&a=1#top") == url_hash("http://a.kr/n?a=1&b=2")
    True
    """
    return hashlib.sha1(canonicalize_url(url).encode("utf-8")).hexdigest()[:16]


def extract_article(html: str | bytes, url: str, min_chars: int = 200,
                    encoding: str | None = None) -> Article | NotArticle:
    soup = BeautifulSoup(html, "lxml", from_encoding=encoding if isinstance(html, bytes) else None)
    meta = read_metadata(soup, url)
    strip_furniture(soup)
    block = choose_body(soup)
    text = body_text(block, meta.title) if block is not None else ""
    if not meta.article_marked and not (meta.date and len(text) >= 2 * min_chars):
        return NotArticle("no_article_markup")
    if len(text) < min_chars:
        return NotArticle("short_body")
    if block is not None and link_density(block) > MAX_LINK_DENSITY:
        return NotArticle("link_list")
    canonical = canonicalize_url(meta.canonical or url)
    extra = {"fetched_url": url}
    if meta.site:
        extra["site"] = meta.site
    return Article(url=canonical, title=meta.title, date=meta.date, text=text, meta=extra)


def choose_body(soup: BeautifulSoup) -> Tag | None:
    densest = densest_block(soup)
    articles = [a for a in soup.find_all("article") if isinstance(a, Tag)]
    if articles:
        best = max(articles, key=lambda a: len(a.get_text()))
        if densest is None or len(best.get_text()) >= 0.5 * len(densest.get_text()):
            return best
    return densest


def densest_block(soup: BeautifulSoup) -> Tag | None:
    """The container where long text runs concentrate.

    Each run scores its container fully and the container's parent by half; a
    run inside a paragraph tag counts for the element holding the paragraphs.
    """
    score: dict[int, float] = defaultdict(float)
    tags: dict[int, Tag] = {}
    for run in soup.find_all(string=True):
        if type(run) is not NavigableString or len(run.strip()) < MIN_RUN:
            continue
        block = _block_of(run)
        if block is not None and block.name in PARAGRAPH_TAGS:
            block = block.parent
        if not isinstance(block, Tag):
            continue
        weight = len(run.strip())
        for tag, share in ((block, 1.0), (block.parent, 0.5)):
            if isinstance(tag, Tag) and tag.name not in ("html", "[document]"):
                score[id(tag)] += weight * share
                tags[id(tag)] = tag
    if not score:
        return soup.body
    best = max(score, key=lambda k: score[k] * (1.0 - link_density(tags[k])))
    return tags[best]


def _block_of(node) -> Tag | None:
    parent = node.parent
    while isinstance(parent, Tag) and parent.name not in BLOCK_TAGS:
        parent = parent.parent
    return parent if isinstance(parent, Tag) else None


def link_density(tag: Tag) -> float:
    total = len(tag.get_text(strip=True))
    if not total:
        return 1.0
    linked = sum(len(a.get_text(strip=True)) for a in tag.find_all("a"))
    return linked / total


def body_text(block: Tag, title: str | None = None) -> str:
    """Paragraphs of ``block`` (block tags and ``<br>`` break lines), stock lines dropped."""
    lines = []
    for raw in _render(block).split("\n"):
        line = " ".join(raw.split())
        if not line or is_stock_line(line) or (title and line == title):
            continue
        lines.append(line)
    if lines:
        lines[0] = strip_dateline(lines[0])
    return "\n".join(line for line in lines if line)


def _render(block: Tag) -> str:
    """Text with a newline around every block element; iterative (pages nest deeply)."""
    out: list[str] = []
    stack: list = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if type(node) is NavigableString or node == "\n":
                out.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        if node.name == "br":
            out.append("\n")
            continue
        is_block = node.name in BLOCK_TAGS
        if is_block:
            out.append("\n")
            stack.append("\n")
        stack.extend(reversed(node.contents))
    return "".join(out)
