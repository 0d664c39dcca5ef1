"""Count a corpus in two streaming polars queries over its Parquet files.

1. per document: grouped by (source, document length), so the same query gives
   the per-source sums and the exact document length distribution;
2. per sentence: grouped by (source, sentence length), with the words summed:
   the sentence length distribution and the words of the sentences.

The streaming engine reads a few row groups at a time, so memory stays about
a row group's worth whatever the corpus size; sums are cast to 64 bits first
(12 GB of text overflows the 32-bit counts polars starts from).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.errors import InputError, KorpusError
from korpus.core.layout import corpus_files
from korpus.corpus_stats.distribution import Distribution
from korpus.corpus_stats.scripts import CLASSES, WORD, residue, script_exprs

COUNTS = ("documents", "sentences", "words", "text_words", "characters", "bytes")
NEEDED = {"source": pa.string(), "text": pa.string(), "sentences": pa.list_(pa.string())}


@dataclass
class SourceCounts:
    """What one source (or the whole corpus) holds.

    ``words`` are counted in the sentences (what a model is trained on),
    ``text_words`` in the document text; both are whitespace-separated eojeol.
    """

    documents: int = 0
    sentences: int = 0
    words: int = 0
    text_words: int = 0
    characters: int = 0
    bytes: int = 0
    scripts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))

    def add(self, other: SourceCounts) -> SourceCounts:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in CLASSES:
            self.scripts[name] += other.scripts[name]
        return self

    def get(self, metric: str) -> int:
        return getattr(self, metric)


@dataclass
class CorpusCounts:
    files: list[Path]
    parquet_bytes: int
    sources: dict[str, SourceCounts]
    total: SourceCounts
    sentence_lengths: dict[str, Distribution]  # characters per sentence, per source
    document_lengths: dict[str, Distribution]  # characters per document, per source
    seconds: float

    def all_sentence_lengths(self) -> Distribution:
        return Distribution.merged(self.sentence_lengths.values())

    def all_document_lengths(self) -> Distribution:
        return Distribution.merged(self.document_lengths.values())


def check_files(files: list[Path]) -> None:
    """Each file must be Parquet with the columns we count (reads only the footers)."""
    for path in files:
        try:
            schema = pq.read_schema(path)
        except (OSError, pa.ArrowException) as err:
            raise InputError(str(path), f"not a readable Parquet file ({err})") from None
        for name, want in NEEDED.items():
            if name not in schema.names:
                raise InputError(str(path), f"no column {name!r}: not a korpus corpus file")
            have = schema.field(name).type
            if not _compatible(have, want):
                raise InputError(str(path), f"column {name!r} is {have}, expected {want}")


def _compatible(have: pa.DataType, want: pa.DataType) -> bool:
    strings = (pa.string(), pa.large_string(), pa.string_view())
    if pa.types.is_list(want):
        return (pa.types.is_list(have) or pa.types.is_large_list(have)) and have.value_type in strings
    return have in strings


def _u64(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.UInt64)


def document_query(lf: pl.LazyFrame) -> pl.LazyFrame:
    text, rest = pl.col("text"), pl.col("_rest")
    per_doc = {
        "text_words": _u64(text.str.count_matches(WORD)),
        "bytes": _u64(text.str.len_bytes()),
        **{f"script_{name}": expr for name, expr in script_exprs(text, rest).items()},
    }
    return (lf.with_columns(residue(text).alias("_rest"))
              .select("source", text.str.len_chars().cast(pl.Int64).alias("length"),
                      *(expr.alias(name) for name, expr in per_doc.items()))
              .group_by("source", "length")
              .agg(pl.len().cast(pl.UInt64).alias("documents"), pl.exclude("source", "length").sum()))


def sentence_query(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Sentences by (source, length), with the words they hold.

    The only query that reads ``sentences``, so that column is decoded once.
    """
    sentence = pl.col("sentences")
    # explode() turns an empty list into one null row: drop those (a null
    # sentence inside a list is dropped too; the schema does not allow it).
    return (lf.select("source", "sentences").explode("sentences").drop_nulls("sentences")
              .select("source", sentence.str.len_chars().cast(pl.Int64).alias("length"),
                      _u64(sentence.str.count_matches(WORD)).alias("words"))
              .group_by("source", "length")
              .agg(pl.len().cast(pl.UInt64).alias("n"), pl.col("words").sum()))


def _collect(query: pl.LazyFrame, files: list[Path], where: Path) -> pl.DataFrame:
    try:
        return query.collect(engine="streaming")
    except (pl.exceptions.PolarsError, OSError) as err:
        _locate_bad_row_group(files)
        raise KorpusError(f"{where}: cannot read the corpus: {err}") from None


def _locate_bad_row_group(files: list[Path]) -> None:
    """After a failed scan: raise an InputError naming the file and row group that fail."""
    for path in files:
        reader = pq.ParquetFile(path)
        for i in range(reader.metadata.num_row_groups):
            try:
                reader.read_row_group(i, columns=list(NEEDED))
            except (OSError, pa.ArrowException) as err:
                raise InputError(str(path), f"row group {i} cannot be read ({err})") from None


def scan_corpus(path: str | Path) -> CorpusCounts:
    """Count documents, sentences, words, characters, bytes and scripts per source."""
    path = Path(path)
    try:
        files = corpus_files(path)
    except FileNotFoundError as err:
        raise InputError(str(path), str(err).removeprefix(f"{path}: ")) from None
    check_files(files)
    t0 = time.perf_counter()
    lf = pl.scan_parquet([str(f) for f in files]).select(list(NEEDED))
    docs = _collect(document_query(lf), files, path)
    sents = _collect(sentence_query(lf), files, path)
    sources, doc_lengths = _per_source(docs)
    sent_lengths = _add_sentences(sources, sents)
    total = SourceCounts()
    for counts in sources.values():
        total.add(counts)
    return CorpusCounts(
        files=files,
        parquet_bytes=sum(f.stat().st_size for f in files),
        sources=dict(sorted(sources.items())),
        total=total,
        sentence_lengths={s: sent_lengths.get(s, Distribution.from_pairs([])) for s in sorted(sources)},
        document_lengths=dict(sorted(doc_lengths.items())),
        seconds=time.perf_counter() - t0,
    )


def _per_source(docs: pl.DataFrame) -> tuple[dict[str, SourceCounts], dict[str, Distribution]]:
    sources: dict[str, SourceCounts] = {}
    lengths: dict[str, Distribution] = {}
    sums = docs.group_by("source").agg(
        pl.col("documents", "text_words", "bytes", "^script_.*$").sum(),
        (pl.col("length") * pl.col("documents")).sum().alias("characters"))
    for row in sums.iter_rows(named=True):
        sources[_name(row["source"])] = SourceCounts(
            **{name: int(row[name] or 0) for name in COUNTS if name not in ("sentences", "words")},
            scripts={name: int(row[f"script_{name}"] or 0) for name in CLASSES})
    for (source,), group in docs.group_by("source"):
        lengths[_name(source)] = Distribution.from_pairs(group.select("length", "documents").iter_rows())
    return sources, lengths


def _add_sentences(sources: dict[str, SourceCounts], sents: pl.DataFrame) -> dict[str, Distribution]:
    """Sentences and their words into ``sources``; the sentence length distributions."""
    for source, n, words in sents.group_by("source").agg(pl.col("n", "words").sum()).iter_rows():
        counts = sources.setdefault(_name(source), SourceCounts())
        counts.sentences, counts.words = int(n), int(words)
    return {_name(source): Distribution.from_pairs(group.select("length", "n").iter_rows())
            for (source,), group in sents.group_by("source")}


def _name(source: str | None) -> str:
    return "(none)" if source is None else str(source)
