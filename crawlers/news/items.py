"""The item the news spider yields: an extracted :class:`~korpus.crawlers.news.extract.Article`
(a dataclass item, which Scrapy handles through itemadapter), and its corpus record."""

from __future__ import annotations

from korpus.core.schema import Record
from korpus.crawlers.news.extract import Article

NewsArticle = Article


def to_record(article: Article) -> Record:
    return Record(id=article.id, source="news", text=article.text, title=article.title,
                  url=article.url, date=article.date, meta=dict(article.meta))
