"""``korpus split``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(app: typer.Typer) -> None:
    @app.command("split")
    def split() -> None:
        """Split documents from stdin into sentences."""
        raise NotBuiltYet("`korpus split` is not built yet (issue #5)")
