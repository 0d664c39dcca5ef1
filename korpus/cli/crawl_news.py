"""``korpus crawl news``: a thin wrapper over ``korpus.crawlers.news``."""

from __future__ import annotations

from pathlib import Path

import typer

from korpus.crawlers.news import defaults


def register(group: typer.Typer) -> None:
    @group.command("news")
    def news(
        out: Path = typer.Option(..., "--out", help="Folder for part-*.parquet shards (state in _state/)."),
        sitemap: list[str] = typer.Option(None, "--sitemap", help="Sitemap, sitemap index or robots.txt URL (repeatable)."),
        start_url: list[str] = typer.Option(None, "--start-url", help="Page to crawl from, following links (repeatable)."),
        allow_domain: list[str] = typer.Option(None, "--allow-domain", help="Stay within these domains (default: the hosts given)."),
        since: str = typer.Option(None, help="Skip articles (and sitemap entries) dated before YYYY-MM-DD."),
        depth: int = typer.Option(defaults.DEPTH, help="Link depth from --start-url pages."),
        delay: float = typer.Option(defaults.DELAY, help="Seconds between requests to one site (AutoThrottle adapts it)."),
        concurrency: int = typer.Option(defaults.CONCURRENCY, help="Parallel requests per site."),
        max_pages: int = typer.Option(defaults.MAX_PAGES, help="Stop after this many responses (0: no limit)."),
        shard_size: int = typer.Option(defaults.SHARD_SIZE, help="Articles per Parquet shard."),
        min_chars: int = typer.Option(defaults.MIN_CHARS, help="Shortest body text kept as an article."),
        retries: int = typer.Option(defaults.RETRIES, help="Retries of a page after 429/5xx or a dropped connection."),
        backoff: float = typer.Option(defaults.BACKOFF, help="First back-off wait in seconds (doubles per retry)."),
        log_level: str = typer.Option(defaults.LOG_LEVEL, help="Scrapy's own log (DEBUG, INFO, WARNING, ERROR; default off: korpus's progress and summary only)."),
    ) -> None:
        """Crawl news sites through sitemaps or start pages into Parquet (resumable)."""
        from korpus.crawlers.news.run import NewsCrawlOptions, crawl_news

        options = NewsCrawlOptions(
            out=out, sitemaps=list(sitemap or []), start_urls=list(start_url or []),
            allow_domains=list(allow_domain or []), since=since, depth=depth, delay=delay,
            concurrency=concurrency, max_pages=max_pages, shard_size=shard_size,
            min_chars=min_chars, log_level=log_level.upper(), retries=retries, retry_backoff=backoff,
        )
        summary = crawl_news(options)
        typer.echo(summary.describe())
        summary.raise_for_errors()
