"""Stream training sentences from a corpus, with a held-out slice and sampling.

Input is a corpus in the korpus schema (a Parquet file or a folder of shards,
read one row group at a time, column ``sentences`` only) or a plain text file
(one sentence per line, a blank line between documents). Documents, not
sentences, are held out, so no held-out sentence has a sibling in training.
The rest is sampled per sentence; memory holds one batch and the held-out
reservoir, whatever the corpus size.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.core.errors import InputError
from korpus.core.layout import corpus_files
from korpus.core.stats import Stats

SENTENCES = "sentences"
BATCH_DOCUMENTS = 2_000
# A text file without blank lines would be one document and could not lend a
# held-out slice; long runs of lines are cut into documents of this many.
TEXT_DOCUMENT_LINES = 100
STAGE = "vocab"

Prepare = Callable[[pa.Array], list[str]]


def is_text_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() != ".parquet"


def source_files(path: str | Path) -> list[Path]:
    path = Path(path)
    if is_text_file(path):
        return [path]
    try:
        return corpus_files(path)
    except FileNotFoundError as err:
        raise InputError(str(path), str(err).split(": ", 1)[-1]) from err


def estimate_text_bytes(path: str | Path) -> int:
    """About how many bytes of sentence text the corpus holds, from metadata only.

    For Parquet this is the uncompressed size of the ``sentences`` column
    chunks (text plus a few bytes per sentence of offsets and levels), so it
    errs slightly high.
    """
    total = 0
    for file in source_files(path):
        if is_text_file(file):
            total += file.stat().st_size
            continue
        meta = _parquet_file(file).metadata
        for rg in range(meta.num_row_groups):
            group = meta.row_group(rg)
            for col in range(group.num_columns):
                chunk = group.column(col)
                if chunk.path_in_schema.split(".")[0] == SENTENCES:
                    total += chunk.total_uncompressed_size
    return total


def _parquet_file(path: Path) -> pq.ParquetFile:
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as err:
        raise InputError(str(path), f"not a readable Parquet file ({err})") from err
    if SENTENCES not in pf.schema_arrow.names:
        raise InputError(str(path), f"no `{SENTENCES}` column (columns: {pf.schema_arrow.names})")
    return pf


def parquet_documents(path: Path) -> Iterator[pa.Array]:
    """The ``sentences`` lists of a Parquet file, batch by batch, row group by row group."""
    pf = _parquet_file(path)
    for rg in range(pf.num_row_groups):
        try:
            for batch in pf.iter_batches(batch_size=BATCH_DOCUMENTS, row_groups=[rg],
                                         columns=[SENTENCES]):
                yield batch.column(0)
        except pa.ArrowException as err:
            raise InputError(str(path), f"row group {rg} unreadable ({err})") from err


def text_documents(path: Path, stats: Stats) -> Iterator[pa.Array]:
    """Documents of a text file (blank-line separated, at most ``TEXT_DOCUMENT_LINES``).

    A line that is not UTF-8 is skipped and counted as a problem with its line number.
    """
    docs: list[list[str]] = []
    doc: list[str] = []
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError as err:
                stats.problem(path, f"not UTF-8 ({err.reason})", line=number, stage=STAGE)
                continue
            if line:
                doc.append(line)
                if len(doc) < TEXT_DOCUMENT_LINES:
                    continue
            if doc:
                docs.append(doc)
                doc = []
            if len(docs) >= BATCH_DOCUMENTS:
                yield pa.array(docs, type=pa.list_(pa.string()))
                docs = []
    if doc:
        docs.append(doc)
    if docs:
        yield pa.array(docs, type=pa.list_(pa.string()))


@dataclass
class Sampling:
    """How to split and thin the stream; the seed makes a run repeatable."""

    fraction: float = 1.0
    heldout_fraction: float = 0.01
    heldout_max: int = 10_000
    seed: int = 0


@dataclass
class SentenceStream:
    """Yields training sentence batches; keeps a held-out reservoir on the side."""

    path: Path
    sampling: Sampling
    prepare: Prepare
    stats: Stats = field(default_factory=Stats)
    heldout: list[str] = field(default_factory=list)
    documents: int = 0
    heldout_documents: int = 0
    sentences_seen: int = 0
    sentences_trained: int = 0
    bytes_trained: int = 0
    _heldout_seen: int = 0

    def batches(self) -> Iterator[list[str]]:
        rng = np.random.default_rng(self.sampling.seed)
        reservoir_rng = random.Random(self.sampling.seed)
        for file in source_files(self.path):
            docs_iter = (text_documents(file, self.stats) if is_text_file(file)
                         else parquet_documents(file))
            for docs in docs_iter:
                sentences = self._split(docs, rng, reservoir_rng)
                if sentences:
                    yield sentences

    def _split(self, docs: pa.Array, rng: np.random.Generator,
               reservoir_rng: random.Random) -> list[str]:
        self.documents += len(docs)
        held = rng.random(len(docs)) < self.sampling.heldout_fraction
        if held.any():
            self.heldout_documents += int(held.sum())
            self._keep_heldout(_flat(docs.filter(pa.array(held))), reservoir_rng)
        train = _flat(docs.filter(pa.array(~held)))
        self.sentences_seen += len(train)
        if self.sampling.fraction < 1.0:
            train = train.filter(pa.array(rng.random(len(train)) < self.sampling.fraction))
        self.sentences_trained += len(train)
        self.bytes_trained += pc.sum(pc.binary_length(train)).as_py() or 0
        return self.prepare(train)

    def _keep_heldout(self, sentences: pa.Array, rng: random.Random) -> None:
        """Reservoir sampling, so the held-out slice spans the whole corpus."""
        cap = self.sampling.heldout_max
        for sentence in sentences.to_pylist():
            self._heldout_seen += 1
            if len(self.heldout) < cap:
                self.heldout.append(sentence)
                continue
            slot = rng.randrange(self._heldout_seen)
            if slot < cap:
                self.heldout[slot] = sentence


def _flat(docs: pa.Array) -> pa.Array:
    """Non-empty sentences of a list array (nulls and blanks dropped)."""
    flat = pc.list_flatten(docs)
    flat = pc.drop_null(flat)
    return flat.filter(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(flat)), 0))
