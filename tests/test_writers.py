"""The writer seam: Parquet and JSON Lines hold the same rows, resume and fail the same way."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_korpus

from korpus.build.config import BuildConfig, SourceSpec
from korpus.build.run import build
from korpus.build.writers import WRITERS, format_of_name, resolve_output, writer_for
from korpus.core.errors import ConfigError
from korpus.core.layout import corpus_files
from korpus.core.schema import COLUMNS

CODECS = {".jsonl": None, ".gz": "gzip", ".zst": "zstd"}


def sample(tmp_path: Path, out: str, **kw):
    return build(BuildConfig(out=str(tmp_path / out), workers=1, work_dir=str(tmp_path / "work"), **kw))


def jsonl_rows(path: Path) -> list[dict]:
    files = sorted(path.glob("part-*")) if path.is_dir() else [path]
    rows = []
    for f in files:
        # pyarrow's own streams: reading the output needs nothing the writer does not.
        with pa.input_stream(str(f), compression=CODECS[f.suffix]) as fh:
            rows += [json.loads(line) for line in fh.read().decode("utf-8").split("\n") if line]
    return rows


@pytest.fixture(scope="module")
def parquet_rows(tmp_path_factory) -> list[dict]:
    result = sample(tmp_path_factory.mktemp("pq"), "corpus.parquet")
    return pq.read_table(result.out).to_pylist()


@pytest.mark.parametrize("out", ["corpus.jsonl", "corpus.jsonl.gz", "corpus.jsonl.zst"])
def test_jsonl_file_has_the_parquet_rows(tmp_path, parquet_rows, out):
    result = sample(tmp_path, out)
    rows = jsonl_rows(result.out)
    assert rows == parquet_rows
    assert list(rows[0]) == list(COLUMNS)
    assert result.stats_path == tmp_path / "corpus.stats.json"
    assert result.stats.total("write", "docs") == len(rows)


def test_jsonl_folder_has_the_parquet_rows_in_part_order(tmp_path, parquet_rows):
    result = sample(tmp_path, "corpus/", format="jsonl.gz")
    assert sorted(p.name for p in result.out.iterdir())[0] == "part-00000.jsonl.gz"
    assert result.stats_path == tmp_path / "corpus.stats.json"
    assert jsonl_rows(result.out) == parquet_rows


def test_jsonl_keeps_korean_and_nulls_as_written(tmp_path):
    result = sample(tmp_path, "c.jsonl")
    line = result.out.read_text(encoding="utf-8").split("\n")[0]
    assert "\\u" not in line and any("\uac00" <= ch <= "\ud7a3" for ch in line)
    assert all(isinstance(r["sentences"], list) and (r["meta"] is None or isinstance(r["meta"], str))
               for r in jsonl_rows(result.out))


@pytest.mark.parametrize("out", ["corpus.jsonl", "corpus.jsonl.gz", "corpus.jsonl.zst", "corpus/"])
def test_jsonl_loads_in_hf_datasets(tmp_path, parquet_rows, out):
    datasets = pytest.importorskip("datasets")
    if out.endswith(".zst"):
        pytest.importorskip("zstandard")  # datasets (fsspec) reads .zst with it
    result = sample(tmp_path, out, format="jsonl" if out.endswith("/") else None)
    files = [str(p) for p in sorted(result.out.glob("part-*"))] if result.out.is_dir() else str(result.out)
    ds = datasets.load_dataset("json", data_files=files, split="train", cache_dir=str(tmp_path / "hf"))
    assert ds.column_names == list(COLUMNS)
    # datasets reads JSON with pyarrow, which takes ISO dates for (UTC) timestamps: the same instant,
    # another type. Every other value comes back as written.
    as_instant = [{**r, "date": r["date"] and datetime.fromisoformat(r["date"]).replace(tzinfo=None)}
                  for r in parquet_rows]
    assert ds.to_list() == as_instant


def output_bytes(out: Path) -> dict[str, bytes]:
    files = sorted(out.glob("part-*")) if out.is_dir() else [out]
    return {f.name: f.read_bytes() for f in files}


@pytest.mark.parametrize("out, fmt", [("c.jsonl.zst", None), ("c.jsonl.gz", "jsonl"), ("d/", "jsonl")])
def test_rerun_resumes_and_writes_the_same_bytes(tmp_path, out, fmt):
    first = sample(tmp_path, out, format=fmt, keep_work=True)
    before = output_bytes(first.out)
    again = sample(tmp_path, out, format=fmt)
    assert again.skipped_shards == again.shards > 0
    assert output_bytes(again.out) == before


def test_stale_temp_files_of_a_killed_jsonl_build_are_swept(tmp_path):
    stale = [tmp_path / ".tmp-c.jsonl.gz.k1l1ed", tmp_path / ".tmp-c.stats.json.k1l1ed",
             tmp_path / ".tmp-c.txt.k1l1ed"]
    for path in stale:
        path.write_bytes(b"half")
    sample(tmp_path, "c.jsonl.gz", export_txt=str(tmp_path / "c.txt"))
    assert not any(p.exists() for p in stale)
    assert (tmp_path / "c.stats.json").exists() and not (tmp_path / "c.jsonl.stats.json").exists()


def test_every_document_is_one_line_whatever_its_text():
    from korpus.build.writers.jsonl import encode_lines
    from korpus.core.schema import CORPUS_SCHEMA, Record, records_to_table

    docs = [Record(id="t/1", source="t", text="줄\n바꿈\u2028과\r끝\x85", sentences=["줄", "바꿈"]),
            Record(id="t/2", source="t", text="둘째", meta={"k": "값"})]
    batch = records_to_table(docs).to_batches()[0]
    assert batch.schema.equals(CORPUS_SCHEMA)
    lines = encode_lines(batch).decode("utf-8").split("\n")
    assert lines[-1] == "" and [json.loads(line) for line in lines[:-1]] == [d.as_row() for d in docs]


def test_export_txt_is_the_same_for_every_format(tmp_path):
    sample(tmp_path, "a.parquet", export_txt=str(tmp_path / "a.txt"))
    sample(tmp_path, "b.jsonl.gz", export_txt=str(tmp_path / "b.txt"))
    text = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert text.count("\n\n") > 20 and text == (tmp_path / "b.txt").read_text(encoding="utf-8")


def test_a_folder_rebuilt_in_another_format_holds_only_the_new_parts(tmp_path):
    first = sample(tmp_path, "corpus/", keep_work=True)
    assert corpus_files(tmp_path / "corpus")
    (tmp_path / "corpus" / "part-00999.jsonl").write_text("{}\n")  # as if an earlier build had more shards
    (tmp_path / "corpus" / "part-notes.txt").write_text("not a part")
    again = sample(tmp_path, "corpus/", format="jsonl")
    parts = sorted(p.name for p in (tmp_path / "corpus").glob("part-*"))
    assert parts == [f"part-{i:05d}.jsonl" for i in range(again.shards)] + ["part-notes.txt"]
    assert again.skipped_shards == first.shards  # the work folder is the same for every format


@pytest.mark.parametrize("out, fmt, named", [("x.parquet", "jsonl", "parquet"), ("x.jsonl", "parquet", "jsonl"),
                                             ("x.jsonl", "jsonl.gz", "jsonl"), ("x.jsonl.zst", "jsonl.gz", "jsonl.zst")])
def test_format_and_name_that_disagree_fail_before_any_input_is_read(tmp_path, out, fmt, named):
    # A missing input would be an InputError: the ConfigError comes first, and nothing is written.
    cfg = BuildConfig(out=str(tmp_path / out), format=fmt, workers=1,
                      sources=[SourceSpec("comments", str(tmp_path / "missing.txt"))])
    with pytest.raises(ConfigError, match=rf"{re.escape(out)} is a {named} file name but --format is {fmt}"):
        build(cfg)
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_names_the_known_ones(tmp_path):
    with pytest.raises(ConfigError) as err:
        writer_for("csv")
    assert str(err.value) == "--format 'csv': unknown format (known: parquet, jsonl, jsonl.gz, jsonl.zst)"
    with pytest.raises(ConfigError, match="unknown format"):
        resolve_output(str(tmp_path / "dir/"), "csv")


def test_output_names():
    assert format_of_name("a/b.jsonl.zst") == "jsonl.zst" and format_of_name("corpus") is None
    assert resolve_output("c.jsonl.gz", "jsonl").writer is WRITERS["jsonl.gz"]
    out = resolve_output("dir/", "jsonl.zst")
    assert out.as_dir and out.part(3).name == "part-00003.jsonl.zst"
    assert not resolve_output("c.parquet").as_dir and resolve_output("c").as_dir


def test_cli_format_flag_and_mismatch_message(tmp_path):
    ok = run_korpus("build", "--out", str(tmp_path / "d/"), "--format", "jsonl", "--workers", "1", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert sorted(p.name for p in (tmp_path / "d").glob("part-*"))[0] == "part-00000.jsonl"
    bad = run_korpus("build", "--out", str(tmp_path / "e.jsonl"), "--format", "parquet", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        f"korpus: --out {tmp_path / 'e.jsonl'} is a jsonl file name but --format is parquet: "
        "change one (a folder, e/, takes any format)"]
