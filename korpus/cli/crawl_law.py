"""``korpus crawl law``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(group: typer.Typer) -> None:
    @group.command("law")
    def law() -> None:
        """Crawl law.go.kr Open API texts (statutes, precedents, rules...) into Parquet."""
        raise NotBuiltYet("`korpus crawl law` is not built yet (issue #3)")
