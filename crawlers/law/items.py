"""The item a law spider yields: one document plus what resume needs."""

from __future__ import annotations

import scrapy

from korpus.core.schema import Record


class LawDocumentItem(scrapy.Item):
    """One statute or decision. ``key``/``version`` let a later crawl skip it
    while unchanged; ``raw`` (masked body XML) is only set with ``--keep-raw``."""

    id = scrapy.Field()
    target = scrapy.Field()
    serial = scrapy.Field()
    key = scrapy.Field()
    version = scrapy.Field()
    title = scrapy.Field()
    url = scrapy.Field()
    date = scrapy.Field()
    text = scrapy.Field()
    meta = scrapy.Field()
    raw = scrapy.Field()


def item_to_record(item: LawDocumentItem) -> Record:
    meta = dict(item["meta"])
    meta.update(target=item["target"], key=item["key"], version=item["version"])
    return Record(id=item["id"], source="law", text=item["text"], title=item.get("title"),
                  url=item.get("url"), date=item.get("date"), meta=meta)
