"""``korpus crawl wiki|comments``: thin wrappers over ``korpus.crawlers.dumps``."""

from __future__ import annotations

from pathlib import Path

import typer

from korpus.core.errors import ConfigError
from korpus.crawlers.dumps import defaults

RETRIES_HELP = "Failed tries in a row before giving up."
BACKOFF_HELP = "First back-off wait in seconds (doubles)."
QUIET_HELP = "No progress bar."


def _policy(retries: int, backoff: float):
    from korpus.crawlers.dumps.retry import RetryPolicy

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
        mirror: str = typer.Option(defaults.WIKI_MIRROR, help="Dumps mirror base URL."),
        wiki_name: str = typer.Option("kowiki", "--wiki", help="Wiki database name."),
        retries: int = typer.Option(defaults.RETRY_ATTEMPTS, help=RETRIES_HELP),
        backoff: float = typer.Option(defaults.RETRY_BACKOFF, help=BACKOFF_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    ) -> None:
        """Download and verify the kowiki pages-articles dump (resumable)."""
        from korpus.crawlers.dumps.wiki import download_wiki_dump

        if variant not in ("multistream", "plain"):
            raise ConfigError(f"--variant must be multistream or plain, not {variant!r}")
        progress = _progress(quiet)
        with progress:
            dump = download_wiki_dump(out, date=date, variant=variant, mirror=mirror, wiki=wiki_name,
                                      policy=_policy(retries, backoff), progress=progress, log=typer.echo)
        typer.echo(f"done: {len(dump.files)} file(s) verified; manifest {dump.manifest}")

    @group.command("comments")
    def comments(
        out: Path = typer.Option(..., "--out", help="Folder for the extracted comments file."),
        mirror: str = typer.Option(defaults.KCBERT_BASE, help="Base URL holding the kcbert-train.tar.gza? parts."),
        checksums: str = typer.Option(None, help="Sums file (path or URL) for the parts: md5/sha1/sha256 lines."),
        keep_parts: bool = typer.Option(True, "--keep-parts/--remove-parts",
                                        help="Keep the downloaded parts after a checked extraction."),
        retries: int = typer.Option(defaults.RETRY_ATTEMPTS, help=RETRIES_HELP),
        backoff: float = typer.Option(defaults.RETRY_BACKOFF, help=BACKOFF_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    ) -> None:
        """Download the KcBERT comments dump (split release), joined and extracted while streaming."""
        from korpus.crawlers.dumps.kcbert import download_comments

        progress = _progress(quiet)
        with progress:
            dump = download_comments(out, base_url=mirror, checksums=checksums, keep_parts=keep_parts,
                                     policy=_policy(retries, backoff), progress=progress, log=typer.echo)
        typer.echo(f"done: {', '.join(str(f.path) for f in dump.files)}; manifest {dump.manifest}")
