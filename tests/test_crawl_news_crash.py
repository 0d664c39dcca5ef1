"""A news crawl killed outright (SIGKILL) and run again: nothing lost, nothing twice."""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest
from mirrors import Mirror, article_html, korean_text, urlset

N_ARTICLES = 8


@pytest.mark.crash
def test_sigkill_mid_crawl_then_resume(tmp_path):
    rng = random.Random(11)
    with Mirror() as mirror:
        paths = [f"/n/{i}.html" for i in range(N_ARTICLES)]
        for i, path in enumerate(paths):
            paras = [korean_text(rng, 40) + "." for _ in range(3)]
            mirror.add(path, article_html(f"기사 {i}", f"2024-01-{i + 1:02d}", paras))
        mirror.add("/robots.txt", "User-agent: *\nAllow: /\n")
        mirror.add("/sitemap.xml", urlset([(mirror.url(p), None) for p in paths]))
        mirror.slow["/n/"] = 0.3
        cmd = [sys.executable, "-m", "korpus", "crawl", "news", "--sitemap", mirror.url("/sitemap.xml"),
               "--out", str(tmp_path), "--delay", "0", "--concurrency", "1", "--shard-size", "2",
               "--log-level", "ERROR"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (tmp_path / "part-00001.parquet").exists():
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=30)
        first = sorted(p.name for p in tmp_path.glob("part-*.parquet"))
        assert first and len(first) < N_ARTICLES // 2, first
        stored_before = {u for p in tmp_path.glob("part-*.parquet")
                         for u in pq.read_table(p, columns=["url"]).column("url").to_pylist()}
        mirror.slow.clear()
        mark = len(mirror.log)
        again = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        refetched = {mirror.url(e.path) for e in mirror.log[mark:] if e.path.startswith("/n/")}
    assert again.returncode == 0, again.stderr
    urls = [u for p in sorted(tmp_path.glob("part-*.parquet"))
            for u in pq.read_table(p, columns=["url"]).column("url").to_pylist()]
    assert sorted(urls) == sorted(mirror.url(p) for p in paths)  # all, each once
    assert not (refetched & stored_before)
