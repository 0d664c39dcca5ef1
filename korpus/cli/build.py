"""``korpus build``: a thin layer over :func:`korpus.build.run.build`."""

from __future__ import annotations

from pathlib import Path

import typer

from korpus.build.writers import DEFAULT_FORMAT, WRITERS
from korpus.cli.options import engine_option, ray_address_option, workers_option
from korpus.core.errors import KorpusError
from korpus.crawlers.readers import READERS

FORMAT_HELP = (f"Output format: {', '.join(WRITERS)} (default {DEFAULT_FORMAT}); a file --out name says it "
               "(corpus.jsonl.gz), a folder takes any.")
SOURCE_HELP = ("KIND=PATH, repeatable. KIND: " + "; ".join(f"{k} = {v.what}" for k, v in READERS.items())
               + ". PATH: file, glob or folder. Without sources (and none in --config), builds the bundled sample.")


def register(app: typer.Typer) -> None:
    @app.command("build")
    def build(
        source: list[str] = typer.Option(
            None, "--source", "-s", help=SOURCE_HELP),
        config: Path = typer.Option(None, "--config", "-c", help="korpus.toml with sources and step options."),
        out: str = typer.Option(None, "--out", "-o",
                                help="X.parquet or X.jsonl[.gz|.zst] for one file, DIR/ for part-00000... shards."),
        fmt: str = typer.Option(None, "--format", "-f", help=FORMAT_HELP),
        work_dir: Path = typer.Option(None, "--work-dir", help="Intermediate shards (default: .korpus-work/ beside --out)."),
        keep_work: bool = typer.Option(None, "--keep-work/--no-keep-work",
                                       help="Keep the work folder after a finished build (it is removed by default; "
                                            "a killed build always keeps it to resume)."),
        workers: int = workers_option(None),
        engine: str = engine_option(None),
        ray_address: str = ray_address_option(),
        splitter: str = typer.Option(None, "--splitter", help="Sentence splitter (see `korpus split --help`)."),
        export_txt: Path = typer.Option(None, "--export-txt",
                                        help="Also write BERT text: one sentence per line, blank line between documents."),
        text_field: str = typer.Option(None, "--text-field",
                                       help="Key/column with the text (jsonl, news JSON/CSV/Parquet, comments TSV)."),
        id_field: str = typer.Option(None, "--id-field", help="Key/column with the document id."),
        title_field: str = typer.Option(None, "--title-field", help="Key/column with the title (jsonl, news)."),
        date_field: str = typer.Option(None, "--date-field", help="Key/column with the date (jsonl, news)."),
        encoding: str = typer.Option(None, "--encoding",
                                     help="Input encoding of text sources: auto (default), utf-8, cp949/euc-kr."),
        decontaminate: list[str] = typer.Option(
            None, "--decontaminate",
            help="NAME=PATH of an evaluation set to keep out of the corpus, repeatable (replaces the TOML's "
                 "[[decontaminate]] tables): one example per line, a TSV/CSV with a header (NSMC, Korean Hate "
                 "Speech) or JSONL. The sentences that carry a match are removed (docs/decontamination.md)."),
    ) -> None:
        """Read sources, clean, split into sentences, deduplicate and write a Parquet (or JSONL) corpus."""
        from korpus.build.config import load_config, parse_decontaminate_flag, parse_source_flag
        from korpus.build.finish import empty_corpus_reason
        from korpus.build.run import build as run_build
        from korpus.cli.progress import BuildProgress
        from korpus.crawlers.readers import apply_reader_flags

        cfg = load_config(config)
        if source:
            cfg.sources = [parse_source_flag(s) for s in source]
        if decontaminate:
            cfg.decontaminate = [parse_decontaminate_flag(d) for d in decontaminate]
        apply_reader_flags(cfg.sources, {"text_field": text_field, "id_field": id_field, "title_field": title_field,
                                         "date_field": date_field, "encoding": encoding})
        for name, value in (("out", out), ("format", fmt), ("work_dir", work_dir), ("workers", workers),
                            ("engine", engine), ("ray_address", ray_address), ("export_txt", export_txt),
                            ("keep_work", keep_work)):
            if value is not None:
                setattr(cfg, name, str(value) if isinstance(value, Path) else value)
        if splitter:
            from korpus.cleaners.split import get_splitter

            get_splitter(splitter)  # an unknown name fails here, before any worker starts
            cfg.split.splitter = splitter
        with BuildProgress() as progress:
            result = run_build(cfg, progress=progress.update)
        BuildProgress.summary(result)
        reason = empty_corpus_reason(result.stats, result.sources)
        if reason:
            raise KorpusError(f"{result.out}: {reason}")
