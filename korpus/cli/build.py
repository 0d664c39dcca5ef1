"""``korpus build``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(app: typer.Typer) -> None:
    @app.command("build")
    def build() -> None:
        """Build a corpus Parquet."""
        raise NotBuiltYet("`korpus build` is being built")
