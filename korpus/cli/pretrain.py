"""``korpus pretrain data|launch``."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from korpus.cli.options import engine_option, ray_address_option, workers_option
from korpus.core.progress import clock, print_progress
from korpus.pretrain import defaults, krbert


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="BERT pretraining records and the TPU launcher.", no_args_is_help=True)

    @group.command("data")
    def data(
        corpus: Path = typer.Option(..., "--corpus", help="Corpus Parquet file or folder "
                                    "(korpus schema; the 'sentences' column is used)."),
        vocab: Path = typer.Option(..., "--vocab", help="BERT vocab.txt, one token per line, "
                                   "[PAD] first."),
        out: Path = typer.Option(..., "--out", help="Output folder (records/, bert_config.json, "
                                 "vocab.txt, manifest.json)."),
        max_seq_length: int = typer.Option(krbert.MAX_SEQ_LENGTH, help="Tokens per instance."),
        max_predictions: int = typer.Option(krbert.MAX_PREDICTIONS_PER_SEQ, "--max-predictions",
                                            help="Masked LM predictions per instance at most."),
        masked_lm_prob: float = typer.Option(krbert.MASKED_LM_PROB, help="Share of tokens to predict."),
        short_seq_prob: float = typer.Option(krbert.SHORT_SEQ_PROB, help="Share of instances with a "
                                             "shorter random target length."),
        dupe_factor: int = typer.Option(krbert.DUPE_FACTOR,
                                        help="Passes over the corpus, each with new masks."),
        whole_word_mask: bool = typer.Option(False, "--whole-word-mask/--no-whole-word-mask",
                                             help="Mask all pieces of a word together."),
        seed: int = typer.Option(krbert.RANDOM_SEED, help="Random seed; same seed, same bytes."),
        shard_mb: float = typer.Option(defaults.SHARD_MB, help="Sentence text per shard (MB); a "
                                       "shard's instances are held in memory (8 MB at dupe "
                                       "factor 10: about 330 MB per worker)."),
        workers: int = workers_option(0),
        engine: str = engine_option("local"),
        ray_address: str = ray_address_option(),
        overwrite: bool = typer.Option(False, help="Replace records of a different run in --out."),
    ) -> None:
        """Write google-research/bert pretraining TFRecords from a corpus and a vocabulary."""
        from korpus.build.engines import make_engine
        from korpus.pretrain.data import build_pretraining_data
        from korpus.pretrain.instances import InstanceParams

        params = InstanceParams(
            max_seq_length=max_seq_length, max_predictions_per_seq=max_predictions,
            masked_lm_prob=masked_lm_prob, short_seq_prob=short_seq_prob,
            dupe_factor=dupe_factor, do_whole_word_mask=whole_word_mask,
        )

        started, made = time.perf_counter(), []

        def progress(report: dict, done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            if not report.get("resumed"):
                made.append(report)
            eta = elapsed / len(made) * (total - done) if made else None
            how = "resumed" if report.get("resumed") else f"{report['seconds']:.1f} s"
            print_progress(elapsed, f"shard {done}/{total}: #{report['shard']} {report['instances']:,} records "
                                    f"({how}), ETA {clock(eta) if eta is not None else '?'}")

        runner = make_engine(engine, workers, ray_address)
        try:
            manifest = build_pretraining_data(
                corpus, vocab, out, params=params, seed=seed, shard_mb=shard_mb,
                engine=runner, overwrite=overwrite, progress=progress,
            )
        finally:
            runner.close()
        c, t = manifest["counts"], manifest["training"]
        typer.echo(
            f"{c['instances']:,} records in {c['shards']} files from {c['documents_used']:,} "
            f"documents ({c['sentences']:,} sentences, {c['tokens']:,} tokens, "
            f"[UNK] {c['unk_rate']:.3%}); {t['num_train_steps'] / 1e6:g}M steps x batch "
            f"{t['train_batch_size']} = {t['epochs_over_records']} passes; {out}/manifest.json"
        )

    @group.command("launch")
    def launch(
        records: Path = typer.Option(..., "--records", help="The --out folder of "
                                     "`korpus pretrain data`."),
        bucket: str = typer.Option(..., "--bucket", help="gs://BUCKET or gs://BUCKET/PATH for records, "
                                   "config and checkpoints."),
        zone: str = typer.Option(defaults.ZONE, "--zone", help="TPU zone."),
        tpu: str = typer.Option(defaults.TPU, "--tpu", help="Accelerator type (single host)."),
        runtime_version: str = typer.Option(defaults.RUNTIME_VERSION, "--runtime-version",
                                            help="TPU VM TensorFlow runtime."),
        name: str = typer.Option(defaults.RUN_NAME, "--name", help="Run name: TPU node and "
                                 "bucket prefix."),
        project: str = typer.Option(None, "--project", help="Google Cloud project "
                                    "(default: gcloud's)."),
        execute: bool = typer.Option(False, "--execute/--dry-run",
                                     help="Run the steps with gcloud (default: print them)."),
        steps: str = typer.Option(None, "--steps", help="Comma list of steps to run with "
                                  "--execute: upload,create,setup,train,teardown."),
        train_steps: int = typer.Option(krbert.TRAIN_STEPS, help="Training steps."),
        steps_per_epoch: int = typer.Option(defaults.STEPS_PER_EPOCH,
                                            help="Steps per epoch (a checkpoint each)."),
        batch_size: int = typer.Option(krbert.TRAIN_BATCH_SIZE, help="Global batch size."),
        learning_rate: float = typer.Option(krbert.LEARNING_RATE, help="Peak learning rate."),
        warmup_steps: int = typer.Option(krbert.WARMUP_STEPS, help="Linear warmup steps."),
        max_unk_rate: float = typer.Option(defaults.MAX_UNK_RATE,
                                           help="Fail the [UNK] check above this share."),
    ) -> None:
        """Print or run the TPU pretraining steps (dry run by default)."""
        from korpus.core.errors import KorpusError
        from korpus.pretrain.launch import LaunchConfig
        from korpus.pretrain.launch import launch as run_launch

        cfg = LaunchConfig(
            records=records, bucket=bucket, zone=zone, tpu=tpu, runtime_version=runtime_version,
            name=name, project=project, train_steps=train_steps,
            steps_per_epoch=steps_per_epoch, batch_size=batch_size,
            learning_rate=learning_rate, warmup_steps=warmup_steps, max_unk_rate=max_unk_rate,
        )
        chosen = tuple(s.strip() for s in steps.split(",") if s.strip()) if steps else None
        result = run_launch(cfg, execute=execute, steps=chosen, echo=typer.echo)
        if result.failed:
            raise KorpusError(f"{len(result.failed)} local check(s) failed: "
                              + "; ".join(c.name for c in result.failed))

    app.add_typer(group, name="pretrain")
