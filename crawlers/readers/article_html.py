"""The article in a saved news page: BeautifulSoup (lxml's HTML parser), boilerplate out.

Scripts, styles, navigation, headers, footers, forms and asides go first;
then the body is the first known article container (``itemprop=articleBody``,
Naver's ``#dic_area``, Daum's ``#harmonyContainer``, ``<article>`` ...), else
the block with the most paragraph text. Inside it, blocks whose class or id
says ad, related, share, comment, caption ... go, and so do copyright and
byline-with-e-mail lines. lxml's HTML parser loads no DTD and no network
resource; HTML character references are the only entities it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

from korpus.core.errors import ConfigError
from korpus.crawlers.readers.encoding import check_encoding, detect_encoding

JUNK_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "button", "nav", "header",
             "footer", "aside", "figure", "select", "input", "textarea", "object", "embed", "canvas", "video",
             "audio", "map", "link", "meta", "title")
# Article containers, best first: (attribute, value); "tag" matches the element name.
BODY_MARKS = (("itemprop", "articleBody"), ("id", "dic_area"), ("id", "articleBodyContents"),
              ("id", "newsct_article"), ("id", "harmonyContainer"), ("id", "article-view-content-div"),
              ("id", "articleBody"), ("id", "articeBody"), ("id", "news_body_area"), ("class", "article_body"),
              ("class", "article-body"), ("class", "news_body"), ("class", "article_txt"), ("tag", "article"),
              ("tag", "main"))
BODY_RANK = {mark: rank for rank, mark in enumerate(BODY_MARKS)}
BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:nav|navi|navigation|menu|gnb|lnb|snb|footer|header|sidebar|aside|banner|ads?|advert\w*|"
    r"promo|related|recommend\w*|popular|ranking|rank|share|sns|social|comments?|reply|copyright|breadcrumbs?|"
    r"subscribe|login|popup|modal|tags?|caption|img_desc|photo|byline)(?:$|[\s_-])", re.IGNORECASE)
BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                    "section", "article", "blockquote", "dd", "dt", "dl", "pre", "hr", "main", "td", "th"})
SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
COPYRIGHT = re.compile(r"무단\s*전재|재배포\s*금지|저작권자|copyright|ⓒ|©|all rights reserved", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
MIN_BODY_CHARS = 40


@dataclass
class Article:
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding, had bad bytes): the HTTP charset, else ``<meta charset>``, else detected.

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
    if not name:
        return None
    try:
        found = check_encoding(name)
    except ConfigError:
        return None
    return None if found == "auto" else found


def extract_article(html: str, url: str | None = None) -> Article:
    """Title, date, canonical URL and body text (one paragraph per line) of a news page.

    >>> a = extract_article('<title>제목</title><nav>메뉴</nav><article><p>본문 첫 문장이다. 충분히 길게 쓴 본문 문장이다.</p>'
    ...                     '<p>저작권자 무단 전재 금지</p></article><script>x()</script>')
    >>> a.title, a.text
    ('제목', '본문 첫 문장이다. 충분히 길게 쓴 본문 문장이다.')
    """
    soup = BeautifulSoup(html, "lxml")
    page = _scan(soup)
    for tag in page.junk:
        tag.decompose()
    body = _body(soup, page)
    if body is None:
        return Article("", page.title, page.date, page.url or url)
    for tag in body.find_all(_is_boilerplate):
        tag.decompose()
    return Article(_paragraphs(body), page.title, page.date, page.url or url)


class _Scan:
    """What one walk over the page finds: metadata, junk elements, article containers by rank."""

    def __init__(self):
        self.meta: dict[str, str] = {}
        self.first: dict[str, str] = {}  # text of the first <title>, <h1>; <time datetime>, canonical href
        self.junk: list[Tag] = []
        self.bodies: dict[int, Tag] = {}

    @property
    def title(self) -> str | None:
        return self.meta.get("og:title") or self.first.get("title") or self.first.get("h1")

    @property
    def date(self) -> str | None:
        return self.meta.get("article:published_time") or self.meta.get("date") or self.first.get("time")

    @property
    def url(self) -> str | None:
        return self.first.get("link") or self.meta.get("og:url")


def _scan(soup: BeautifulSoup) -> _Scan:
    """One pass instead of a find/select per question: pages are large and bs4 searches are slow."""
    page = _Scan()
    for tag in soup.descendants:
        if not isinstance(tag, Tag):
            continue
        name, attrs = tag.name, tag.attrs
        if name == "meta":
            key, content = attrs.get("property") or attrs.get("name"), attrs.get("content")
            if isinstance(key, str) and isinstance(content, str) and content.strip():
                page.meta.setdefault(key, content.strip())
        elif name in ("title", "h1") and name not in page.first:
            page.first[name] = tag.get_text(" ", strip=True) or None
        elif name == "time" and attrs.get("datetime"):
            page.first.setdefault(name, str(attrs["datetime"]).strip())
        elif name == "link" and "canonical" in (attrs.get("rel") or ()) and attrs.get("href"):
            page.first.setdefault(name, str(attrs["href"]).strip())
        if name in JUNK_TAGS:
            page.junk.append(tag)
            continue
        rank = _body_rank(name, attrs)
        if rank is not None:
            page.bodies.setdefault(rank, tag)
    return page


def _body_rank(name: str, attrs: dict) -> int | None:
    ranks = [BODY_RANK.get(("tag", name)), BODY_RANK.get(("itemprop", attrs.get("itemprop"))),
             BODY_RANK.get(("id", attrs.get("id")))]
    classes = attrs.get("class") or ()
    ranks += [BODY_RANK.get(("class", c)) for c in (classes if isinstance(classes, list) else [classes])]
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


def _body(soup: BeautifulSoup, page: _Scan) -> Tag | None:
    for _, tag in sorted(page.bodies.items()):
        if not tag.decomposed and len(tag.get_text(strip=True)) >= MIN_BODY_CHARS:
            return tag
    best, best_score = None, 0
    for tag in soup.find_all(("div", "section", "td", "article", "main")):
        score = _own_text(tag)
        if score > best_score:
            best, best_score = tag, score
    return best if best is not None and best_score >= MIN_BODY_CHARS else (soup.body or soup)


def _own_text(tag: Tag) -> int:
    """Characters in a block's own paragraphs and loose text (not in nested blocks, not links)."""
    n = 0
    for child in tag.children:
        if isinstance(child, NavigableString) and not isinstance(child, SKIP_STRINGS):
            n += len(child.strip())
        elif isinstance(child, Tag) and child.name in ("p", "br", "span", "b", "strong", "em", "i"):
            n += len(child.get_text(strip=True))
    return n


def _is_boilerplate(tag: Tag) -> bool:
    attrs = tag.attrs or {}
    classes = attrs.get("class") or []
    label = " ".join(classes if isinstance(classes, list) else [classes]) + " " + str(attrs.get("id") or "")
    return bool(label.strip()) and BOILERPLATE.search(label) is not None


def _paragraphs(root: Tag) -> str:
    """Visible text with a line break at every block; copyright and byline lines dropped."""
    out: list[str] = []
    stack: list = [root]
    while stack:  # iterative: deeply nested pages must not exhaust the recursion limit
        node = stack.pop()
        if isinstance(node, str):  # a marker pushed below, or page text
            if not isinstance(node, SKIP_STRINGS):
                out.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        block = node.name in BLOCKS
        if block:
            out.append("\n")
            stack.append("\n")
        stack.extend(reversed(list(node.children)))
    lines = (" ".join(line.split()) for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line and not _boilerplate_line(line))


def _boilerplate_line(line: str) -> bool:
    """Copyright notices, and short lines that are a byline with an e-mail address."""
    return bool(COPYRIGHT.search(line)) or (len(line) < 60 and EMAIL.search(line) is not None)
