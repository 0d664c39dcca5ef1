"""The build end to end: bundled sample, resume, ids, output layouts, formats."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from conftest import REPO, run_korpus

from korpus.build.config import BuildConfig
from korpus.build.run import build
from korpus.core.schema import CORPUS_SCHEMA

SAMPLE = REPO / "korpus" / "sample"


def sample_build(tmp_path: Path, **kw) -> Path:
    out = tmp_path / "corpus.parquet"
    build(BuildConfig(out=str(out), workers=1, work_dir=str(tmp_path / "work"), **kw))
    return out


@pytest.fixture(scope="module")
def sample_corpus(tmp_path_factory) -> Path:
    return sample_build(tmp_path_factory.mktemp("sample"))


def test_sample_build_schema_sentences_and_no_duplicate_text(sample_corpus):
    table = pq.read_table(sample_corpus)
    assert table.schema.equals(CORPUS_SCHEMA, check_metadata=False)
    df = pl.from_arrow(table)
    assert df.height > 20
    assert set(df["source"]) == {"wiki", "news", "comments", "law"}
    assert df["sentences"].list.len().min() > 0
    assert df["text"].n_unique() == df.height
    assert df["id"].n_unique() == df.height


def test_sample_ids_trace_back_to_their_input(sample_corpus):
    df = pl.read_parquet(sample_corpus)
    wiki_xml = (SAMPLE / "kowiki-sample-pages-articles.xml").read_text(encoding="utf-8")
    comments = (SAMPLE / "comments.txt").read_text(encoding="utf-8").split("\n")
    for rid, text in df.select("id", "text").iter_rows():
        kind, _, native = rid.partition("/")
        if kind == "wiki":
            assert f"<id>{native}</id>" in wiki_xml
        elif kind == "comments":
            stem, _, line = native.rpartition(":")
            assert stem == "comments"
            assert comments[int(line) - 1].split()[0] in text
        elif kind == "news":
            assert native in (SAMPLE / "news" / "NIRW-sample-2026.json").read_text(encoding="utf-8")
        else:
            assert kind == "law"


def test_sample_drops_are_counted_with_reasons(sample_corpus):
    stats = json.loads(sample_corpus.with_suffix(".stats.json").read_text(encoding="utf-8"))
    counts = stats["counts"]
    assert counts["read"]["wiki"]["dropped:redirect"] == 1
    assert counts["read"]["wiki"]["dropped:not_article"] == 2
    assert counts["exact_dedup"]["news"]["dropped:exact_duplicate"] == 1
    written = sum(v.get("docs", 0) for v in counts["write"].values())
    assert written == pq.read_metadata(sample_corpus).num_rows


def test_rerun_resumes_every_shard(tmp_path):
    out = sample_build(tmp_path, keep_work=True)
    first = pq.read_table(out)
    result = build(BuildConfig(out=str(out), workers=1, work_dir=str(tmp_path / "work")))
    assert result.skipped_shards == result.shards > 0
    assert pq.read_table(out).equals(first)


def test_changed_options_do_not_reuse_old_shards(tmp_path):
    sample_build(tmp_path, keep_work=True)
    cfg = BuildConfig(out=str(tmp_path / "corpus.parquet"), workers=1, work_dir=str(tmp_path / "work"))
    cfg.filter.min_chars = 30
    assert build(cfg).skipped_shards == 0


def test_jsonl_source_keeps_its_ids(tmp_path):
    src = tmp_path / "docs.jsonl"
    rows = [{"id": "a-1", "text": "첫 번째 문서의 본문입니다. 두 문장입니다."},
            {"id": "b-2", "text": "두 번째 문서의 본문입니다.", "title": "둘"},
            {"text": "아이디가 없는 문서의 본문입니다."}]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "c.parquet"
    run_korpus("build", "--source", f"jsonl={src}", "--out", str(out), "--workers", "1", check=True)
    df = pl.read_parquet(out)
    assert sorted(df["id"]) == ["jsonl/a-1", "jsonl/b-2", "jsonl/docs:3"]
    assert df.filter(pl.col("id") == "jsonl/b-2")["title"][0] == "둘"


def test_directory_output_writes_shards_and_stats(tmp_path):
    out = tmp_path / "corpus"
    build(BuildConfig(out=str(out) + "/", workers=1, work_dir=str(tmp_path / "work")))
    parts = sorted(p.name for p in out.glob("part-*.parquet"))
    assert parts[0] == "part-00000.parquet" and len(parts) >= 4
    assert (tmp_path / "corpus.stats.json").exists()
    assert [p.name for p in out.iterdir() if not p.name.startswith("part-")] == []  # only the parts
    assert pl.read_parquet(out)["text"].n_unique() > 20


def test_ranges_of_one_file_give_the_same_rows_as_one_shard(tmp_path):
    src = tmp_path / "big.txt"
    rng = random.Random(3)
    words = "오늘 날씨 정말 좋네요 기사 잘 봤습니다 출근길 눈 버스 늦었어요 도서관 시장 경제 환율 걱정 영화 배우".split()
    src.write_text("".join(" ".join(rng.choices(words, k=12)) + f" {i}\n" for i in range(3000)), encoding="utf-8")
    one = tmp_path / "one.parquet"
    many = tmp_path / "many.parquet"
    cmd = ["build", "--source", f"comments={src}", "--workers", "2"]
    run_korpus(*cmd, "--out", str(one), check=True)
    run_korpus(*cmd, "--out", str(many), env={"KORPUS_RANGE_BYTES": "4096"}, check=True)
    a, b = pl.read_parquet(one), pl.read_parquet(many)
    stats = json.loads(many.with_suffix(".stats.json").read_text())
    assert stats["counts"]["write"]["*"]["shards"] > 10
    assert a.equals(b)
    assert a.height > 2900 and a["id"][-1] == "comments/big:3000"


def test_output_loads_in_other_tools(sample_corpus):
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(f"select count(*) from read_parquet('{sample_corpus}')").fetchall()[0][0]
    assert n == pq.read_metadata(sample_corpus).num_rows
    sentences = duckdb.sql(f"select sum(len(sentences)) from read_parquet('{sample_corpus}')").fetchall()[0][0]
    assert sentences == pl.read_parquet(sample_corpus)["sentences"].list.len().sum()


def test_output_loads_in_hf_datasets(sample_corpus, tmp_path):
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files=str(sample_corpus), split="train",
                               cache_dir=str(tmp_path / "hf"))
    assert ds.num_rows == pq.read_metadata(sample_corpus).num_rows
    assert isinstance(ds[0]["sentences"], list)


def test_killed_build_resumes_to_the_same_rows(tmp_path):
    src = tmp_path / "c.txt"
    src.write_text("".join(f"{i}번째 문장을 씁니다. 그리고 {i * 7}을 더합니다.\n" for i in range(40_000)),
                   encoding="utf-8")
    env = {"KORPUS_RANGE_BYTES": "60000"}
    args = ["build", "--source", f"text={src}", "--source", f"comments={src}", "--workers", "1"]
    ref = tmp_path / "ref.parquet"
    run_korpus(*args, "--out", str(ref), env=env, check=True)
    out = tmp_path / "out.parquet"
    proc = subprocess.Popen([sys.executable, "-m", "korpus", *args, "--out", str(out)],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = tmp_path / ".korpus-work"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(work.glob("*/map/*.stats.json"))) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    done_before = len(list(work.glob("*/map/*.stats.json")))
    assert done_before >= 3
    run_korpus(*args, "--out", str(out), env=env, check=True)
    assert pl.read_parquet(out).equals(pl.read_parquet(ref))
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_prefetched_keeps_order_raises_and_stops_early():
    import threading

    from korpus.build.write_phase import prefetched

    assert list(prefetched(iter(range(1000)), depth=3)) == list(range(1000))

    def failing():
        yield 1
        raise OSError("disk gone")

    got = []
    with pytest.raises(OSError, match="disk gone"):
        for item in prefetched(failing()):
            got.append(item)
    assert got == [1]

    made = []

    def endless():
        n = 0
        while True:
            made.append(n)
            yield n
            n += 1

    stream = prefetched(endless(), depth=2)
    assert [next(stream) for _ in range(5)] == [0, 1, 2, 3, 4]
    stream.close()  # the consumer stops: the thread must end, having made only a few ahead
    assert not any(t.name == "korpus-write-prefetch" for t in threading.enumerate())
    assert len(made) <= 5 + 2 + 2


def _pid_file() -> None:
    Path(os.environ["KORPUS_TEST_WARM_DIR"], str(os.getpid())).touch()


def _warm_fails() -> None:
    raise RuntimeError("warm-up failed")


def _pid() -> int:
    time.sleep(0.2)  # long enough that the two tasks meet two workers
    return os.getpid()


def test_engine_start_spawns_every_worker_and_warms_it(tmp_path, monkeypatch):
    from korpus.build.engines import LocalEngine

    monkeypatch.setenv("KORPUS_TEST_WARM_DIR", str(tmp_path))
    engine = LocalEngine(2)
    try:
        engine.start(_pid_file)
        pids = {pid for _, pid in engine.run([(_pid, ())] * 4)}
    finally:
        engine.close()
    assert len(pids) == 2
    assert {int(p.name) for p in tmp_path.iterdir()} == pids


def test_a_failing_warm_up_leaves_the_workers_working():
    from korpus.build.engines import LocalEngine

    engine = LocalEngine(2)
    try:
        engine.start(_warm_fails)
        assert sorted(r for _, r in engine.run([(abs, (-n,)) for n in range(5)])) == [0, 1, 2, 3, 4]
    finally:
        engine.close()


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_ctrl_c_that_another_thread_receives_stops_the_wait_at_once():
    """The kernel may hand SIGINT to any thread; the main thread, waiting for tasks, must still act on it."""
    import threading

    from korpus.build.engines import LocalEngine

    def interrupt() -> None:
        time.sleep(0.5)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # received here, raised in the main thread

    engine = LocalEngine(2)
    t0 = time.perf_counter()
    threading.Thread(target=interrupt, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            list(engine.run([(_sleep, (10,)), (_sleep, (10,))]))
    finally:
        engine.close(wait=False)
    assert time.perf_counter() - t0 < 5


def test_closing_at_once_leaves_no_executor_thread_behind():
    """An executor thread still running at exit makes Python's atexit hook print a traceback
    (a build that fails on a bad input right after its workers started)."""
    from korpus.build.engines import LocalEngine

    engine = LocalEngine(2)
    engine.start()
    list(engine.run([(abs, (-1,)), (abs, (-2,))]))
    thread = engine._pool._executor_manager_thread
    engine.close(wait=False)
    assert not thread.is_alive()
