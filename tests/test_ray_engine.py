"""A real local Ray cluster on 127.0.0.1 builds the same rows as the local engine."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import run_korpus

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    pytest.importorskip("ray")
    ray_bin = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    tmp = tmp_path_factory.mktemp("ray")
    port = "6399"
    start = subprocess.run(
        [ray_bin, "start", "--head", "--node-ip-address", "127.0.0.1", "--port", port, "--num-cpus", "2",
         "--include-dashboard", "false", "--temp-dir", str(tmp), "--disable-usage-stats"],
        capture_output=True, text=True, timeout=180,
    )
    assert start.returncode == 0, start.stdout + start.stderr
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray_bin, "stop", "--force"], capture_output=True, timeout=120)


def test_ray_engine_builds_the_same_rows_as_local(ray_cluster, tmp_path):
    src = tmp_path / "c.txt"
    rng = random.Random(5)
    words = "오늘 날씨 정말 좋네요 기사 잘 봤습니다 출근길 눈 버스 늦었어요 도서관 시장 경제 환율 걱정 영화 배우".split()
    lines = [" ".join(rng.choices(words, k=12)) + f" {i}" for i in range(5000)]
    lines += lines[:300]  # exact duplicates across ranges
    lines += [line + "요" for line in lines[1000:1200]]  # near duplicates: the band tasks run on Ray
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {"KORPUS_RANGE_BYTES": "30000"}
    common = ["build", "--source", f"comments={src}", "--source", "news=" + str(_sample("news"))]
    local = tmp_path / "local.parquet"
    run_korpus(*common, "--out", str(local), "--workers", "2", env=env, check=True)
    ray_out = tmp_path / "ray.parquet"
    proc = run_korpus(*common, "--out", str(ray_out), "--engine", "ray", "--ray-address", ray_cluster,
                      env=env, check=True)
    assert "built" in proc.stderr
    a, b = pl.read_parquet(local), pl.read_parquet(ray_out)
    assert a.height > 4500
    assert a.equals(b)
    counts = json.loads(ray_out.with_suffix(".stats.json").read_text(encoding="utf-8"))["counts"]
    assert counts["exact_dedup"]["comments"]["dropped:exact_duplicate"] == 300
    assert counts["near_dedup"]["comments"]["dropped:near_duplicate"] >= 180


def _sample(name: str) -> Path:
    return Path(__file__).resolve().parents[1] / "korpus" / "sample" / name
