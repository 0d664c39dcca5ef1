"""``korpus vocab``: a thin layer over :func:`korpus.vocab.train.train_vocab`."""

from __future__ import annotations

from pathlib import Path

import typer

from korpus.vocab import defaults

UNIT_HELP = "char: Hangul syllables (NFC); subchar: jamo (NFKD), KR-BERT's sub-character variant."


def register(app: typer.Typer) -> None:
    @app.command("vocab")
    def vocab(
        source: Path = typer.Option(..., "--from", help="Corpus Parquet file or folder, or a text "
                                    "file (one sentence a line, blank line between documents)."),
        out: Path = typer.Option(..., "--out", help="Folder for vocab.txt, tokenizer.json, "
                                 "tokenizer_config.json and report.json."),
        size: int = typer.Option(defaults.SIZE, "--size", help="Exact number of lines of vocab.txt."),
        unit: str = typer.Option("char", "--unit", help=UNIT_HELP),
        min_frequency: int = typer.Option(defaults.MIN_FREQUENCY, "--min-frequency",
                                          help="Least count of a pair to merge."),
        limit_alphabet: int = typer.Option(defaults.LIMIT_ALPHABET, "--limit-alphabet",
                                           help="Most single characters kept (capped at "
                                           "(size-5)/2 so merges fit)."),
        sample: float = typer.Option(1.0, "--sample", help="Fraction of sentences to train on "
                                     "(KcBERT used 0.1)."),
        max_sample_mb: float = typer.Option(defaults.MAX_SAMPLE_MB, "--max-sample-mb",
                                            help="Sample down to about this much text so memory "
                                            "stays bounded; 0: no cap."),
        heldout: float = typer.Option(defaults.HELDOUT, "--heldout",
                                      help="Fraction of documents held out of training."),
        heldout_sentences: int = typer.Option(defaults.HELDOUT_SENTENCES, "--heldout-sentences",
                                              help="Most held-out sentences evaluated."),
        seed: int = typer.Option(0, "--seed", help="Seed of the held-out split and the sample."),
        compare: Path | None = typer.Option(None, "--compare", help="Another vocab.txt (e.g. "
                                            "KR-BERT-MEDIUM's) to report overlap with."),
    ) -> None:
        """Train a KR-BERT-compatible WordPiece vocabulary from a corpus."""
        from korpus.vocab.report import summary_lines
        from korpus.vocab.train import VocabOptions, train_vocab

        options = VocabOptions(
            size=size, unit=unit, min_frequency=min_frequency, limit_alphabet=limit_alphabet,
            sample=sample, max_sample_bytes=int(max_sample_mb * 1_000_000), heldout=heldout,
            heldout_sentences=heldout_sentences, seed=seed,
        )
        report = train_vocab(source, out, options, compare_with=compare,
                             log=lambda line: typer.echo(line, err=True))
        for line in summary_lines(report):
            typer.echo(line)
