"""Run one spider of a Scrapy project in this process (the law and news crawls), and what both share.

Scrapy's Twisted reactor cannot be restarted, so this runs once per process;
to crawl again, start a new process.
"""

from __future__ import annotations

from typing import Any


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
