import pyarrow.parquet as pq
import pytest

from korpus.core.io import atomic_path
from korpus.core.layout import corpus_files
from korpus.core.parquet import write_records
from korpus.core.schema import COLUMNS, CORPUS_SCHEMA, Record, records_to_table, table_to_records


def sample_records():
    return [
        Record(id="jsonl/a", source="jsonl", text="첫 문서이다.", sentences=["첫 문서이다."], meta={"k": 1}),
        Record(id="wiki/7", source="wiki", text="둘째.", title="제목", url="u", date="2026-01-01",
               sentences=["둘째."]),
    ]


def test_schema_has_the_documented_columns():
    assert COLUMNS == ("id", "source", "title", "url", "date", "text", "sentences", "meta")
    assert str(CORPUS_SCHEMA.field("sentences").type) == "list<item: string>"


def test_records_round_trip_through_parquet(tmp_path):
    path = tmp_path / "x.parquet"
    assert write_records(sample_records(), path) == 2
    table = pq.read_table(path)
    assert table.schema.equals(CORPUS_SCHEMA, check_metadata=False)
    back = list(table_to_records(table))
    assert back == sample_records()
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_empty_corpus_is_still_valid_parquet(tmp_path):
    path = tmp_path / "empty.parquet"
    assert write_records([], path) == 0
    assert pq.read_table(path).num_rows == 0


def test_atomic_path_leaves_nothing_on_error(tmp_path):
    final = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_path(final) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_corpus_files_of_folder_skips_temp_files(tmp_path):
    write_records(sample_records(), tmp_path / "part-00001.parquet")
    write_records(sample_records(), tmp_path / "part-00000.parquet")
    (tmp_path / ".tmp-part-00002.parquet.x").write_text("partial")
    assert [p.name for p in corpus_files(tmp_path)] == ["part-00000.parquet", "part-00001.parquet"]
    with pytest.raises(FileNotFoundError):
        corpus_files(tmp_path / "missing")


def test_table_conversion_is_columnar():
    table = records_to_table(sample_records())
    assert table.column("meta").to_pylist() == ['{"k": 1}', None]
