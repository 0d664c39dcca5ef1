"""Phase 3: drop the rows the global steps removed and write the corpus with its writer.

A folder output writes ``part-00000<suffix>``... in parallel. A Parquet file
output is written the same way into the work folder, and the parts are joined
into one file as they come, in order (:mod:`korpus.core.parquet_join`: bytes
copied, not encoded again; the same file one writer gives). Another file output
(``X.jsonl.gz``) streams every shard into one writer. The writer only
encodes (:mod:`korpus.build.writers`); dropping, counting and the atomic rename
happen here, the same for every format. Build stats go beside the output
(``X.stats.json`` beside ``X.parquet`` or folder ``X/``), written last: a corpus without its
stats file is not finished.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.build.writers import Output, Writer, is_part_name
from korpus.cleaners.normalize import fold_whitespace
from korpus.core.io import atomic_path, write_text_atomic
from korpus.core.layout import stats_file_for
from korpus.core.parquet import ROW_GROUP_ROWS
from korpus.core.parquet_join import ParquetJoin
from korpus.core.stats import Stats
from korpus.core.steps import SENTENCE_DROPS


def write_output(config, output: Output, map_paths: list[Path], drop_files: list[Path], engine, stats: Stats,
                 progress, scratch: Path) -> Path:
    """Write the corpus; ``scratch`` is a work folder for parts on their way into one file."""
    if progress:
        progress("write", 0, len(map_paths), Stats())
    if output.as_dir:
        _write_dir(output, map_paths, drop_files, engine, stats, progress)
    elif output.writer.name == "parquet" and getattr(engine, "workers", 1) > 1 and len(map_paths) > 1:
        _write_joined(output, map_paths, drop_files, engine, stats, progress, scratch)
    else:
        _write_file(output, map_paths, drop_files, stats, progress)
    if config.export_txt:
        export_txt(map_paths, drop_files, Path(config.export_txt))
    stats_path = stats_file_for(output.path, output.as_dir)
    write_text_atomic(stats_path, stats.to_json())
    return stats_path


def dropped_rows(shard_index: int, drop_files: list[Path]) -> pa.Array:
    if not drop_files:
        return pa.array([], pa.int32())
    rows = (pl.scan_parquet([str(f) for f in drop_files]).filter(pl.col("shard") == shard_index)
            .select(pl.col("row").cast(pl.Int32)).unique().collect())
    return rows.to_arrow().column("row").combine_chunks()


def dropped_sentences(shard_index: int, drop_files: list[Path]) -> dict[int, set[int]]:
    """Row -> indices of sentences that global steps removed (boilerplate)."""
    files = [str(f.with_name(SENTENCE_DROPS)) for f in drop_files if f.with_name(SENTENCE_DROPS).exists()]
    if not files:
        return {}
    marked = (pl.scan_parquet(files).filter(pl.col("shard") == shard_index)
              .group_by("row").agg(pl.col("sentence")).collect())
    return {row: set(idx) for row, idx in marked.iter_rows()}


def remove_sentences(batch: pa.RecordBatch, offset: int, marked: dict[int, set[int]]) -> pa.RecordBatch:
    """Rewrite ``sentences`` and ``text`` of the rows that lost sentences; only those rows go through Python."""
    rows = sorted(r - offset for r in marked if offset <= r < offset + batch.num_rows)
    if not rows:
        return batch
    picked = pa.array(rows, pa.int64())
    texts = batch.column("text").take(picked).to_pylist()
    sentences = batch.column("sentences").take(picked).to_pylist()
    for i, r in enumerate(rows):
        gone = marked[r + offset]
        texts[i] = cut_sentences(texts[i], sentences[i], gone)
        sentences[i] = [s for k, s in enumerate(sentences[i]) if k not in gone]
    cols = {name: batch.column(name) for name in batch.schema.names}
    for name, values in (("text", texts), ("sentences", sentences)):
        cols[name] = replaced(cols[name], rows, pa.array(values, batch.schema.field(name).type))
    return pa.RecordBatch.from_pydict(cols, schema=batch.schema)


def replaced(column: pa.Array, rows: list[int], values: pa.Array) -> pa.Array:
    """``column`` with ``values[i]`` in place of row ``rows[i]`` (rows ascending): one copy of the column.

    >>> replaced(pa.array(["a", "b", "c"]), [0, 2], pa.array(["x", "z"])).to_pylist()
    ['x', 'b', 'z']
    """
    pieces, prev = [], 0
    for i, row in enumerate(rows):
        pieces += [column.slice(prev, row - prev), values.slice(i, 1)]
        prev = row + 1
    pieces.append(column.slice(prev))
    return pa.concat_arrays(pieces)


def cut_sentences(text: str, sentences: list[str], gone: set[int]) -> str:
    """Remove the given sentences from ``text``, found in order (a splitter keeps them in order).

    >>> cut_sentences("광고입니다. 본문이다. 광고입니다.", ["광고입니다.", "본문이다.", "광고입니다."], {2})
    '광고입니다. 본문이다.'
    """
    out, keep_from, search_from = [], 0, 0
    for k, sentence in enumerate(sentences):
        at = text.find(sentence, search_from)
        if at < 0:
            continue
        search_from = at + len(sentence)
        if k in gone:
            out.append(text[keep_from:at])
            keep_from = search_from
    out.append(text[keep_from:])
    return fold_whitespace("".join(out))


def kept_batches(shard_index: int, map_path: Path, drop_files: list[Path]):
    """Record batches of one map shard without its dropped rows and sentences, in row order."""
    drop = dropped_rows(shard_index, drop_files)
    marked = dropped_sentences(shard_index, drop_files)
    offset = 0
    for batch in pq.ParquetFile(map_path).iter_batches(batch_size=ROW_GROUP_ROWS):
        n = batch.num_rows
        if marked:
            batch = remove_sentences(batch, offset, marked)
        if len(drop):
            idx = pa.array(np.arange(offset, offset + n, dtype=np.int32))
            batch = batch.filter(pc.invert(pc.is_in(idx, value_set=drop)))
        offset += n
        yield batch


def _write_file(output: Output, map_paths, drop_files, stats: Stats, progress) -> None:
    def batches() -> Iterator[pa.RecordBatch]:
        for i, path in enumerate(map_paths):
            yield from _counted(kept_batches(i, path, drop_files), stats)
            if progress:
                progress("write", i + 1, len(map_paths), Stats())

    with atomic_path(output.path) as tmp:
        output.writer.write(prefetched(batches()), tmp)


def _write_joined(output: Output, map_paths, drop_files, engine, stats: Stats, progress, scratch: Path) -> None:
    """Parts encoded in parallel, joined into the output in shard order as soon as each one's turn comes
    (a joined part is deleted: the extra disk is the parts that finished early)."""
    shutil.rmtree(scratch, ignore_errors=True)  # parts of an interrupted run: written again
    scratch.mkdir(parents=True)
    parts = [scratch / f"part-{i:05d}.parquet" for i in range(len(map_paths))]
    tasks = [(write_shard, (i, p, drop_files, part, output.writer))
             for i, (p, part) in enumerate(zip(map_paths, parts, strict=True))]
    done: set[int] = set()
    with atomic_path(output.path) as tmp, open(tmp, "wb") as fh:
        join = ParquetJoin(fh)
        for n, (i, result) in enumerate(engine.run(tasks), start=1):
            stats.merge(Stats.from_dict(result))
            done.add(i)
            while len(join.parts) in done:
                join.add(parts[len(join.parts)])
                parts[len(join.parts) - 1].unlink()
            if progress:
                progress("write", n, len(map_paths), Stats())
        join.close()
    shutil.rmtree(scratch, ignore_errors=True)


_DONE = object()


def prefetched(items: Iterable, depth: int = 4) -> Iterator:
    """``items`` in order, made ahead in a thread: one file has one writer, but reading
    and filtering the next batches overlaps encoding this one (pyarrow leaves the GIL)."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                slots.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_DONE, None))
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, raised there
            put((_DONE, e))

    thread = threading.Thread(target=produce, name="korpus-write-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item, error = slots.get()
            if item is _DONE:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _write_dir(output: Output, map_paths, drop_files, engine, stats: Stats, progress) -> None:
    output.path.mkdir(parents=True, exist_ok=True)
    parts = [output.part(i) for i in range(len(map_paths))]
    tasks = [(write_shard, (i, p, drop_files, part, output.writer))
             for i, (p, part) in enumerate(zip(map_paths, parts, strict=True))]
    for n, (_, result) in enumerate(engine.run(tasks), start=1):
        stats.merge(Stats.from_dict(result))
        if progress:
            progress("write", n, len(map_paths), Stats())
    remove_stale_parts(output.path, {p.name for p in parts})


def remove_stale_parts(folder: Path, written: set[str]) -> None:
    """Parts an earlier build left (more shards, or another format): not part of this corpus."""
    for stale in folder.glob("part-*"):
        if stale.name not in written and is_part_name(stale.name) and stale.is_file():
            stale.unlink()


def write_shard(i: int, map_path: Path, drop_files: list[Path], out_path: Path, writer: Writer) -> dict:
    stats = Stats()
    with atomic_path(out_path) as tmp:
        writer.write(_counted(kept_batches(i, map_path, drop_files), stats), tmp)
    return stats.to_dict()


def _counted(batches: Iterable[pa.RecordBatch], stats: Stats) -> Iterator[pa.RecordBatch]:
    """The non-empty batches, counted as written."""
    for batch in batches:
        if batch.num_rows:
            _count_written(batch, stats)
            yield batch


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


def export_txt(map_paths: list[Path], drop_files: list[Path], txt: Path) -> None:
    """BERT text format: one sentence per line, a blank line between documents.

    Read from the kept rows, in corpus order, so it is the same whatever the output format.
    """
    with atomic_path(txt) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        for i, path in enumerate(map_paths):
            for batch in kept_batches(i, path, drop_files):
                for sentences in batch.column("sentences").to_pylist():
                    fh.write("\n".join(s.replace("\n", " ") for s in sentences))
                    fh.write("\n\n")
