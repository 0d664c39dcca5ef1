"""``korpus contamination``: a thin layer over :mod:`korpus.dedup.contamination` (report only)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("contamination")
    def contamination(
        corpus: Path = typer.Argument(..., help="Corpus Parquet file or folder of shards."),
        against: list[str] = typer.Option(
            ..., "--against", "-a",
            help="NAME=PATH of an evaluation set, repeatable: one example per line, a TSV/CSV with a header "
                 "(NSMC id/document/label, Korean Hate Speech comments/...), or JSONL."),
        text_field: str | None = typer.Option(
            None, "--text-field", help="Column or JSON field of the examples (default: document, comments, "
                                       "text or sentence for tables, text for JSONL)."),
        encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the evaluation files."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the full report (with samples) as JSON here."),
    ) -> None:
        """Report which evaluation examples a corpus contains (exact or n-gram containment); changes nothing."""
        import json

        from korpus.core.io import write_text_atomic
        from korpus.core.layout import corpus_files
        from korpus.dedup.config import DecontamSet
        from korpus.dedup.contamination import check_corpus
        from korpus.dedup.decontaminate import check_sets
        from korpus.dedup.evalsets import parse_eval_flag

        # The build's own reading, checks and cached index.
        index = check_sets([DecontamSet(name=name, path=path, text_field=text_field, encoding=encoding)
                            for name, path in map(parse_eval_flag, against)])
        try:
            files = corpus_files(corpus)
        except FileNotFoundError as err:
            from korpus.core.errors import InputError

            raise InputError(str(corpus), str(err).split(": ", 1)[-1]) from None
        report = check_corpus(files, index)
        _print(report)
        if json_out:
            write_text_atomic(json_out, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def _print(report: dict) -> None:
    scanned = report["scanned"]
    typer.echo(f"scanned {scanned['documents']:,} documents, {scanned['sentences']:,} sentences, "
               f"{scanned['bytes'] / 1e6:.1f} MB")
    header = f"{'set':<16}{'examples':>10}{'too short':>11}{'found':>8}{'exact':>8}{'contain':>9}{'docs':>8}{'sents':>8}"
    typer.echo(header)
    for s in report["sets"]:
        f = s["found"]
        typer.echo(f"{s['name']:<16}{s['examples']:>10,}{s['too_short_skipped']:>11,}{f['total']:>8,}"
                   f"{f['exact']:>8,}{f['containment']:>9,}{s['documents']:>8,}{s['sentences']:>8,}")
