"""``korpus split``: a thin layer over :mod:`korpus.cleaners.split` and :mod:`korpus.cleaners.docs_text`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("split")
    def split(
        splitter: str = typer.Option(
            "fast", "--splitter", "-s",
            help="fast (default: the learned splitter), rules, rules-mecab, kiwi, kss-mecab, kss-punct, "
                 "kss-fast, kss-pecab, none."),
        join: str = typer.Option(
            "space", "--join",
            help="How a document's lines are joined before splitting: space (default), none (the kss "
                 "gold format, lines keep their own spaces), newline (every line break ends a sentence)."),
    ) -> None:
        """Split documents from stdin (blank line between documents) into one sentence per line.

        The output has a blank line between documents, like the gold and BERT text format.
        """
        import sys

        from korpus.cleaners.docs_text import JOINS, format_documents, split_documents
        from korpus.cleaners.split import get_splitter
        from korpus.core.errors import ConfigError

        if join not in JOINS:
            raise ConfigError(f"--join {join!r}: expected one of {', '.join(JOINS)}")
        split_fn = get_splitter(splitter)
        out = sys.stdout
        for line in format_documents(split_documents(_stdin_lines(), split_fn, join)):
            out.write(line + "\n")
        out.flush()


def _stdin_lines():
    """Lines of stdin decoded as UTF-8; a bad byte is an error naming the line."""
    import sys

    from korpus.core.errors import InputError

    for n, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError("<stdin>", f"not valid UTF-8 ({err.reason} at column {err.start + 1})",
                             line=n) from None
