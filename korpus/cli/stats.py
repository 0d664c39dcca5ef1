"""``korpus stats``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats() -> None:
        """Report a corpus against the KR-BERT-MEDIUM targets."""
        raise NotBuiltYet("`korpus stats` is not built yet (issue #9)")
