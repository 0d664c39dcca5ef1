"""What a new user hits (issue #17): outputs that load everywhere, true summaries, early clear failures,
progress in a log, Ctrl-C, and the work folder."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from conftest import run_korpus

from korpus.build.config import BuildConfig, SourceSpec, config_from_mapping, load_config
from korpus.build.finish import empty_corpus_reason
from korpus.build.run import build
from korpus.core.errors import ConfigError
from korpus.core.stats import Stats

COMMENTS = ["배송이 빨라서 정말 좋았어요 다음에도 살게요", "이 영화 배우들 연기가 너무 자연스러웠다",
            "오늘 점심 메뉴는 김치찌개로 정했습니다", "버스가 늦게 와서 회사에 지각했어요 ㅠㅠ"]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def twin_build(tmp_path: Path, **kw):
    """Two identical comment files: every document of the second shard is an exact duplicate."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    if not a.exists():  # unchanged inputs on a re-run, so it can resume
        write_lines(a, COMMENTS), write_lines(b, COMMENTS)
    cfg = BuildConfig(sources=[SourceSpec("comments", str(a)), SourceSpec("comments", str(b))],
                      out=str(tmp_path / "corpus") + "/", workers=1, **kw)
    return build(cfg)


def test_a_folder_with_an_empty_part_loads_everywhere(tmp_path):
    result = twin_build(tmp_path)
    parts = sorted(result.out.iterdir())
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet"]  # only the parts
    assert [pq.ParquetFile(p).metadata.num_rows for p in parts] == [4, 0]
    for part in parts:  # no row group of 0 rows anywhere
        meta = pq.ParquetFile(part).metadata
        assert all(meta.row_group(g).num_rows > 0 for g in range(meta.num_row_groups))
    assert pl.read_parquet(result.out).height == 4
    assert pads.dataset(result.out).to_table().num_rows == 4
    duckdb = pytest.importorskip("duckdb")
    assert duckdb.sql(f"select count(*) from read_parquet('{result.out}/*.parquet')").fetchall() == [(4,)]
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("parquet", data_files=str(result.out / "*.parquet"), split="train",
                               cache_dir=str(tmp_path / "hf"))
    assert ds.num_rows == 4 and sorted(ds["text"]) == sorted(COMMENTS)


def test_stats_and_reports_go_beside_the_folder_and_the_work_folder_goes(tmp_path):
    result = twin_build(tmp_path)
    assert result.stats_path == tmp_path / "corpus.stats.json"
    assert (tmp_path / "corpus.reports" / "exact_dedup" / "clusters.json").exists()
    assert not result.work_dir.exists() and not (tmp_path / ".korpus-work").exists()


def test_keep_work_keeps_it_and_a_rerun_resumes(tmp_path):
    first = twin_build(tmp_path, keep_work=True)
    assert first.work_dir.exists()
    again = twin_build(tmp_path)
    assert again.skipped_shards == again.shards == 2
    assert not again.work_dir.exists()


def summary_drops(stderr: str) -> dict[str, dict[str, int]]:
    """``  stage: reason n, reason n`` lines of the build summary."""
    drops = {}
    for stage, rest in re.findall(r"^  (\w+): ((?:\w+ [\d,]+(?:, )?)+)$", stderr, re.M):
        drops[stage] = {r: int(n.replace(",", "")) for r, n in re.findall(r"(\w+) ([\d,]+)", rest)}
    return drops


def test_summary_counts_are_the_sums_over_sources(tmp_path):
    """Three kinds, each with short documents and copies of the others: each reason's total is printed."""
    shared = COMMENTS[:2]
    a = write_lines(tmp_path / "a.txt", [*shared, "짧다", "ㅋ", "첫 파일에만 있는 댓글입니다 반갑습니다"])
    b = write_lines(tmp_path / "b.jsonl", [json.dumps({"text": t}, ensure_ascii=False)
                                           for t in [*shared, "짧음", "두 번째 파일에만 있는 글이에요 좋아요"]])
    c = write_lines(tmp_path / "c.txt", [line + "\n" for line in [*shared, "짧아", "세 번째 파일의 글입니다 감사합니다"]])
    proc = run_korpus("build", "-s", f"comments={a}", "-s", f"jsonl={b}", "-s", f"text={c}",
                      "--out", "c.parquet", "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    counts = Stats.from_dict(json.loads((tmp_path / "c.stats.json").read_text(encoding="utf-8")))
    printed = summary_drops(proc.stderr)
    assert printed["filter"]["too_short"] == 4
    assert printed["exact_dedup"]["exact_duplicate"] == 4  # two copies each of two texts, over 3 kinds
    assert printed == counts.drops()


def test_out_that_is_an_existing_file_fails_before_reading(tmp_path):
    (tmp_path / "corpus.txt").write_text("mine", encoding="utf-8")
    src = write_lines(tmp_path / "a.txt", COMMENTS)
    proc = run_korpus("build", "-s", f"comments={src}", "--out", "corpus.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--out corpus.txt: a file exists there" in proc.stderr and "corpus.parquet" in proc.stderr
    assert not (tmp_path / ".korpus-work").exists()  # nothing was read
    assert (tmp_path / "corpus.txt").read_text(encoding="utf-8") == "mine"


def test_no_documents_is_an_error_that_names_the_field(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text("".join(json.dumps({"id": i, "body": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(COMMENTS)), encoding="utf-8")
    proc = run_korpus("build", "-s", f"jsonl={news}", "--out", "c.parquet", "--text-field", "content",
                      cwd=tmp_path)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert "no documents read" in last and "no string field 'content'" in last and "body" in last
    assert run_korpus("build", "-s", f"jsonl={news}", "--out", "c.parquet", "--text-field", "body",
                      cwd=tmp_path).returncode == 0


def test_no_documents_from_the_wrong_kind_names_the_kind(tmp_path):
    news = write_lines(tmp_path / "news.jsonl", [json.dumps({"text": t}, ensure_ascii=False) for t in COMMENTS])
    proc = run_korpus("build", "-s", f"wiki={news}", "--out", "c.parquet", cwd=tmp_path)
    assert proc.returncode == 1
    assert f"no documents read from wiki={news} (a wiki source is kowiki XML dump" in proc.stderr


def test_all_dropped_names_the_reasons():
    stats = Stats()
    stats.add("read", "comments", "docs", 3)
    stats.drop("filter", "comments", "too_short", 3)
    assert empty_corpus_reason(stats, []).startswith("no documents kept: all 3 read were dropped (too_short 3)")
    stats.add("write", "comments", "docs")
    assert empty_corpus_reason(stats, []) is None


@pytest.mark.parametrize("toml, message", [
    ('[dedup]\nthreshold = "0.7"\n', "c.toml [dedup] threshold: expected a number, got '0.7'"),
    ("[dedup]\nthreshold = 7\n", "c.toml [dedup] threshold: 7 is not between 0 and 1"),
    ('[filter]\nmin_chars = "a"\n', "c.toml [filter] min_chars: expected a whole number, got 'a'"),
    ("[clean]\npii = 3\n", "c.toml [clean] pii: expected a string, got 3"),
    ('[clean]\npii = "hide"\n', "c.toml [clean] pii: expected one of mask, remove, keep, got 'hide'"),
    ('[split]\nkeep_whole = "comments"\n', "c.toml [split] keep_whole: expected a list of strings, got 'comments'"),
    ("[dedup]\nexact = 1\n", "c.toml [dedup] exact: expected true or false, got 1"),
    ('workers = "two"\n', "c.toml workers: expected a whole number, got 'two'"),
    ("[filter]\nmin_char = 5\n", "c.toml [filter]: unknown key 'min_char' (known: "),
    ('[[source]]\nkind = "comments"\npath = "x.txt"\nencodng = "utf-8"\n',
     "c.toml [[source]] #1: source kind 'comments' has no option 'encodng' (known: encoding,"),
    ('[[source]]\nkind = "comment"\npath = "x.txt"\n', "c.toml [[source]] #1: unknown source kind 'comment'"),
])
def test_every_config_error_is_one_line_naming_file_key_value(tmp_path, toml, message):
    (tmp_path / "c.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "c.toml")
    text = str(err.value).replace(str(tmp_path) + os.sep, "")
    assert text.startswith(message) and "\n" not in text
    assert text.count("[dedup]") + text.count("[filter]") + text.count("[clean]") <= 1  # the section once


@pytest.mark.parametrize(("toml", "hint"), [
    ("[filter]\nmin_char = 5\n", "did you mean 'min_chars'?"),
    ('[split]\nsplitter = "fats"\n', "did you mean 'fast'?"),
    ('[[source]]\nkind = "comment"\npath = "x.txt"\n', "did you mean 'comments'?"),
    ('[[source]]\nkind = "comments"\npath = "x.txt"\nencodng = "utf-8"\n', "did you mean 'encoding'?"),
])
def test_a_typo_gets_the_closest_known_word(tmp_path, toml, hint):
    (tmp_path / "c.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "c.toml")
    assert str(err.value).endswith(hint)


def test_a_valid_config_still_loads():
    cfg = config_from_mapping({"workers": 2, "dedup": {"threshold": 0.8, "exact": True},
                               "split": {"keep_whole": ["comments"]}, "clean": {"profiles": {"news": "formal"}}})
    assert cfg.workers == 2 and cfg.dedup.threshold == 0.8 and cfg.split.keep_whole == ["comments"]


def big_comments(tmp_path: Path, n: int = 60_000) -> Path:
    return write_lines(tmp_path / "big.txt", [f"{i}번째 댓글입니다 오늘도 좋은 하루 보내세요 {i * 7}" for i in range(n)])


def test_a_log_gets_progress_lines_at_an_interval(tmp_path):
    src = big_comments(tmp_path, 20_000)
    proc = run_korpus("build", "-s", f"comments={src}", "--out", "c.parquet", "--workers", "1", cwd=tmp_path,
                      env={"KORPUS_PROGRESS_SECONDS": "0.3", "KORPUS_RANGE_BYTES": "100000"})
    assert proc.returncode == 0, proc.stderr
    lines = re.findall(r"^\[\d:\d\d:\d\d\] (.*)$", proc.stderr, re.M)
    assert lines[0].startswith("map 0/")  # the phase shows from its start, before a shard is done
    map_lines = [line for line in lines if line.startswith("map ")]
    assert len(map_lines) >= 3, proc.stderr
    assert re.fullmatch(r"map \d+/\d+ shards, [\d,]+ docs/s, [\d.]+ MB/s, ETA (\d:\d\d:\d\d|\?)", map_lines[1])
    assert any(line.startswith("write ") and line.endswith("done") for line in lines)


@pytest.mark.parametrize("sig, code, name", [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")])
def test_interrupt_stops_within_seconds_and_says_how_to_resume(tmp_path, sig, code, name):
    src = big_comments(tmp_path)
    args = [sys.executable, "-m", "korpus", "build", "-s", f"comments={src}", "--out", "c.parquet",
            "--workers", "2"]
    env = {**os.environ, "KORPUS_RANGE_BYTES": "100000"}
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list((tmp_path / ".korpus-work").glob("*/map/*.stats.json")):
        time.sleep(0.05)
    sent = time.perf_counter()
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    waited = time.perf_counter() - sent
    assert proc.returncode == code, stderr
    assert waited < 3, f"took {waited:.1f}s to stop"
    assert f"korpus: stopped ({name}); run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    again = run_korpus(*args[3:], cwd=tmp_path, env={"KORPUS_RANGE_BYTES": "100000"})
    assert again.returncode == 0 and re.search(r"[1-9]\d*/\d+ shards resumed", again.stderr), again.stderr


def test_a_law_file_that_is_not_a_body_is_named_once_in_a_readers_words(tmp_path):
    from korpus.crawlers.readers import reader_for

    listing = tmp_path / "search.xml"
    listing.write_text("<LawSearch><totalCnt>1</totalCnt><law><법령명한글>소득세법</법령명한글></law></LawSearch>",
                       encoding="utf-8")
    reader, stats = reader_for("law"), Stats()
    assert [r for shard in reader.plan(str(listing)) for r in reader.read(shard, stats)] == []
    (problem,) = stats.problems
    assert problem["path"] == str(listing) and str(listing) not in problem["message"]
    assert problem["message"].startswith("not a law body: its root is <LawSearch>, a lawService.do body's is one of")
    assert "API" not in problem["message"] and "Stopped" not in problem["message"]


def test_a_bucket_name_error_says_what_a_name_may_be(tmp_path):
    from korpus.pretrain.tpu_plan import LaunchConfig

    with pytest.raises(ConfigError, match=r"--bucket 'gs://x': want gs://BUCKET\[/path\]; a bucket name is 3-63 "):
        LaunchConfig(records=tmp_path, bucket="gs://x").validate()
    LaunchConfig(records=tmp_path, bucket="gs://abc/runs").validate()


def test_korean_labels_are_drawn_with_a_korean_font(tmp_path):
    """The plots' sans-serif is NanumGothic, and plots with Korean source names warn of no missing glyph."""
    import warnings

    from matplotlib import font_manager, rc_context

    from korpus.core.schema import Record, records_to_table
    from korpus.corpus_stats import make_report
    from korpus.corpus_stats.fonts import korean_font_path, plot_settings
    from korpus.corpus_stats.plots import all_plots
    from korpus.corpus_stats.render_html import render_html

    assert korean_font_path() is not None, "the Korean font package (koreanize-matplotlib) is not installed"
    with rc_context(plot_settings()):
        assert Path(font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))) == korean_font_path()
    path = tmp_path / "c.parquet"
    pq.write_table(records_to_table([Record(id=f"x/{i}", source=src, text="가나 다라 마바 사아", sentences=["가나"])
                                     for i, src in enumerate(["뉴스", "댓글", "법령"])]), path)
    report = make_report(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert all_plots(report)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert '"Malgun Gothic"' in render_html(report)
