"""An HTML page in, its article out: title, date, canonical URL and body text.

The HTML is parsed by BeautifulSoup with lxml's HTML parser, which loads no DTD
and fetches nothing: HTML character references are the only entities it knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup
from w3lib.url import canonicalize_url

from korpus.crawlers.article.body import choose_body, link_density
from korpus.crawlers.article.boilerplate import strip_furniture
from korpus.crawlers.article.metadata import read_metadata
from korpus.crawlers.article.text import body_text


@dataclass
class Article:
    text: str  # one paragraph per line; "" when the page has none
    title: str | None = None
    date: str | None = None  # ISO 8601
    url: str | None = None  # canonicalised: the page's canonical URL on its own host, else the page's
    site: str | None = None  # og:site_name
    # for callers that tell articles from other pages (listings, section fronts):
    marked: bool = False  # the page says it is an article (og:type, JSON-LD, <article>)
    link_density: float = 0.0  # share of the body block's text inside links


def extract_article(html: str, url: str | None = None) -> Article:
    """The article of a page; ``url`` is where the page came from, if known.

    >>> a = extract_article('<title>제목</title><nav>메뉴</nav><article><p>본문 첫 문장이다. 충분히 길게 쓴 본문 문장이다.</p>'
    ...                     '<p>저작권자 무단 전재 금지</p></article><script>x()</script>')
    >>> a.title, a.text, a.marked
    ('제목', '본문 첫 문장이다. 충분히 길게 쓴 본문 문장이다.', True)
    """
    soup = BeautifulSoup(html, "lxml")
    meta = read_metadata(soup, url)
    strip_furniture(soup)
    block = choose_body(soup)
    page_url = meta.canonical or url
    return Article(
        text=body_text(block, meta.title) if block is not None else "",
        title=meta.title, date=meta.date, url=canonicalize_url(page_url) if page_url else None,
        site=meta.site, marked=meta.marked, link_density=link_density(block) if block is not None else 0.0)
