"""``korpus pretrain data|launch``."""

from __future__ import annotations

import typer

from korpus.errors import NotBuiltYet


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="BERT pretraining records and the TPU launcher.", no_args_is_help=True)

    @group.command("data")
    def data() -> None:
        """Write google-research/bert pretraining TFRecords from a corpus and a vocabulary."""
        raise NotBuiltYet("`korpus pretrain data` is not built yet (issue #8)")

    @group.command("launch")
    def launch() -> None:
        """Print or run the TPU pretraining steps."""
        raise NotBuiltYet("`korpus pretrain launch` is not built yet (issue #8)")

    app.add_typer(group, name="pretrain")
