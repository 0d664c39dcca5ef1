"""Phase 3: drop the rows the global steps removed and write the corpus.

``--out X.parquet`` streams every shard into one file; ``--out DIR/`` writes
``part-00000.parquet``... in parallel. Build stats go beside the output
(``X.stats.json`` or ``DIR/_stats.json``), written last: a corpus without its
stats file is not finished.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.io import ROW_GROUP_ROWS, TMP_PREFIX, atomic_path, parquet_writer, write_text_atomic
from korpus.schema import CORPUS_SCHEMA
from korpus.stats import Stats


def is_dir_output(out: str) -> bool:
    return out.endswith(("/", "\\")) or Path(out).is_dir() or not out.endswith(".parquet")


def stats_file_for(out: Path, as_dir: bool) -> Path:
    return out / "_stats.json" if as_dir else out.with_suffix(".stats.json")


def write_output(config, map_paths: list[Path], drop_files: list[Path], engine, stats: Stats, progress):
    out = Path(config.out)
    as_dir = is_dir_output(config.out)
    if as_dir:
        _write_dir(out, map_paths, drop_files, engine, stats, progress)
    else:
        _write_file(out, map_paths, drop_files, stats, progress)
    if config.export_txt:
        export_txt(out, Path(config.export_txt))
    stats_path = stats_file_for(out, as_dir)
    write_text_atomic(stats_path, stats.to_json())
    return out, stats_path


def dropped_rows(shard_index: int, drop_files: list[Path]) -> pa.Array:
    if not drop_files:
        return pa.array([], pa.int32())
    rows = (pl.scan_parquet([str(f) for f in drop_files]).filter(pl.col("shard") == shard_index)
            .select(pl.col("row").cast(pl.Int32)).unique().collect())
    return rows.to_arrow().column("row").combine_chunks()


def kept_batches(shard_index: int, map_path: Path, drop_files: list[Path]):
    """Record batches of one map shard without its dropped rows, in row order."""
    drop = dropped_rows(shard_index, drop_files)
    offset = 0
    for batch in pq.ParquetFile(map_path).iter_batches(batch_size=ROW_GROUP_ROWS):
        n = batch.num_rows
        if len(drop):
            idx = pa.array(np.arange(offset, offset + n, dtype=np.int32))
            batch = batch.filter(pc.invert(pc.is_in(idx, value_set=drop)))
        offset += n
        yield batch


def _write_file(out: Path, map_paths, drop_files, stats: Stats, progress) -> None:
    with atomic_path(out) as tmp, parquet_writer(tmp) as writer:
        for i, path in enumerate(map_paths):
            for batch in kept_batches(i, path, drop_files):
                if batch.num_rows:
                    _count_written(batch, stats)
                    writer.write_table(pa.Table.from_batches([batch], CORPUS_SCHEMA), row_group_size=ROW_GROUP_ROWS)
            if progress:
                progress("write", i + 1, len(map_paths), Stats())
        writer.write_table(CORPUS_SCHEMA.empty_table())


def _write_dir(out: Path, map_paths, drop_files, engine, stats: Stats, progress) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(write_shard, (i, p, drop_files, out / f"part-{i:05d}.parquet")) for i, p in enumerate(map_paths)]
    for n, (_, result) in enumerate(engine.run(tasks), start=1):
        stats.merge(Stats.from_dict(result))
        if progress:
            progress("write", n, len(map_paths), Stats())
    for stale in out.glob("part-*.parquet"):
        if int(stale.stem.split("-")[1]) >= len(map_paths):
            stale.unlink()
    for tmp in out.glob(TMP_PREFIX + "*"):
        tmp.unlink()


def write_shard(i: int, map_path: Path, drop_files: list[Path], out_path: Path) -> dict:
    stats = Stats()
    with atomic_path(out_path) as tmp, parquet_writer(tmp) as writer:
        for batch in kept_batches(i, map_path, drop_files):
            if batch.num_rows:
                _count_written(batch, stats)
                writer.write_table(pa.Table.from_batches([batch], CORPUS_SCHEMA), row_group_size=ROW_GROUP_ROWS)
        writer.write_table(CORPUS_SCHEMA.empty_table())
    return stats.to_dict()


def _count_written(batch: pa.RecordBatch, stats: Stats) -> None:
    table = pl.from_arrow(batch.select(["source", "text", "sentences"]))
    per_source = table.group_by("source").agg(
        pl.len().alias("docs"),
        pl.col("text").str.len_bytes().sum().alias("bytes"),
        pl.col("sentences").list.len().sum().alias("sentences"),
    )
    for source, docs, nbytes, sentences in per_source.iter_rows():
        stats.add("write", source, "docs", docs)
        stats.add("write", source, "bytes", nbytes)
        stats.add("write", source, "sentences", sentences)


def export_txt(corpus: Path, txt: Path) -> None:
    """BERT text format: one sentence per line, a blank line between documents."""
    from korpus.io import corpus_files

    with atomic_path(txt) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        for f in corpus_files(corpus):
            for batch in pq.ParquetFile(f).iter_batches(columns=["sentences"], batch_size=ROW_GROUP_ROWS):
                for sentences in batch.column(0).to_pylist():
                    fh.write("\n".join(s.replace("\n", " ") for s in sentences))
                    fh.write("\n\n")
