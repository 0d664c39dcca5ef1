"""``korpus pretrain data`` on the engines: small tasks that read their own rows, same bytes anywhere."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_korpus
from test_pretrain_fixtures import make_documents, write_corpus, write_vocab
from test_ray_engine import ray_cluster  # noqa: F401 - the fixture, for the Ray test below

from korpus.core.io import TMP_PREFIX
from korpus.pretrain.data import build_pretraining_data
from korpus.pretrain.shards import plan_shards, read_shard


def corpus_files(tmp_path: Path) -> list[Path]:
    """Two corpus files of row groups of 7 rows: shards cross row groups and files."""
    files = []
    for i, seed in enumerate((3, 4)):
        path = write_corpus(tmp_path / f"whole-{i}.parquet", make_documents(50, seed=seed))
        small = tmp_path / f"c-{i}.parquet"
        pq.write_table(pq.read_table(path), small, row_group_size=7)
        path.unlink()
        files.append(small)
    return files


def records_digest(out: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((out / "records").glob("*.tfrecord"))]


def test_tasks_are_small_references_that_read_back_every_row_once(tmp_path):
    files = corpus_files(tmp_path)
    tasks = plan_shards(files, shard_bytes=1_500)
    assert len(tasks) > 4 and [t.index for t in tasks] == list(range(len(tasks)))
    assert max(len(pickle.dumps(t)) for t in tasks) < 1_000
    assert any(len(t.parts) == 2 for t in tasks)  # a shard that spans both files
    rows = pa.concat_tables([read_shard(t) for t in tasks])
    whole = pa.concat_tables(pq.read_table(f, columns=["source", "sentences"]) for f in files)
    assert rows.column("sentences").to_pylist() == whole.column("sentences").to_pylist()
    assert rows.column("source").to_pylist() == whole.column("source").to_pylist()


def test_shards_are_balanced_by_size(tmp_path):
    """Just over one shard's worth: two halves, not a full shard and a sliver that idles a worker."""
    files = corpus_files(tmp_path)
    total = sum(len(s.encode("utf-8")) for f in files
                for sentences in pq.read_table(f, columns=["sentences"]).column("sentences").to_pylist()
                for s in sentences)
    tasks = plan_shards(files, shard_bytes=int(total * 0.9))
    sizes = [sum(len(s.encode("utf-8")) for row in read_shard(t).column("sentences").to_pylist() for s in row)
             for t in tasks]
    assert len(tasks) == 2 and sum(sizes) == total
    assert min(sizes) > 0.4 * total, sizes


def test_a_rerun_resumes_and_sweeps_a_killed_runs_temp_files(tmp_path):
    corpus = write_corpus(tmp_path / "c.parquet", make_documents())
    vocab = write_vocab(tmp_path / "vocab.txt")
    out = tmp_path / "out"
    first = build_pretraining_data(corpus, vocab, out, shard_mb=0.004)
    leftovers = [out / "records" / f"{TMP_PREFIX}pretrain-00001.tfrecord.abc",
                 out / "shards" / f"{TMP_PREFIX}pretrain-00001.json.abc", out / f"{TMP_PREFIX}manifest.json.abc"]
    for path in leftovers:
        path.write_bytes(b"half written")
    others = out / f"{TMP_PREFIX}corpus.parquet.abc"  # another command's, perhaps still writing
    others.write_bytes(b"not ours")
    again = build_pretraining_data(corpus, vocab, out, shard_mb=0.004)
    assert again["run"]["shards_resumed"] == first["counts"]["shards"]
    assert not any(path.exists() for path in leftovers)
    assert others.exists()


@pytest.mark.ray
def test_ray_engine_writes_the_same_records_as_the_local_pool(ray_cluster, tmp_path):  # noqa: F811
    corpus = write_corpus(tmp_path / "c.parquet", make_documents(80))
    vocab = write_vocab(tmp_path / "vocab.txt")
    common = ["pretrain", "data", "--corpus", str(corpus), "--vocab", str(vocab), "--shard-mb", "0.004",
              "--dupe-factor", "2"]
    run_korpus(*common, "--out", str(tmp_path / "local"), "--workers", "2", check=True)
    proc = run_korpus(*common, "--out", str(tmp_path / "ray"), "--engine", "ray",
                      "--ray-address", ray_cluster, check=True)
    assert "records in" in proc.stdout
    local = records_digest(tmp_path / "local")
    assert len(local) > 2
    assert records_digest(tmp_path / "ray") == local
    ran = {name: json.loads((tmp_path / name / "manifest.json").read_text())["run"] for name in ("local", "ray")}
    assert (ran["local"]["engine"], ran["ray"]["engine"]) == ("local", "ray")
