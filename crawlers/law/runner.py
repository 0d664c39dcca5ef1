"""Run one law.go.kr crawl in this process and report what it did.

Once per process (:func:`korpus.crawlers.scrapy_run.run_spider`): the CLI's case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from korpus.core.errors import ConfigError, KorpusError
from korpus.crawlers.law import defaults
from korpus.crawlers.law.errors import CrawlInterrupted, IncompleteCrawl
from korpus.crawlers.law.secret import OC_ENV, install_log_mask, mask_text, oc_from_env
from korpus.crawlers.law.targets import ALL_TARGETS, DEFAULT_API_BASE, TARGETS
from korpus.crawlers.scrapy_run import run_spider

COUNT_KEYS = ("total", "listed", "new", "changed", "unchanged", "stored", "not_found", "empty",
              "failed")


@dataclass
class LawCrawlOptions:
    out: Path
    targets: list[str] = field(default_factory=lambda: list(ALL_TARGETS))
    api_base: str = DEFAULT_API_BASE
    keep_raw: bool = False
    annex: bool = False
    concurrency: int = defaults.CONCURRENCY
    delay: float = defaults.DELAY
    timeout: float = defaults.TIMEOUT
    retries: int = defaults.RETRIES
    backoff: float = defaults.BACKOFF
    batch_size: int = defaults.BATCH_SIZE
    flush_seconds: float = defaults.FLUSH_SECONDS
    display: int = defaults.DISPLAY
    log_level: str = defaults.LOG_LEVEL

    def validate(self) -> None:
        unknown = [t for t in self.targets if t not in TARGETS]
        if unknown:
            raise ConfigError(f"--target: unknown {', '.join(unknown)}; choose from {', '.join(ALL_TARGETS)}")
        if urlsplit(self.api_base).scheme not in ("http", "https"):
            raise ConfigError(f"--api-base: {self.api_base!r} is not an http(s) URL")
        if not 1 <= self.display <= 100:
            raise ConfigError("--display: the API allows 1 to 100 items per page")
        if self.concurrency < 1 or self.batch_size < 1 or self.retries < 0:
            raise ConfigError("--concurrency and --batch-size must be >= 1, --retries >= 0")
        if self.delay < 0 or self.backoff < 0 or self.timeout <= 0:
            raise ConfigError("--delay and --backoff must be >= 0, --timeout > 0")

    def scrapy_settings(self) -> dict:
        return {
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency,
            "CONCURRENT_REQUESTS": max(self.concurrency, 1),
            "DOWNLOAD_DELAY": self.delay,
            "AUTOTHROTTLE_START_DELAY": 2 * self.delay,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(self.concurrency),
            "DOWNLOAD_TIMEOUT": self.timeout,
            "RETRY_TIMES": self.retries,
            "KORPUS_RETRY_BACKOFF_BASE": self.backoff,
            "KORPUS_LAW_BATCH_SIZE": self.batch_size,
            "KORPUS_LAW_FLUSH_SECONDS": self.flush_seconds,
            "KORPUS_LAW_KEEP_RAW": self.keep_raw,
            "LOG_LEVEL": self.log_level.upper(),
        }


@dataclass
class LawCrawlReport:
    out: Path
    counts: dict[str, dict[str, int]]
    shards_written: int = 0
    old_versions_removed: int = 0
    repaired: int = 0
    fatal: KorpusError | None = None
    failures: list[str] = field(default_factory=list)
    failure_count: int = 0
    storage_errors: list[str] = field(default_factory=list)
    robots_forbidden: int = 0
    finish_reason: str = ""

    def total(self, key: str) -> int:
        return sum(c.get(key, 0) for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = []
        for target, c in self.counts.items():
            total = c["total"] if c["total"] >= 0 else "?"
            lines.append(
                f"{target}: listed {c['listed']} of {total}; new {c['new']}, changed {c['changed']}, "
                f"unchanged {c['unchanged']} (skipped); stored {c['stored']}"
                + (f", gone {c['not_found']}" if c["not_found"] else "")
                + (f", empty {c['empty']}" if c["empty"] else "")
                + (f", failed {c['failed']}" if c["failed"] else ""))
        lines.append(f"fetched {self.total('new') + self.total('changed')} new or changed, stored "
                     f"{self.total('stored')} documents in {self.shards_written} shard(s) under {self.out}"
                     + (f"; replaced {self.old_versions_removed} older version(s)"
                        if self.old_versions_removed else ""))
        if self.repaired:
            lines.append(f"removed {self.repaired} superseded row(s) left by an interrupted run")
        return lines

    def raise_for_problems(self) -> None:
        """Raise when the crawl stopped on a refusal or left work undone."""
        if self.fatal is not None:
            raise self.fatal
        if self.robots_forbidden:
            raise IncompleteCrawl(f"robots.txt of the API host forbids {self.robots_forbidden} "
                                  "request(s); nothing was fetched for them")
        if self.storage_errors:
            raise IncompleteCrawl(f"could not write {len(self.storage_errors)} output file(s) "
                                  f"({self.storage_errors[0]}); the crawl stopped. Fix the output "
                                  "folder and run the same command again: it fetches what is missing")
        if self.failure_count:
            shown = "; ".join(self.failures[:3])
            raise IncompleteCrawl(f"{self.failure_count} request(s) failed after all retries or could "
                                  f"not be processed ({shown}); run the same command again to fetch "
                                  "the rest")
        if self.finish_reason == "shutdown":
            raise CrawlInterrupted("interrupted; what was fetched is stored, run the same command "
                                   "again to resume")
        if self.finish_reason != "finished":
            raise IncompleteCrawl(f"the crawl ended early ({self.finish_reason}); run the same "
                                  "command again to resume")


def crawl_law(options: LawCrawlOptions, oc: str | None = None) -> LawCrawlReport:
    """Crawl into ``options.out``; the key comes from ``KORPUS_LAW_OC`` unless given."""
    options.validate()
    oc = oc or oc_from_env()
    if not oc:
        raise ConfigError(f"set {OC_ENV} to your open.law.go.kr Open API user id (OC); "
                          "it is read only from the environment")
    from korpus.crawlers.law.spiders.law_api import LawApiSpider
    from korpus.crawlers.law.state import CrawlState

    if len(oc) < 4:
        logging.getLogger(__name__).warning(
            "%s is very short: it is masked wherever it occurs, which may also mask ordinary text", OC_ENV)
    install_log_mask(oc)
    state = CrawlState.open(options.out)
    try:
        crawler = run_spider(LawApiSpider, "korpus.crawlers.law.settings", options.scrapy_settings(),
                             targets=options.targets, api_base=options.api_base, oc=oc, state=state,
                             display=options.display, annex=options.annex)
    finally:
        state.close()
    return _report(options, crawler, state, oc)


def _report(options: LawCrawlOptions, crawler, state, oc: str) -> LawCrawlReport:
    spider = getattr(crawler, "spider", None)
    if spider is None:
        raise KorpusError("the crawl did not start; the log above says why")
    stats = crawler.stats.get_stats()
    counts = {t: {k: int(stats.get(f"law/{t}/{k}", -1 if k == "total" else 0)) for k in COUNT_KEYS}
              for t in options.targets}
    return LawCrawlReport(
        out=options.out, counts=counts,
        shards_written=int(stats.get("law/shards_written", 0)),
        old_versions_removed=int(stats.get("law/old_versions_removed", 0)),
        repaired=state.repaired,
        fatal=spider.fatal,
        failures=[mask_text(f, oc) for f in spider.failures],
        failure_count=spider.failure_count,
        storage_errors=list(spider.storage_errors),
        robots_forbidden=int(stats.get("law/robots_forbidden", 0)),
        finish_reason=str(stats.get("finish_reason", "")))
