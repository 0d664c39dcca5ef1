"""A fetched page to a news item, or the reason it is none: the spider's article policy.

The text comes from the one article extractor (:mod:`korpus.crawlers.article`),
so a page read from a saved file or a WARC gives the same text; what the crawl
adds is the judgement: pages without article markup (unless dated and long),
short bodies and link lists are no articles.
"""

from __future__ import annotations

from dataclasses import dataclass

from korpus.crawlers.article.decode import decode_html
from korpus.crawlers.article.extract import Article, extract_article
from korpus.crawlers.news import defaults
from korpus.crawlers.news.items import NewsArticle

MAX_LINK_DENSITY = 0.5
# structural reasons: refetching the page would not change the verdict
FINAL_SKIPS = ("no_article_markup", "link_list")


@dataclass
class NotArticle:
    reason: str  # no_article_markup | short_body | link_list


def page_article(body: bytes | str, url: str, min_chars: int = defaults.MIN_CHARS,
                 charset: str | None = None) -> NewsArticle | NotArticle:
    """The item for a page fetched from ``url``; ``charset`` is the one its Content-Type names."""
    html = body if isinstance(body, str) else decode_html(body, charset)[0]
    article = extract_article(html, url)
    reason = not_article(article, min_chars)
    if reason is not None:
        return NotArticle(reason)
    meta = {"fetched_url": url, **({"site": article.site} if article.site else {})}
    return NewsArticle(url=article.url or url, title=article.title, date=article.date, text=article.text,
                       meta=meta)


def not_article(article: Article, min_chars: int) -> str | None:
    """Why an extracted page is no article, or ``None`` when it is one.

    >>> not_article(Article("본문 " * 100, marked=True), 200), not_article(Article("짧다", marked=True), 200)
    (None, 'short_body')
    >>> not_article(Article("본문 " * 150), 200), not_article(Article("본문 " * 150, date="2024-01-05"), 200)
    ('no_article_markup', None)
    """
    text = article.text
    if not article.marked and not (article.date and len(text) >= 2 * min_chars):
        return "no_article_markup"
    if len(text) < min_chars:
        return "short_body"
    if article.link_density > MAX_LINK_DENSITY:
        return "link_list"
    return None
