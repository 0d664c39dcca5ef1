"""Entry point: assembles the command modules and turns KorpusError into exit codes."""

from __future__ import annotations

import signal
import sys

import typer

from korpus import __version__
from korpus.cli import build, contamination, crawl, pretrain, split, stats, vocab
from korpus.core.errors import KorpusError

app = typer.Typer(
    name="korpus",
    help="Korean corpus toolkit: crawl, ingest, clean, split, deduplicate, vocabulary, pretraining data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (crawl, build, split, vocab, stats, contamination, pretrain):
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


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the workers stop, the user learns how to resume."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app(args=argv)  # standalone: click prints usage errors and exits by itself
    except KorpusError as err:
        typer.secho(f"korpus: {err}", fg="red", err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt as err:
        _stopped(err)
    except SystemExit as done:  # typer turns Ctrl-C into a silent exit 130
        interrupt = _interrupt_behind(done)
        if interrupt is None:
            raise
        _stopped(interrupt)


def _interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    while exc is not None and not isinstance(exc, KeyboardInterrupt):
        exc = exc.__cause__ or exc.__context__
    return exc


def _stopped(interrupt: KeyboardInterrupt) -> None:
    name, code = ("SIGTERM", 143) if isinstance(interrupt, Terminated) else ("Ctrl-C", 130)
    typer.secho(f"korpus: stopped ({name}); run the same command again to resume", fg="red", err=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
