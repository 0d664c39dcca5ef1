"""Entry point: assembles the command modules and turns KorpusError into exit codes."""

from __future__ import annotations

import sys

import typer

from korpus import __version__
from korpus.cli import build, crawl, pretrain, split, stats, vocab
from korpus.core.errors import KorpusError

app = typer.Typer(
    name="korpus",
    help="Korean corpus toolkit: crawl, ingest, clean, split, deduplicate, vocabulary, pretraining data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (crawl, build, split, vocab, stats, pretrain):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"korpus {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Korean corpus toolkit."""


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv)  # standalone: click prints usage errors and exits by itself
    except KorpusError as err:
        typer.secho(f"korpus: {err}", fg="red", err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        typer.secho("korpus: interrupted; run the same command again to resume", fg="red", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
