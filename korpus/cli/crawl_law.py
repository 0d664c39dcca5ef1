"""``korpus crawl law``."""

from __future__ import annotations

from pathlib import Path

import typer

from korpus.crawlers.law import defaults
from korpus.crawlers.law.targets import DEFAULT_API_BASE


def register(group: typer.Typer) -> None:
    @group.command("law")
    def law(
        out: Path = typer.Option(..., "--out", "-o", help="Crawl folder: Parquet shards part-*.parquet, state in _state/."),
        target: list[str] = typer.Option(
            [], "--target", "-t",
            help="law, prec, admrul, ordin, detc, expc (repeat or comma-separate; default: all)."),
        api_base: str = typer.Option(DEFAULT_API_BASE, "--api-base",
                                     help="API root holding lawSearch.do and lawService.do."),
        keep_raw: bool = typer.Option(False, "--keep-raw", help="Also keep each body XML (OC masked) under OUT/_raw/."),
        annex: bool = typer.Option(False, "--annex", help="Append 별표 (annexed tables and forms) to statute texts."),
        concurrency: int = typer.Option(defaults.CONCURRENCY, "--concurrency", help="Requests in flight per domain."),
        delay: float = typer.Option(defaults.DELAY, "--delay", help="Minimum seconds between requests (AutoThrottle adapts above it)."),
        timeout: float = typer.Option(defaults.TIMEOUT, "--timeout", help="Seconds before a request times out (then it is retried)."),
        retries: int = typer.Option(defaults.RETRIES, "--retries", help="Retries per request for 404/429/5xx and time-outs."),
        backoff: float = typer.Option(defaults.BACKOFF, "--backoff", help=f"First retry wait in seconds; doubles each retry (at most {defaults.BACKOFF_MAX:g})."),
        batch_size: int = typer.Option(defaults.BATCH_SIZE, "--batch-size", help="Documents per shard: a kill loses at most this many."),
        flush_seconds: float = typer.Option(defaults.FLUSH_SECONDS, "--flush-seconds", help="Also write a shard at least this often."),
        display: int = typer.Option(defaults.DISPLAY, "--display", help="List page size (the API allows up to 100)."),
        log_level: str = typer.Option(defaults.LOG_LEVEL, "--log-level", help="Scrapy's own log (DEBUG, INFO, WARNING, ERROR; default off: korpus's progress and summary only)."),
    ) -> None:
        """Crawl law.go.kr Open API texts (statutes, precedents, rules...) into Parquet.

        The API key is read from KORPUS_LAW_OC only. Run the same command again to
        resume a stopped crawl or to fetch only what is new or changed.
        """
        from korpus.core.errors import ConfigError
        from korpus.crawlers.law.runner import LawCrawlOptions, crawl_law
        from korpus.crawlers.law.targets import parse_targets

        try:
            targets = parse_targets(target)
        except ValueError as err:
            raise ConfigError(f"--target: {err}") from None
        options = LawCrawlOptions(
            out=out, targets=targets, api_base=api_base, keep_raw=keep_raw, annex=annex,
            concurrency=concurrency, delay=delay, timeout=timeout, retries=retries, backoff=backoff,
            batch_size=batch_size, flush_seconds=flush_seconds, display=display, log_level=log_level)
        report = crawl_law(options)
        for line in report.summary_lines():
            typer.echo(line)
        report.raise_for_problems()
