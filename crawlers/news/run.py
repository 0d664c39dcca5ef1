"""Run the news spider in this process and summarise the crawl.

:func:`crawl_news` runs once per process (:func:`korpus.crawlers.scrapy_run.run_spider`;
the CLI is one process per command; tests start ``python -m korpus``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from korpus.core.errors import ConfigError, KorpusError
from korpus.core.io import write_text_atomic
from korpus.core.stats import Stats
from korpus.crawlers.news import defaults
from korpus.crawlers.scrapy_run import run_spider

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class NewsCrawlOptions:
    out: Path
    sitemaps: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)
    allow_domains: list[str] = field(default_factory=list)
    since: str | None = None
    depth: int = defaults.DEPTH
    delay: float = defaults.DELAY
    concurrency: int = defaults.CONCURRENCY
    max_pages: int = defaults.MAX_PAGES
    shard_size: int = defaults.SHARD_SIZE
    min_chars: int = defaults.MIN_CHARS
    log_level: str = defaults.LOG_LEVEL
    retries: int = defaults.RETRIES
    retry_backoff: float = defaults.BACKOFF
    extra_settings: dict = field(default_factory=dict)

    def check(self) -> None:
        if self.retries < 0 or self.retry_backoff < 0:
            raise ConfigError("--retries and --backoff must not be negative")
        if not self.sitemaps and not self.start_urls:
            raise ConfigError("give --sitemap URL or --start-url URL (with --allow-domain)")
        for url in self.sitemaps + self.start_urls:
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"not an http(s) URL: {url!r}")
        if self.since and not _DAY.match(self.since):
            raise ConfigError(f"--since must be YYYY-MM-DD, not {self.since!r}")
        if self.concurrency < 1 or self.shard_size < 1 or self.depth < 0 or self.delay < 0:
            raise ConfigError("--concurrency and --shard-size must be positive, --depth and --delay not negative")

    def settings(self) -> dict:
        return {
            "DOWNLOAD_DELAY": self.delay,
            "AUTOTHROTTLE_START_DELAY": max(self.delay, 0.01),
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(self.concurrency),
            "DEPTH_LIMIT": self.depth,
            "CLOSESPIDER_PAGECOUNT": self.max_pages,
            "KORPUS_SHARD_SIZE": self.shard_size,
            "KORPUS_MIN_CHARS": self.min_chars,
            "RETRY_TIMES": self.retries,
            "KORPUS_RETRY_BACKOFF": self.retry_backoff,
            "LOG_LEVEL": self.log_level,
            **self.extra_settings,
        }


@dataclass
class CrawlSummary:
    out: Path
    stored: int
    shards: int
    duplicates: int
    pages: int
    skipped: dict[str, int]
    failed: dict[str, int]
    robots_forbidden: int
    errors: list[str]
    finish_reason: str

    def describe(self) -> str:
        lines = [f"stored {self.stored} article(s) in {self.shards} new shard(s) under {self.out} "
                 f"({self.pages} page(s) parsed, {self.duplicates} duplicate(s), "
                 f"{self.robots_forbidden} forbidden by robots.txt)"]
        if self.skipped:
            lines.append("skipped: " + ", ".join(f"{k}={v}" for k, v in sorted(self.skipped.items())))
        if self.failed:
            lines.append("failed: " + ", ".join(f"{k}={v}" for k, v in sorted(self.failed.items())))
        return "\n".join(lines)

    def raise_for_errors(self) -> None:
        if self.errors:
            raise KorpusError("news crawl incomplete: " + "; ".join(self.errors[:5]))

    def to_stats(self) -> Stats:
        """The run in korpus' counters: stage ``crawl``, source ``news``."""
        stats = Stats()
        stats.add("crawl", "news", "pages", self.pages)
        stats.add("crawl", "news", "kept", self.stored)
        stats.drop("crawl", "news", "duplicate", self.duplicates)
        stats.drop("crawl", "news", "robots_forbidden", self.robots_forbidden)
        for reason, n in self.skipped.items():
            stats.drop("crawl", "news", reason, n)
        for reason, n in self.failed.items():
            stats.drop("crawl", "news", f"failed_{reason}", n)
        for error in self.errors:
            url, _, message = error.partition(": ")
            stats.problem(url, message, source="news", stage="crawl")
        return stats

    def to_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}


def crawl_news(options: NewsCrawlOptions) -> CrawlSummary:
    """Crawl, write shards and ``_state/last-run.json``; once per process."""
    options.check()
    from korpus.crawlers.news.spiders.news import NewsSpider

    crawler = run_spider(NewsSpider, "korpus.crawlers.news.settings", options.settings(),
                         sitemap=options.sitemaps, start_url=options.start_urls,
                         allow_domain=options.allow_domains, since=options.since, out=str(options.out))
    summary = _summarise(options.out, crawler)
    state = Path(options.out) / "_state"
    write_text_atomic(state / "last-run.json",
                      json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(state / "stats.json", summary.to_stats().to_json() + "\n")
    return summary


def _summarise(out: Path, crawler) -> CrawlSummary:
    stats = crawler.stats.get_stats()
    spider = crawler.spider
    if spider is None:
        raise KorpusError("the news spider did not start; see the log above")

    def under(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}

    return CrawlSummary(
        out=Path(out), stored=stats.get("korpus/stored", 0), shards=stats.get("korpus/shards", 0),
        duplicates=stats.get("korpus/duplicate", 0), pages=stats.get("korpus/pages", 0),
        skipped=under("korpus/skipped/"), failed=under("korpus/failed/"),
        robots_forbidden=stats.get("robotstxt/forbidden", 0), errors=list(spider.errors),
        finish_reason=str(stats.get("finish_reason", "")),
    )
