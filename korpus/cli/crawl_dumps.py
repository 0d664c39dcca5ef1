"""``korpus crawl wiki|news|comments``: thin wrappers over ``korpus.crawlers.dumps`` and ``korpus.crawlers.news``."""

from __future__ import annotations

from pathlib import Path

import typer

from korpus.core.errors import ConfigError

# the defaults live in the library; repeated here only as help text (no heavy import)
WIKI_MIRROR = "https://dumps.wikimedia.org"
KCBERT_BASE = "https://github.com/Beomi/KcBERT/releases/download/TrainData_v1"


def _policy(retries: int, backoff: float):
    from korpus.crawlers.dumps.http import RetryPolicy

    if retries < 1:
        raise ConfigError(f"--retries must be at least 1, not {retries}")
    return RetryPolicy(attempts=retries, backoff=backoff)


def _progress(quiet: bool):
    from korpus.crawlers.dumps.progress import NullProgress, RichProgress

    return NullProgress() if quiet else RichProgress()


def register(group: typer.Typer) -> None:
    @group.command("wiki")
    def wiki(
        out: Path = typer.Option(..., "--out", help="Folder for the dump, its sums and a verified manifest."),
        date: str = typer.Option("latest", help="'latest' (newest finished dump) or YYYYMMDD."),
        variant: str = typer.Option("multistream", help="multistream (with index) or plain."),
        mirror: str = typer.Option(None, help="Dumps mirror base URL.", show_default=WIKI_MIRROR),
        wiki_name: str = typer.Option("kowiki", "--wiki", help="Wiki database name."),
        retries: int = typer.Option(6, help="Failed tries in a row before giving up."),
        backoff: float = typer.Option(2.0, help="First back-off wait in seconds (doubles)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Download and verify the kowiki pages-articles dump (resumable)."""
        from korpus.crawlers.dumps.wiki import DEFAULT_MIRROR, download_wiki_dump

        if variant not in ("multistream", "plain"):
            raise ConfigError(f"--variant must be multistream or plain, not {variant!r}")
        progress = _progress(quiet)
        with progress:
            dump = download_wiki_dump(out, date=date, variant=variant, mirror=mirror or DEFAULT_MIRROR,
                                      wiki=wiki_name,
                                      policy=_policy(retries, backoff), progress=progress,
                                      log=typer.echo)
        typer.echo(f"done: {len(dump.files)} file(s) verified; manifest {dump.manifest}")

    @group.command("comments")
    def comments(
        out: Path = typer.Option(..., "--out", help="Folder for the extracted comments file."),
        mirror: str = typer.Option(None, help="Base URL holding the kcbert-train.tar.gza? parts.",
                                   show_default=KCBERT_BASE),
        checksums: str = typer.Option(None, help="Sums file (path or URL) for the parts: md5/sha1/sha256 lines."),
        keep_parts: bool = typer.Option(True, "--keep-parts/--remove-parts",
                                        help="Keep the downloaded parts after a checked extraction."),
        retries: int = typer.Option(6, help="Failed tries in a row before giving up."),
        backoff: float = typer.Option(2.0, help="First back-off wait in seconds (doubles)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Download the KcBERT comments dump (split release), joined and extracted while streaming."""
        from korpus.crawlers.dumps.kcbert import DEFAULT_BASE, download_comments

        progress = _progress(quiet)
        with progress:
            dump = download_comments(out, base_url=mirror or DEFAULT_BASE, checksums=checksums, keep_parts=keep_parts,
                                     policy=_policy(retries, backoff), progress=progress,
                                     log=typer.echo)
        typer.echo(f"done: {', '.join(str(f.path) for f in dump.files)}; manifest {dump.manifest}")

    @group.command("news")
    def news(
        out: Path = typer.Option(..., "--out", help="Folder for part-*.parquet shards (state in _state/)."),
        sitemap: list[str] = typer.Option(None, "--sitemap", help="Sitemap, sitemap index or robots.txt URL (repeatable)."),
        start_url: list[str] = typer.Option(None, "--start-url", help="Page to crawl from, following links (repeatable)."),
        allow_domain: list[str] = typer.Option(None, "--allow-domain", help="Stay within these domains (default: the hosts given)."),
        since: str = typer.Option(None, help="Skip articles (and sitemap entries) dated before YYYY-MM-DD."),
        depth: int = typer.Option(3, help="Link depth from --start-url pages."),
        delay: float = typer.Option(1.0, help="Seconds between requests to one site (AutoThrottle adapts it)."),
        concurrency: int = typer.Option(2, help="Parallel requests per site."),
        max_pages: int = typer.Option(0, help="Stop after this many responses (0: no limit)."),
        shard_size: int = typer.Option(1000, help="Articles per Parquet shard."),
        min_chars: int = typer.Option(200, help="Shortest body text kept as an article."),
        retries: int = typer.Option(4, help="Retries of a page after 429/5xx or a dropped connection."),
        backoff: float = typer.Option(2.0, help="First back-off wait in seconds (doubles per retry)."),
        log_level: str = typer.Option("WARNING", help="Scrapy log level (INFO shows progress)."),
    ) -> None:
        """Crawl news sites through sitemaps or start pages into Parquet (resumable)."""
        from korpus.crawlers.news.run import NewsCrawlOptions, crawl_news

        if retries < 0 or backoff < 0:
            raise ConfigError("--retries and --backoff must not be negative")
        options = NewsCrawlOptions(
            out=out, sitemaps=list(sitemap or []), start_urls=list(start_url or []),
            allow_domains=list(allow_domain or []), since=since, depth=depth, delay=delay,
            concurrency=concurrency, max_pages=max_pages, shard_size=shard_size,
            min_chars=min_chars, log_level=log_level.upper(), retry_backoff=backoff,
            extra_settings={"RETRY_TIMES": retries},
        )
        summary = crawl_news(options)
        typer.echo(summary.describe())
        summary.raise_for_errors()

