"""``korpus crawl wiki|news|comments``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(group: typer.Typer) -> None:
    @group.command("wiki")
    def wiki() -> None:
        """Download and verify the kowiki pages-articles dump."""
        raise NotBuiltYet("`korpus crawl wiki` is not built yet (issue #12)")

    @group.command("news")
    def news() -> None:
        """Crawl news sites through sitemaps or start pages into Parquet."""
        raise NotBuiltYet("`korpus crawl news` is not built yet (issue #12)")

    @group.command("comments")
    def comments() -> None:
        """Download the KcBERT comments dump."""
        raise NotBuiltYet("`korpus crawl comments` is not built yet (issue #12)")
