"""Train a KR-BERT-compatible WordPiece vocabulary from a corpus: the library behind ``korpus vocab``.

HF ``tokenizers`` does the counting and the WordPiece merges in Rust on all
cores while Python streams sentence batches to it. Its word counts grow with
the distinct words it sees, so memory is bounded by how much text is fed:
``max_sample_bytes`` caps that (a corpus estimated larger is sampled down to
it, as KcBERT trained its vocabulary on a 1/10 sample), whatever the corpus size.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from tokenizers import Tokenizer, trainers

from korpus.core.errors import ConfigError, KorpusError
from korpus.core.io import write_text_atomic
from korpus.core.progress import clock, progress_interval
from korpus.core.stats import Stats
from korpus.vocab import defaults
from korpus.vocab.layout import (
    SPECIALS,
    canonical_order,
    check_layout,
    read_vocab,
    tokens_by_id,
    write_folder,
)
from korpus.vocab.pipeline import PREFIX, bert_tokenizer, finished_tokenizer
from korpus.vocab.report import compare, composition, evaluate
from korpus.vocab.training_text import Sampling, SentenceStream, estimate_text_bytes, source_files
from korpus.vocab.units import UNITS, prepare_batch


@dataclass(frozen=True)
class VocabOptions:
    size: int = defaults.SIZE
    unit: str = "char"
    min_frequency: int = defaults.MIN_FREQUENCY
    limit_alphabet: int = defaults.LIMIT_ALPHABET
    sample: float = 1.0
    max_sample_bytes: int = defaults.MAX_SAMPLE_MB * 1_000_000  # 0: no cap
    heldout: float = defaults.HELDOUT
    heldout_sentences: int = defaults.HELDOUT_SENTENCES
    seed: int = 0

    def check(self) -> None:
        if self.unit not in UNITS:
            raise ConfigError(f"--unit must be one of {', '.join(UNITS)}, not {self.unit!r}")
        if self.size < len(SPECIALS) + 2:
            raise ConfigError(f"--size must be at least {len(SPECIALS) + 2}, not {self.size}")
        if not 0.0 < self.sample <= 1.0:
            raise ConfigError(f"--sample must be in (0, 1], not {self.sample}")
        if not 0.0 <= self.heldout < 1.0:
            raise ConfigError(f"--heldout must be in [0, 1), not {self.heldout}")
        if self.min_frequency < 1 or self.limit_alphabet < 1 or self.heldout_sentences < 0:
            raise ConfigError("--min-frequency and --limit-alphabet must be >= 1, "
                              "--heldout-sentences >= 0")
        if self.max_sample_bytes < 0:
            raise ConfigError("--max-sample-mb must be >= 0 (0: no cap)")


def alphabet_limit(size: int, limit: int) -> int:
    """Keep specials + alphabet + its ``##`` forms within ``size``, so merges fit.

    >>> alphabet_limit(20000, 5000), alphabet_limit(2000, 5000)
    (5000, 997)
    """
    return max(1, min(limit, (size - len(SPECIALS)) // 2))


def sample_fraction(requested: float, max_bytes: int, estimated_bytes: int) -> float:
    """The requested fraction, lowered so that about ``max_bytes`` of text is fed.

    >>> sample_fraction(1.0, 100, 400), sample_fraction(0.1, 100, 400), sample_fraction(1.0, 0, 400)
    (0.25, 0.1, 1.0)
    """
    if max_bytes and estimated_bytes > max_bytes:
        return min(requested, max_bytes / estimated_bytes)
    return requested


def train_vocab(source: str | Path, out_dir: str | Path, options: VocabOptions | None = None,
                compare_with: str | Path | None = None,
                log: Callable[[str], None] | None = None) -> dict:
    """Train, write the folder (vocab.txt, tokenizer.json, configs, report.json), return the report.

    ``log`` gets a line before the long training step starts, a progress line every
    ``KORPUS_PROGRESS_SECONDS`` while the text is read, and one when merging starts.
    """
    options = options or VocabOptions()
    options.check()
    source, out_dir = Path(source), Path(out_dir)
    source_files(source)  # fail before any work on a missing corpus
    other = read_vocab(compare_with) if compare_with else None
    estimated = estimate_text_bytes(source)
    fraction = sample_fraction(options.sample, options.max_sample_bytes, estimated)
    stats = Stats()
    stream = SentenceStream(
        source, Sampling(fraction, options.heldout, options.heldout_sentences, options.seed),
        prepare=partial(prepare_batch, options.unit, stats=stats), stats=stats)
    if log:
        log(f"training a {options.size:,}-token {options.unit} vocabulary on {source} "
            f"(about {estimated / 1e6:,.0f} MB of text, sample {fraction:.3g}, "
            f"{options.heldout:.0%} of documents held out)")

    started = time.perf_counter()
    tokens = canonical_order(tokens_by_id(_train(stream, options, source, log, estimated * fraction)))
    train_seconds = time.perf_counter() - started
    check_layout(tokens, options.size)
    tokenizer = finished_tokenizer(options.unit, tokens)
    write_folder(tokenizer, tokens, out_dir, options.unit)

    started = time.perf_counter()
    report = {
        "out": str(out_dir),
        "source": str(source),
        "options": asdict(options),
        "input": _input_report(stream, estimated),
        "vocab": composition(tokens),
        "heldout": evaluate(tokenizer, stream.heldout),
    }
    if other is not None:
        report["compare_path"] = str(compare_with)
        report["compare"] = compare(tokens, other, stream.heldout)
    report["seconds"] = {"train": round(train_seconds, 2),
                         "report": round(time.perf_counter() - started, 2)}
    report["threads"] = int(os.environ.get("RAYON_NUM_THREADS") or os.cpu_count() or 1)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["stats"] = stats.to_dict()
    write_text_atomic(out_dir / "report.json", json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return report


def _train(stream: SentenceStream, options: VocabOptions, source: Path, log: Callable[[str], None] | None,
           expected_bytes: float) -> Tokenizer:
    tokenizer = bert_tokenizer(options.unit)
    trainer = trainers.WordPieceTrainer(
        vocab_size=options.size, min_frequency=options.min_frequency, show_progress=sys.stderr.isatty(),
        special_tokens=list(SPECIALS), continuing_subword_prefix=PREFIX,
        limit_alphabet=alphabet_limit(options.size, options.limit_alphabet),
    )
    batches = stream.batches() if log is None else _reported(stream, log, expected_bytes)
    tokenizer.train_from_iterator(batches, trainer=trainer)
    if stream.sentences_trained == 0:
        raise KorpusError(f"{source}: no sentences to train on")
    if tokenizer.get_vocab_size() < options.size:
        raise KorpusError(
            f"{source}: training stopped at {tokenizer.get_vocab_size()} tokens, short of "
            f"--size {options.size}: the text fed ({stream.bytes_trained / 1e6:.1f} MB) has no "
            f"more pairs seen {options.min_frequency}+ times; give more text, or lower --size "
            "or --min-frequency")
    return tokenizer


def _reported(stream: SentenceStream, log: Callable[[str], None], expected_bytes: float) -> Iterator[list[str]]:
    """The stream's batches, with a line every progress interval: text read so far, share, ETA."""
    started = last = time.perf_counter()
    interval = progress_interval()
    for batch in stream.batches():
        yield batch
        now = time.perf_counter()
        if now - last >= interval:
            last = now
            share = min(stream.bytes_trained / expected_bytes, 1.0) if expected_bytes else 0.0
            eta = (now - started) / share * (1 - share) if share else None
            log(f"[{clock(now - started)}] vocab: read {stream.bytes_trained / 1e6:,.1f} MB "
                f"({share:.0%}), {stream.sentences_trained:,} sentences, ETA {clock(eta) if eta else '?'}")
    log(f"[{clock(time.perf_counter() - started)}] vocab: read {stream.bytes_trained / 1e6:,.1f} MB; "
        "merging pairs (the last step, no progress of its own off a terminal)")


def _input_report(stream: SentenceStream, estimated: int) -> dict:
    return {
        "estimated_text_bytes": estimated,
        "sample_fraction": stream.sampling.fraction,
        "documents": stream.documents,
        "heldout_documents": stream.heldout_documents,
        "sentences_seen": stream.sentences_seen,
        "sentences_trained": stream.sentences_trained,
        "bytes_trained": stream.bytes_trained,
    }
