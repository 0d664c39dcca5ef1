"""Run one spider of a Scrapy project in this process (the law and news crawls), and what both share.

Scrapy's Twisted reactor cannot be restarted, so this runs once per process;
to crawl again, start a new process.
"""

from __future__ import annotations

import time
from typing import Any

from korpus.core.progress import print_progress, progress_interval


def run_spider(spider_cls: type, settings_module: str, overrides: dict[str, Any], **spider_args: Any):
    """Crawl until the spider closes; returns its crawler (stats, the spider) for the report.

    ``overrides`` (the command's options) win over ``settings_module`` (the project's).
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule(settings_module, priority="project")
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler


def robots_txt_unavailable(request, status: int) -> bool:
    """A 4xx answer to Scrapy's own robots.txt request: RFC 9309 reads it as no restrictions, so never retry it."""
    return bool(request.meta.get("dont_obey_robotstxt")) and request.url.endswith("/robots.txt") and 400 <= status < 500


class ProgressLines:
    """Scrapy extension: korpus's own progress line on stderr every ``KORPUS_PROGRESS_SECONDS``.

    ``[0:00:30] law_api: 1,204 responses, 1,150 documents, 3 retries``: what a crawl
    shows by default, while Scrapy's own log stays quiet unless ``--log-level`` asks for it.
    """

    def __init__(self, crawler, interval: float):
        self.crawler, self.interval = crawler, interval
        self.start = time.perf_counter()
        self.task = None

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        ext = cls(crawler, crawler.settings.getfloat("KORPUS_PROGRESS_SECONDS", progress_interval()))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider) -> None:
        from twisted.internet.task import LoopingCall

        self.start = time.perf_counter()
        self.task = LoopingCall(self.tick, spider.name)
        self.task.start(self.interval, now=False)

    def tick(self, name: str) -> None:
        get = self.crawler.stats.get_value
        print_progress(time.perf_counter() - self.start,
                       f"{name}: {get('response_received_count', 0):,} responses, "
                       f"{get('item_scraped_count', 0):,} documents, {get('retry/count', 0):,} retries")

    def closed(self, spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
