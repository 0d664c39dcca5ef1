"""Duplicate removal through ``korpus build``: planted near copies in JSONL inputs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest

from korpus.build.config import BuildConfig, SourceSpec
from korpus.build.run import BuildResult, build

ARTICLES = [
    "서울시는 내일부터 지하철과 버스 요금을 150원씩 올린다고 오늘 발표했다. 시민들의 반응은 엇갈렸다. "
    "출퇴근길 부담이 커진다는 목소리와 적자를 메우려면 어쩔 수 없다는 의견이 함께 나왔다.",
    "이 영화는 배우들의 연기가 정말 훌륭했고 음악도 아름다웠다. 다만 결말이 조금 아쉬웠다는 평이 많다. "
    "그래도 극장에서 한 번쯤 볼 만한 작품이라는 데에는 대부분의 관객이 동의했다.",
    "국회는 본회의를 열어 지방공무원법 일부개정법률안을 재석 의원 과반수의 찬성으로 통과시켰다고 밝혔다. "
    "개정안은 육아휴직 대상 자녀의 나이를 만 8세 이하로 넓히는 내용을 담았다.",
    "대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다. 이는 헌법 제1조 제2항의 내용이다. "
    "헌법은 또한 국민의 자유와 권리를 보장하고 그 한계를 법률로 정하도록 하고 있다.",
    "기상청은 이번 주말 전국에 비가 내리고 기온이 크게 떨어질 것으로 내다봤다. 산간 지역에는 눈이 올 수도 있다. "
    "외출할 때는 우산과 따뜻한 옷을 챙기는 것이 좋겠다고 당부했다.",
    "새로 문을 연 동네 도서관은 주말에도 밤 열 시까지 운영한다. 어린이 열람실과 작은 카페도 함께 마련됐다. "
    "주민들은 아이들과 함께 갈 곳이 생겨 반갑다는 반응을 보였다.",
]


def fixture_files(tmp: Path) -> tuple[list[Path], set[str], set[str]]:
    """Three JSONL files; returns them, the ids that must stay and those that must go."""
    rows = [[], [], []]
    keep, drop = set(), set()
    for i, text in enumerate(ARTICLES):
        rows[i % 3].append({"id": f"a{i}", "text": text})
        keep.add(f"jsonl/a{i}")
    # Near copies in other files: spacing changed and one typo, so shorter than the original.
    for i in (0, 2, 4):
        copy = text_variant(ARTICLES[i])
        rows[(i + 1) % 3].append({"id": f"a{i}-near", "text": copy})
        drop.add(f"jsonl/a{i}-near")
    # An exact copy (spacing only; the cleaner collapses the spaces, so both are
    # as long): the smaller id stays.
    rows[2].insert(0, {"id": "a1-exact", "text": ARTICLES[1].replace(" ", "  ", 3) + " "})
    drop.add("jsonl/a1-exact")
    # A near copy with a sentence added: longer, so it stays and the original goes.
    rows[0].append({"id": "a3-longer", "text": ARTICLES[3] + " 이상은 해설이다."})
    keep |= {"jsonl/a3-longer"}
    keep -= {"jsonl/a3"}
    drop |= {"jsonl/a3"}
    paths = []
    for k, part in enumerate(rows):
        path = tmp / f"part{k}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
        paths.append(path)
    return paths, keep, drop


def text_variant(text: str) -> str:
    return text.replace(" ", "", 2)[:-8] + "됬" + text[-7:]


def run_build(files: list[Path], out: Path, workers: int) -> BuildResult:
    cfg = BuildConfig(sources=[SourceSpec("jsonl", str(f)) for f in files], out=str(out),
                      work_dir=str(out.parent / "work"), workers=workers)
    return build(cfg)


def kept_ids(out: Path) -> set[str]:
    return set(pl.read_parquet(out, columns=["id"])["id"])


def test_build_removes_exact_and_near_copies(tmp_path):
    files, keep, drop = fixture_files(tmp_path)
    result = run_build(files, tmp_path / "a" / "corpus.parquet", workers=1)
    ids = kept_ids(result.out)
    assert keep <= ids
    assert not (drop & ids)
    assert result.stats.total("exact_dedup", "dropped:exact_duplicate") == 1
    assert result.stats.total("near_dedup", "dropped:near_duplicate") == 4
    report = result.reports_dir / "near_dedup"  # moved beside the corpus: corpus.reports/near_dedup/
    removed = pl.read_parquet(report / "removed.parquet")
    assert dict(removed.select("id", "kept_id").iter_rows())["jsonl/a3"] == "jsonl/a3-longer"
    summary = json.loads((report / "clusters.json").read_text(encoding="utf-8"))
    assert summary["removed"] == 4
    assert all("jaccard" in p for p in summary["sample_pairs"])  # map shards readable: texts shown


def test_same_output_for_any_file_order_and_worker_count(tmp_path):
    files, _, _ = fixture_files(tmp_path)
    first = kept_ids(run_build(files, tmp_path / "w1" / "c.parquet", workers=1).out)
    shuffled = list(files)
    random.Random(3).shuffle(shuffled)
    assert shuffled != files
    second = kept_ids(run_build(shuffled, tmp_path / "w2" / "c.parquet", workers=2).out)
    assert first == second


def test_map_task_sidecars_equal_the_ones_read_back_from_the_shards(tmp_path):
    """One pass: each step's sidecar written by the map task, row batches in hand, equals its
    shard pass over the finished shard on disk (the fallback for a sidecar the map did not write)."""
    import pyarrow.parquet as pq

    from korpus.build.dedup_phase import planned_steps, sidecar_path
    from korpus.core.stats import Stats
    from korpus.dedup.config import DedupConfig

    files, _, _ = fixture_files(tmp_path)
    config = BuildConfig(sources=[SourceSpec("jsonl", str(f)) for f in files], out=str(tmp_path / "c.parquet"),
                         workers=1, keep_work=True, dedup=DedupConfig(sentences=True))
    result = build(config)
    shards = sorted((result.work_dir / "map").glob("part-*.parquet"))
    steps = planned_steps(config, result.work_dir)
    assert len(shards) == 3 and [s.name for s, _ in steps] == ["exact_dedup", "near_dedup", "sentence_dedup"]
    for step, gdir in steps:
        for i, shard in enumerate(shards):
            again = tmp_path / "again" / f"{step.name}-{i}.parquet"
            step.shard_pass(i, shard, again, Stats())
            written = pq.read_table(sidecar_path(gdir, i))
            assert written.num_rows > 0 and written.equals(pq.read_table(again)), (step.name, i)
    assert result.stats.seconds.get("near_dedup:sidecar", 0) > 0
    assert "near_dedup:shard_pass" not in result.stats.seconds  # nothing read back: the map wrote them all


@pytest.mark.slow
def test_cli_build(tmp_path):
    """The command line path the issue names."""
    import subprocess
    import sys

    files, keep, drop = fixture_files(tmp_path)
    merged = tmp_path / "all.jsonl"
    merged.write_text("".join(f.read_text(encoding="utf-8") for f in files), encoding="utf-8")
    out = tmp_path / "X.parquet"
    subprocess.run([sys.executable, "-m", "korpus", "build", "--source", f"jsonl={merged}", "--out", str(out),
                    "--work-dir", str(tmp_path / "TMP"), "--workers", "1"], check=True)
    assert not (kept_ids(out) & drop)
