"""Item pipeline: articles buffered into Parquet shards, written atomically, then marked stored."""

from __future__ import annotations

import time

from korpus.core.parquet import write_records
from korpus.crawlers.news import defaults
from korpus.crawlers.news.items import to_record, url_hash


class ShardPipeline:
    """``part-NNNNN.parquet`` every ``KORPUS_SHARD_SIZE`` articles or ``KORPUS_FLUSH_SECONDS``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.shard_size = crawler.settings.getint("KORPUS_SHARD_SIZE", defaults.SHARD_SIZE)
        self.flush_seconds = crawler.settings.getfloat("KORPUS_FLUSH_SECONDS", 300.0)
        self.buffer = []
        self.pending: set[str] = set()
        self.aliases: list[str] = []  # fetched URLs of duplicates whose original is pending
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def state(self):
        return self.crawler.spider.state

    def open_spider(self, spider=None) -> None:
        self.started = time.monotonic()

    def process_item(self, item, spider=None):
        stats = self.crawler.stats
        key = url_hash(item.url)
        if key in self.pending or self.state.is_stored(item.url):
            # another URL of a known article (amp page, tracking query): remember it as done
            stats.inc_value("korpus/duplicate")
            fetched = item.meta.get("fetched_url", item.url)
            if key in self.pending:
                self.aliases.append(fetched)
            else:
                self.state.mark_stored([fetched])
            return item
        if not self.buffer:
            self.started = time.monotonic()
        self.buffer.append(item)
        self.pending.add(key)
        if len(self.buffer) >= self.shard_size or time.monotonic() - self.started >= self.flush_seconds:
            self.flush()
        return item

    def close_spider(self, spider=None) -> None:
        self.flush()
        self.state.close()

    def flush(self) -> None:
        if not self.buffer:
            return
        path = self.state.next_shard()
        write_records((to_record(a) for a in self.buffer), path)
        urls = [a.url for a in self.buffer] + [a.meta.get("fetched_url", a.url) for a in self.buffer]
        self.state.mark_stored(urls + self.aliases)
        self.crawler.stats.inc_value("korpus/stored", len(self.buffer))
        self.crawler.stats.inc_value("korpus/shards")
        self.buffer.clear()
        self.pending.clear()
        self.aliases.clear()
