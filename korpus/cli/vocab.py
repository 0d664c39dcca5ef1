"""``korpus vocab``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(app: typer.Typer) -> None:
    @app.command("vocab")
    def vocab() -> None:
        """Train a KR-BERT-compatible WordPiece vocabulary from a corpus."""
        raise NotBuiltYet("`korpus vocab` is not built yet (issue #7)")
