"""Joining Parquet parts into one file: the footer codec, the join, and the build's single-file output."""

from __future__ import annotations

import hashlib
import json
import random

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_korpus

from korpus.core.parquet import ROW_GROUP_ROWS, parquet_writer
from korpus.core.parquet_join import JoinError, join_parquet, read_footer
from korpus.core.schema import CORPUS_SCHEMA, Record, records_to_table
from korpus.core.thrift_compact import ThriftError, read_struct, write_struct


def corpus_batches(n_batches: int, rows: int = 50) -> list[pa.RecordBatch]:
    rng = random.Random(5)
    words = "오늘 날씨 정말 좋네요 기사 잘 봤습니다 출근길 버스 늦었어요 경제 환율".split()
    batches = []
    for b in range(n_batches):
        records = []
        for r in range(rows):
            sentences = [" ".join(rng.choices(words, k=rng.randint(2, 8))) + "." for _ in range(rng.randint(0, 4))]
            records.append(Record(id=f"s/{b}:{r}", source=["news", "comments"][r % 2],
                                  text=" ".join(sentences) or "짧은 글", sentences=sentences))
        batches.extend(records_to_table(records).to_batches())
    return batches


def write(path, batches) -> None:
    with parquet_writer(path) as writer:
        for batch in batches:
            writer.write_table(pa.Table.from_batches([batch], CORPUS_SCHEMA), row_group_size=ROW_GROUP_ROWS)


def test_footers_decode_and_encode_to_the_same_bytes(tmp_path):
    tables = {"corpus": pa.Table.from_batches(corpus_batches(3)),
              "types": pa.table({"b": [True, False, None], "f": [1.5, None, -2.0], "i": [1, 2**40, -3],
                                 "m": pa.array([[("k", 1)], [], None], pa.map_(pa.string(), pa.int64())),
                                 "n": [{"x": [1, 2]}, None, {"x": []}], "d": pa.array(["a", "b", "a"]).dictionary_encode()})}
    for name, table in tables.items():
        path = tmp_path / f"{name}.parquet"
        pq.write_table(table, path, row_group_size=2)
        raw = path.read_bytes()
        length = int.from_bytes(raw[-8:-4], "little")
        footer = raw[-8 - length:-8]
        assert write_struct(read_struct(footer)) == footer, name


def test_damaged_footers_are_an_error_not_a_crash():
    for raw in (b"\x15", b"\x18\x05ab", b"\x19\xf5", b"\x16\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"):
        with pytest.raises(ThriftError):
            read_struct(raw)


@pytest.mark.parametrize("cuts", [[0, 3, 7, 12], [0, 0, 5, 5, 12], [0, 12, 12]])  # empty parts first, between, last
def test_joined_parts_are_the_file_one_writer_gives(tmp_path, cuts):
    batches = corpus_batches(12)
    write(tmp_path / "one.parquet", batches)
    parts = []
    for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        parts.append(tmp_path / f"part-{k}.parquet")
        write(parts[-1], batches[a:b])
    join_parquet(parts, tmp_path / "joined.parquet")
    one, joined = (tmp_path / "one.parquet").read_bytes(), (tmp_path / "joined.parquet").read_bytes()
    assert hashlib.sha256(joined).hexdigest() == hashlib.sha256(one).hexdigest()
    assert pq.ParquetFile(tmp_path / "joined.parquet").metadata.num_row_groups == 12
    assert pl.read_parquet(tmp_path / "joined.parquet").height == 600


def test_parts_the_join_cannot_move_are_refused(tmp_path):
    table = pa.Table.from_batches(corpus_batches(1))
    pq.write_table(table, tmp_path / "plain.parquet")
    pq.write_table(table, tmp_path / "indexed.parquet", write_page_index=True)
    pq.write_table(pa.table({"other": [1]}), tmp_path / "other.parquet")
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 not really")
    for bad, message in (("indexed", "page index"), ("other", "another schema"), ("junk", "not a Parquet file")):
        with pytest.raises(JoinError, match=message):
            join_parquet([tmp_path / "plain.parquet", tmp_path / f"{bad}.parquet"], tmp_path / "out.parquet")
    assert read_footer(tmp_path / "plain.parquet")[1] > 4


def test_build_with_two_workers_writes_the_bytes_one_worker_writes(tmp_path):
    src = tmp_path / "c.txt"
    rng = random.Random(9)
    words = "오늘 날씨 정말 좋네요 기사 잘 봤습니다 출근길 눈 버스 늦었어요 도서관 시장 경제 환율 걱정".split()
    src.write_text("".join(" ".join(rng.choices(words, k=10)) + f". 그리고 {i}번.\n" for i in range(6_000)),
                   encoding="utf-8")
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}" / "corpus.parquet"
        run_korpus("build", "--source", f"comments={src}", "--out", str(out), "--workers", workers,
                   "--work-dir", str(tmp_path / f"work{workers}"), env={"KORPUS_RANGE_BYTES": "40000"}, check=True)
        outs.append(out)
    stats = json.loads(outs[1].with_suffix(".stats.json").read_text(encoding="utf-8"))
    assert stats["counts"]["write"]["*"]["shards"] > 5  # the join path: several parts
    assert not list((tmp_path / "work2").rglob("write"))  # the parts are gone once joined
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert pq.ParquetFile(outs[1]).metadata.num_row_groups > 5
