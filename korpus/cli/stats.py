"""``korpus stats``: a thin layer over :mod:`corpus_stats`."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats(
        path: Path = typer.Argument(..., help="Corpus Parquet file or folder of shards."),
        targets: str = typer.Option("krbert-medium", "--targets",
                                    help="Built-in target name (krbert-medium) or a TOML file."),
        check: bool = typer.Option(False, "--check",
                                   help="Exit non-zero, naming each missed target, if any target is missed."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the report as JSON here."),
        html_out: Path | None = typer.Option(None, "--html",
                                             help="Write an HTML report with plots here."),
        build_stats: Path | None = typer.Option(
            None, "--build-stats",
            help="The build's stats JSON (default: X.stats.json beside X.parquet or folder X/)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No terminal tables."),
    ) -> None:
        """Count a corpus per source and compare it with the KR-BERT-MEDIUM targets."""
        from korpus.corpus_stats import make_report, write_html, write_json

        report = make_report(path, targets=targets, build_stats=build_stats)
        if not quiet:
            from korpus.corpus_stats.render_table import print_report

            print_report(report)
        if json_out:
            write_json(report, json_out)
        if html_out:
            write_html(report, html_out)
        if check:
            report.check()
