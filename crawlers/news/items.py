"""The item the news spider yields (a dataclass item, which Scrapy handles through
itemadapter), its id, and its corpus record."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from w3lib.url import canonicalize_url

from korpus.core.schema import Record


@dataclass
class NewsArticle:
    url: str  # canonical
    title: str | None
    date: str | None
    text: str
    meta: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"news/{url_hash(self.url)}"


def url_hash(url: str) -> str:
    """First 16 hex of sha1 of the canonicalised URL (query sorted, fragment dropped).

    >>> url_hash("http://a.kr/n?b=2&a=1#top") == url_hash("http://a.kr/n?a=1&b=2")
    True
    """
    return hashlib.sha1(canonicalize_url(url).encode("utf-8")).hexdigest()[:16]


def to_record(article: NewsArticle) -> Record:
    return Record(id=article.id, source="news", text=article.text, title=article.title,
                  url=article.url, date=article.date, meta=dict(article.meta))
