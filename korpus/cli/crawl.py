"""``korpus crawl``: collection commands, one module each."""

from __future__ import annotations

import typer

from korpus.cli import crawl_dumps, crawl_law, crawl_news


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Collect raw sources: law.go.kr texts, kowiki dump, news sites, KcBERT comments.",
                        no_args_is_help=True)
    crawl_law.register(group)
    crawl_dumps.register(group)
    crawl_news.register(group)
    app.add_typer(group, name="crawl")
