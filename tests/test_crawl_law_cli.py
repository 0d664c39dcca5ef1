"""`korpus crawl law` end to end, one crawl per process, against the local fake
API (tests/lawserver.py): retries under 429/503 bursts, every target with
paging, refusals that must stop the crawl, kill-and-resume, increments."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import REPO, run_korpus
from lawserver import TARGET_NAMES, LawServer

from korpus.core.schema import CORPUS_SCHEMA

FAST = ("--delay", "0", "--backoff", "0.02", "--concurrency", "4")


def crawl(server: LawServer, out: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return run_korpus("crawl", "law", "--api-base", server.base, "--out", str(out), *FAST, *args,
                      env={"KORPUS_LAW_OC": server.oc}, timeout=timeout)


def stored_rows(out: Path) -> list[dict]:
    return [row for shard in sorted(out.glob("part-*.parquet")) for row in pq.read_table(shard).to_pylist()]


def stored_ids(out: Path) -> list[str]:
    return [row["id"] for row in stored_rows(out)]


def files_containing(root: Path, needle: str) -> list[Path]:
    data = needle.encode()
    return [p for p in root.rglob("*") if p.is_file() and data in p.read_bytes()]


def test_250_statutes_under_429_503_bursts_stored_once_and_the_key_nowhere(tmp_path):
    out = tmp_path / "law"
    with LawServer(counts={"law": 250}, fail_every=7, fail_kinds=(503, 429)) as server:
        proc = crawl(server, out, "--target", "law", "--keep-raw", "--batch-size", "40")
        expected = server.expected_ids("law")
        injected = sum(server.injected.values())
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert injected >= 250 // 7  # the faults really happened
    ids = stored_ids(out)
    assert len(ids) == 250 and set(ids) == expected
    assert "stored 250" in proc.stdout and "new 250" in proc.stdout
    assert server.oc not in proc.stdout + proc.stderr
    assert files_containing(out, server.oc) == []
    raws = list((out / "_raw" / "law").glob("*.xml"))
    assert len(raws) == 250 and all(b"<\xeb\xb2\x95\xeb\xa0\xb9" in p.read_bytes()[:200] for p in raws[:5])  # <법령
    for shard in out.glob("part-*.parquet"):
        assert pq.read_schema(shard).equals(CORPUS_SCHEMA, check_metadata=False)


def test_every_target_paged_with_records_in_the_corpus_schema(tmp_path):
    counts = {"law": 23, "prec": 25, "admrul": 12, "ordin": 11, "detc": 10, "expc": 9}
    out = tmp_path / "all"
    with LawServer(counts=counts, fail_every=9, fail_kinds=(503, "reset", "hang", 429),
                   hang_seconds=1.0) as server:
        proc = crawl(server, out, "--display", "10", "--timeout", "0.3", "--keep-raw", "--log-level", "DEBUG")
        expected = server.expected_ids()
        pages = dict(server.list_hits)
        injected = dict(server.injected)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert injected.get("reset") and injected.get("hang")
    rows = stored_rows(out)
    assert sorted(r["id"] for r in rows) == sorted(expected)
    for target, n in counts.items():
        assert f"{target}: listed {n} of {n}; new {n}" in proc.stdout
        assert {p for (t, p) in pages if t == target} == set(range(1, -(-n // 10) + 1))
    for row in rows:
        target = row["id"].split("/")[1]
        meta = json.loads(row["meta"])
        assert row["source"] == "law" and row["text"].startswith(row["title"] + "\n")
        assert row["url"].startswith(server.base + "/lawService.do?") and "OC" not in row["url"]
        assert row["date"] and len(row["date"]) == 10 and row["date"][4] == "-"
        assert meta["target"] == target
    law = next(json.loads(r["meta"]) for r in rows if r["id"].startswith("law/law/"))
    assert {"법령ID", "MST", "공포일자", "시행일자", "소관부처", "법령구분명"} <= set(law)
    assert {p.parent.name for p in (out / "_raw").rglob("*.xml")} == set(TARGET_NAMES)
    assert files_containing(out, server.oc) == []
    assert "Retrying <GET" in proc.stderr and "OC=***" in proc.stderr  # DEBUG logs URLs, masked
    assert server.oc not in proc.stdout + proc.stderr


@pytest.mark.parametrize("mode, words", [
    ("auth-error", "사용자 정보 검증에 실패하였습니다"),
    ("anti-bot", "HTML page instead of API XML"),
    pytest.param("garbage", "not XML", marks=pytest.mark.slow),
])
def test_refusals_stop_the_crawl_and_store_nothing(tmp_path, mode, words):
    with LawServer(counts={"law": 30}, mode=mode) as server:
        proc = crawl(server, tmp_path / "x", "--target", "law")
    assert proc.returncode != 0
    assert words in proc.stderr and "korpus:" in proc.stderr
    assert "Stopped" in proc.stderr
    assert not list((tmp_path / "x").glob("*.parquet"))
    assert server.oc not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_anti_bot_page_mid_crawl_keeps_only_real_documents_then_resumes(tmp_path):
    out = tmp_path / "mid"
    with LawServer(counts={"law": 60}, anti_bot_after=25) as server:
        first = crawl(server, out, "--target", "law", "--batch-size", "5", "--concurrency", "1")
        kept = stored_rows(out)
        server.anti_bot_after = None
        before = dict(server.body_hits)
        second = crawl(server, out, "--target", "law")
        expected = server.expected_ids("law")
        refetched = {k for k, n in server.body_hits.items() if n > before.get(k, 0)}
    assert first.returncode == 1 and "HTML page" in first.stderr
    assert 0 < len(kept) < 60
    assert all(r["id"] in expected and "차단" not in r["text"] for r in kept)
    assert second.returncode == 0, second.stderr[-2000:]
    ids = stored_ids(out)
    assert len(ids) == 60 and set(ids) == expected
    assert {f"law/law/{serial}" for _, serial in refetched} == expected - {r["id"] for r in kept}


@pytest.mark.crash
def test_killed_crawl_resumes_fetching_exactly_what_was_not_stored(tmp_path):
    out = tmp_path / "kill"
    with LawServer(counts={"law": 100}, latency=0.03, fail_every=11) as server:
        env = {**os.environ, "KORPUS_LAW_OC": server.oc, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "korpus", "crawl", "law", "--api-base", server.base, "--out", str(out),
               "--target", "law", "--batch-size", "10", "--delay", "0", "--backoff", "0.02", "--concurrency", "2"]
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while len(list(out.glob("part-*.parquet"))) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        persisted = set(stored_ids(out))
        assert 30 <= len(persisted) < 100, "the kill must land mid-crawl"
        server.latency = 0
        before = dict(server.body_hits)
        again = crawl(server, out, "--target", "law")
        refetched = {f"law/law/{s}" for (t, s), n in server.body_hits.items() if n > before.get((t, s), 0)}
        expected = server.expected_ids("law")
    assert again.returncode == 0, again.stderr[-2000:]
    ids = stored_ids(out)
    assert len(ids) == 100 and set(ids) == expected
    assert refetched == expected - persisted
    assert f"unchanged {len(persisted)} (skipped)" in again.stdout


def test_recrawl_fetches_only_new_and_changed_and_says_how_many(tmp_path):
    out = tmp_path / "inc"
    with LawServer(counts={"law": 30, "prec": 25}, missing_bodies={("prec", "200007")}) as server:
        first = crawl(server, out, "--target", "law,prec", "--display", "10")
        assert first.returncode == 0, first.stderr[-2000:]
        assert "gone 1" in first.stdout
        server.add("law", 4)
        server.revise("law", [0, 1, 2])
        server.revise("prec", [5])
        before = dict(server.body_hits)
        second = crawl(server, out, "--target", "law", "--target", "prec", "--display", "10")
        fetched = {k for k, n in server.body_hits.items() if n > before.get(k, 0)}
        expected = server.expected_ids()
    assert second.returncode == 0, second.stderr[-2000:]
    assert "law: listed 34 of 34; new 4, changed 3, unchanged 27 (skipped); stored 7" in second.stdout
    assert "prec: listed 25 of 25; new 0, changed 1, unchanged 24 (skipped); stored 1" in second.stdout
    assert len(fetched) == 8  # the missing precedent is not asked for again
    ids = stored_ids(out)
    assert len(ids) == len(set(ids)) == len(expected) - 1 and set(ids) == expected - {"law/prec/200007"}


@pytest.mark.slow
def test_requests_failing_after_all_retries_exit_3_and_a_rerun_completes(tmp_path):
    out = tmp_path / "fail"
    with LawServer(counts={"law": 12}) as server:
        bad = server.items("law")[4].serial
        server.always_fail = {("law", bad)}
        first = crawl(server, out, "--target", "law", "--retries", "2")
        server.always_fail = set()
        second = crawl(server, out, "--target", "law")
        expected = server.expected_ids("law")
    assert first.returncode == 3
    assert "failed after all retries" in first.stderr and f"law body {bad}" in first.stderr
    assert len(stored_ids(out)) == 12 and set(stored_ids(out)) == expected
    assert second.returncode == 0 and "new 1" in second.stdout


def test_robots_txt_is_obeyed(tmp_path):
    with LawServer(counts={"law": 5}, robots="User-agent: *\nDisallow: /DRF/\n") as server:
        proc = crawl(server, tmp_path / "r", "--target", "law")
        served = sum(server.list_hits.values())
    assert proc.returncode != 0 and "robots.txt" in proc.stderr
    assert served == 0


def test_a_robots_txt_that_answers_404_is_fetched_once_and_allows_all(tmp_path):
    """RFC 9309: a 4xx robots.txt means no restrictions; the API's own 404s are still retried."""
    with LawServer(counts={"law": 3}, robots_status=404) as server:
        started = time.perf_counter()
        proc = run_korpus("crawl", "law", "--api-base", server.base, "--out", str(tmp_path / "r"), "--target", "law",
                          "--delay", "0", "--concurrency", "4", env={"KORPUS_LAW_OC": server.oc})
        took = time.perf_counter() - started
        robots = server.robots_hits
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert robots == 1 and len(stored_ids(tmp_path / "r")) == 3
    assert took < 30  # with the default back-off, six retries of robots.txt alone took about 45 s


def test_default_output_is_korpus_progress_and_summary_not_scrapy_log(tmp_path):
    with LawServer(counts={"law": 30}, latency=0.05) as server:
        proc = run_korpus("crawl", "law", "--api-base", server.base, "--out", str(tmp_path / "q"), "--target", "law",
                          "--delay", "0", env={"KORPUS_LAW_OC": server.oc, "KORPUS_PROGRESS_SECONDS": "0.3"})
        loud = crawl(server, tmp_path / "loud", "--target", "law", "--log-level", "INFO")
    assert proc.returncode == 0, proc.stderr
    assert "[scrapy" not in proc.stderr and "INFO" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines and all(re.fullmatch(r"\[\d:\d\d:\d\d\] law_api: [\d,]+ responses, [\d,]+ documents, [\d,]+ retries",
                                      line) for line in lines), lines
    assert "stored 30" in proc.stdout
    assert "[scrapy.core.engine] INFO" in loud.stderr  # Scrapy's lines when asked for


def test_missing_key_is_a_config_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KORPUS_LAW_OC"}
    proc = subprocess.run([sys.executable, "-m", "korpus", "crawl", "law", "--out", str(tmp_path / "o")],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "KORPUS_LAW_OC" in proc.stderr


@pytest.mark.slow
def test_build_ingests_a_crawl_folder(tmp_path):
    out = tmp_path / "crawl"
    with LawServer(counts={"law": 6, "prec": 6}) as server:
        assert crawl(server, out, "--target", "law,prec", "--keep-raw").returncode == 0
        expected = server.expected_ids()
    corpus = tmp_path / "corpus.parquet"
    built = run_korpus("build", "--source", f"law={out}", "--out", str(corpus), "--workers", "1", timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    ids = pq.read_table(corpus, columns=["id"])["id"].to_pylist()
    assert set(ids) == expected and len(ids) == len(expected)


@pytest.mark.slow
@pytest.mark.crash
def test_sigterm_stops_gracefully_keeping_everything_fetched(tmp_path):
    out = tmp_path / "term"
    with LawServer(counts={"law": 200}, latency=0.03) as server:
        env = {**os.environ, "KORPUS_LAW_OC": server.oc}
        cmd = [sys.executable, "-m", "korpus", "crawl", "law", "--api-base", server.base, "--out", str(out),
               "--target", "law", "--batch-size", "1000", "--delay", "0", "--concurrency", "2"]
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while sum(server.body_hits.values()) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=120)
        served = {f"law/law/{s}" for (_, s) in server.body_hits}
        kept = set(stored_ids(out))  # one batch of 1000 never filled: written on the way out
        again = crawl(server, out, "--target", "law")
        expected = server.expected_ids("law")
    assert proc.returncode == 130 and "interrupted" in stderr
    assert 30 <= len(kept) < 200 and kept <= served
    assert again.returncode == 0 and f"unchanged {len(kept)} (skipped)" in again.stdout
    ids = stored_ids(out)
    assert len(ids) == 200 and set(ids) == expected


@pytest.mark.slow
def test_unwritable_shard_stops_the_crawl_and_a_rerun_fills_the_gap(tmp_path):
    out = tmp_path / "disk"
    (out / "part-r00001-00002.parquet").mkdir(parents=True)  # the second shard cannot be renamed into place
    with LawServer(counts={"law": 40}, latency=0.01) as server:
        first = crawl(server, out, "--target", "law", "--batch-size", "5", "--concurrency", "1")
        (out / "part-r00001-00002.parquet").rmdir()
        second = crawl(server, out, "--target", "law")
        expected = server.expected_ids("law")
    assert first.returncode == 3 and "could not write" in first.stderr and "part-r00001-00002" in first.stderr
    assert second.returncode == 0, second.stderr[-2000:]
    ids = stored_ids(out)
    assert len(ids) == 40 and set(ids) == expected
