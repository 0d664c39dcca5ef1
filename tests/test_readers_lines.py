"""Line sources: KcBERT comments, NSMC / hate-speech TSV, plain text, JSONL; encodings and damage."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path

import pytest
from hostile import CP949_LINES, GOOD_COMMENTS

from korpus.core.errors import ConfigError
from korpus.core.stats import Stats
from korpus.crawlers.readers import files, reader_for
from korpus.crawlers.readers.encoding import check_encoding, detect_encoding

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"


def read(kind: str, path: Path, stats: Stats | None = None, range_bytes: int | None = None, **options):
    reader = reader_for(kind, **options)
    if range_bytes:
        reader.range_bytes = range_bytes
    stats = stats if stats is not None else Stats()
    shards = reader.plan(str(path))
    return shards, [rec for shard in shards for rec in reader.read(shard, stats)]


# -- comments ------------------------------------------------------------------------

def test_kcbert_layout_one_comment_per_line_with_line_ids(tmp_path):
    path = tmp_path / "20190101_20200611_v2.txt"
    path.write_text("첫 댓글\n\n  \n셋째 줄 댓글\n마지막 (줄바꿈 없음)", encoding="utf-8")
    stats = Stats()
    _, recs = read("comments", path, stats)
    assert [(r.id, r.text) for r in recs] == [
        ("comments/20190101_20200611_v2:1", "첫 댓글"),
        ("comments/20190101_20200611_v2:4", "셋째 줄 댓글"),
        ("comments/20190101_20200611_v2:5", "마지막 (줄바꿈 없음)"),
    ]
    assert stats.get("read", "comments", "lines") == 5
    assert stats.get("read", "comments", "dropped:empty_line") == 2


def test_one_big_file_is_split_into_line_aligned_ranges(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("\n".join(GOOD_COMMENTS) + "\n", encoding="utf-8")
    whole = read("comments", path)[1]
    shards, recs = read("comments", path, range_bytes=5_000)
    assert len(shards) > 10
    assert [(r.id, r.text) for r in recs] == [(r.id, r.text) for r in whole]
    assert [r.text for r in recs] == GOOD_COMMENTS


NSMC = "id\tdocument\tlabel\n9976970\t아 더빙.. 진짜 짜증나네요 목소리\t0\n10265843\t\t0\n3819312\t흠...포스터보고 초딩영화줄\t1\n"


def test_nsmc_tsv_is_told_by_its_header(tmp_path):
    path = tmp_path / "ratings_test.txt"
    path.write_text(NSMC, encoding="utf-8")
    stats = Stats()
    shards, recs = read("comments", path, stats)
    assert shards[0].hint("columns") == ("id", "document", "label")
    assert [(r.id, r.text, r.meta) for r in recs] == [
        ("comments/ratings_test:9976970", "아 더빙.. 진짜 짜증나네요 목소리", {"label": "0"}),
        ("comments/ratings_test:3819312", "흠...포스터보고 초딩영화줄", {"label": "1"}),
    ]
    assert stats.get("read", "comments", "dropped:empty_line") == 1


def test_tsv_header_reaches_every_range(tmp_path):
    rows = [f"{i}\t리뷰 {i}번 내용입니다\t{i % 2}" for i in range(1, 3001)]
    path = tmp_path / "nsmc.tsv"
    path.write_text("id\tdocument\tlabel\n" + "\n".join(rows) + "\n", encoding="utf-8")
    shards, recs = read("comments", path, range_bytes=4_000)
    assert len(shards) > 10
    assert [r.id for r in recs] == [f"comments/nsmc:{i}" for i in range(1, 3001)]


def test_hate_speech_labeled_layout(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("comments\tcontain_gender_bias\tbias\thate\n(현재 호텔주인 심정) 아18 난 마른하늘에 날벼락\tFalse\tothers\thate\n",
                    encoding="utf-8")
    _, recs = read("comments", path)
    assert recs[0].id == "comments/train:2"
    assert recs[0].text.startswith("(현재 호텔주인 심정)")
    assert recs[0].meta == {"contain_gender_bias": "False", "bias": "others", "hate": "hate"}


def test_one_column_tsv_with_a_header(tmp_path):
    path = tmp_path / "test.no_label.tsv"
    path.write_text("comments\n첫 댓글 내용\n둘째 댓글 내용\n", encoding="utf-8")
    _, recs = read("comments", path)
    assert [(r.id, r.text) for r in recs] == [("comments/test.no_label:2", "첫 댓글 내용"),
                                              ("comments/test.no_label:3", "둘째 댓글 내용")]


def test_layout_lines_reads_a_header_like_line_as_a_comment(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(NSMC, encoding="utf-8")
    _, recs = read("comments", path, layout="lines")
    assert recs[0].text == "id\tdocument\tlabel"


def test_bad_comment_options_are_config_errors(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text(NSMC, encoding="utf-8")
    with pytest.raises(ConfigError, match="layout"):
        reader_for("comments", layout="csv")
    with pytest.raises(ConfigError, match="'body' is not a column"):
        reader_for("comments", text_field="body").plan(str(path))
    with pytest.raises(ConfigError, match="unknown encoding"):
        reader_for("comments", encoding="klingon")
    with pytest.raises(ConfigError, match="invalid_bytes"):
        reader_for("comments", invalid_bytes="ignore")


def test_tsv_row_with_wrong_field_count_is_reported(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("id\tdocument\tlabel\n1\t좋다\t1\n2\t탭이\t들어간\t0\n", encoding="utf-8")
    stats = Stats()
    _, recs = read("comments", path, stats)
    assert [r.id for r in recs] == ["comments/x:1"]
    assert stats.problems[0]["line"] == 3


# -- encodings -------------------------------------------------------------------------

def test_detect_encoding():
    korean = "한국어 댓글이 여러 줄 이어진다. " * 50
    assert detect_encoding(korean.encode("utf-8")) == "utf-8"
    assert detect_encoding(korean.encode("cp949")) == "cp949"
    assert detect_encoding(korean.encode("utf-8")[:-1]) == "utf-8"  # a character cut by the prefix
    assert detect_encoding(b"\xef\xbb\xbf" + korean.encode("utf-8")) == "utf-8"
    assert detect_encoding(korean.encode("utf-8") + b"\xff\xfe") == "utf-8"  # a few bad bytes
    assert detect_encoding(b"") == "utf-8"
    assert check_encoding("EUC-KR") == check_encoding("ks_c_5601-1987") == "cp949"


def test_cp949_is_detected_given_or_read_as_euc_kr(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(("\r\n".join(CP949_LINES) + "\r\n").encode("cp949"))
    for options in ({}, {"encoding": "cp949"}, {"encoding": "euc-kr"}):
        stats = Stats()
        _, recs = read("comments", path, stats, **options)
        assert [r.text for r in recs] == CP949_LINES, options
        assert stats.get("read", "comments", "files_cp949") == 1
        assert stats.total("read", "problems") == (1 if not options else 0)  # detection is reported


def test_bom_is_dropped_from_the_first_line_only(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "첫 줄\n".encode() + b"\xef\xbb\xbf" + "둘째".encode())
    _, recs = read("comments", path)
    assert [r.text for r in recs] == ["첫 줄", "\ufeff둘째"]


def test_invalid_bytes_replaced_or_skipped_and_counted(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good one\n\xff\xfe bad \xc3\x28\nnul\x00in\x00line\ngood two\n")
    stats = Stats()
    _, recs = read("comments", path, stats)
    assert [r.text for r in recs] == ["good one", "\ufffd\ufffd bad \ufffd(", "nulinline", "good two"]
    assert stats.get("read", "comments", "lines_invalid_bytes") == 1
    assert stats.get("read", "comments", "lines_with_nul") == 1
    assert stats.problems[0]["line"] == 2 and stats.problems[0]["path"] == str(path)
    stats = Stats()
    _, recs = read("comments", path, stats, invalid_bytes="skip")
    assert [r.text for r in recs] == ["good one", "nulinline", "good two"]
    assert stats.get("read", "comments", "dropped:invalid_bytes") == 1


@pytest.mark.parametrize("suffix", [".txt.gz", ".txt.bz2"])
def test_truncated_compressed_file_keeps_the_lines_before_the_cut(tmp_path, suffix):
    data = ("\n".join(GOOD_COMMENTS) + "\n").encode()
    if suffix.endswith("gz"):
        blob = gzip.compress(data[:60_000]) + gzip.compress(data[60_000:])
    else:
        blob = bz2.compress(data[:60_000]) + bz2.compress(data[60_000:])
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(blob[:-200])
    stats = Stats()
    _, recs = read("comments", path, stats)
    texts = [r.text for r in recs]
    assert texts == GOOD_COMMENTS[: len(texts)]
    assert len(texts) >= data[:60_000].count(b"\n")  # the first member/stream is whole
    (problem,) = stats.problems
    assert problem["path"] == str(path) and "ends early" in problem["message"]
    assert problem["offset"] is not None and problem["line"] == len(texts) + 1


def test_damaged_gzip_keeps_what_came_before_and_is_reported(tmp_path, monkeypatch):
    from korpus.crawlers.readers import streams
    monkeypatch.setattr(streams, "FEED_BYTES", 1_000)
    blob = bytearray(gzip.compress(("\n".join(GOOD_COMMENTS) + "\n").encode()))
    middle = len(blob) // 2
    blob[middle:middle + 20] = b"\xff" * 20
    path = tmp_path / "damaged.txt.gz"
    path.write_bytes(bytes(blob))
    stats = Stats()
    _, recs = read("comments", path, stats)
    intact = next(i for i, r in enumerate(recs) if r.text != GOOD_COMMENTS[i])
    assert intact > 0.4 * len(GOOD_COMMENTS)  # every line before the damage
    # gzip finds damage only at its CRC: what deflate made of it before is counted, not hidden
    assert stats.get("read", "comments", "lines_invalid_bytes") > 0
    assert any("damaged gzip" in p["message"] and p["path"] == str(path) for p in stats.problems)


def test_empty_and_blank_files(tmp_path):
    for name, data in (("empty.txt", b""), ("empty.txt.gz", gzip.compress(b"")), ("blank.txt", b"\n\n")):
        path = tmp_path / name
        path.write_bytes(data)
        stats = Stats()
        assert read("comments", path, stats)[1] == []
        assert bool(stats.problems) == (name == "empty.txt"), name


def test_an_endless_line_is_skipped_and_the_next_ones_kept(tmp_path, monkeypatch):
    from korpus.crawlers.readers import streams
    monkeypatch.setattr(files, "MAX_LINE_BYTES", 3_000)
    monkeypatch.setattr(streams, "READ_BYTES", 1_000)
    path = tmp_path / "long.txt"
    path.write_text("짧은 줄\n" + "가" * 5_000 + "\n다음 줄\n", encoding="utf-8")
    stats = Stats()
    _, recs = read("comments", path, stats)
    assert [(r.id, r.text) for r in recs] == [("comments/long:1", "짧은 줄"), ("comments/long:3", "다음 줄")]
    assert stats.get("read", "comments", "dropped:line_too_long") == 1


# -- text and jsonl ------------------------------------------------------------------

def test_text_reader_makes_blank_line_documents(tmp_path):
    path = tmp_path / "law.txt"
    path.write_bytes("제1조 목적\r\n이 법은...\r\n\r\n제2조 정의\r\n".encode("cp949"))
    _, recs = read("text", path)
    assert [(r.id, r.text) for r in recs] == [("text/law:1", "제1조 목적\n이 법은..."), ("text/law:4", "제2조 정의")]


def test_jsonl_field_mapping_and_bad_lines(tmp_path):
    rows = [{"doc": "a1", "body": "본문 하나", "head": "제목", "when": "2026-01-01", "extra": 3},
            {"doc": "a2", "head": "본문 없음"}, "not an object"]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    stats = Stats()
    _, recs = read("jsonl", path, stats, text_field="body", id_field="doc", title_field="head", date_field="when")
    assert [(r.id, r.source, r.text, r.title, r.date, r.meta) for r in recs] == [
        ("jsonl/a1", "jsonl", "본문 하나", "제목", "2026-01-01", {"extra": 3})]
    assert [p["line"] for p in stats.problems] == [2, 3, 4]


# -- real data (../shared) -------------------------------------------------------------

@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/corpora not present")
def test_real_nsmc_and_hate_speech_files():
    stats = Stats()
    _, recs = read("comments", SHARED / "comments" / "nsmc_ratings_test.txt", stats, range_bytes=1_000_000)
    assert len(recs) + stats.get("read", "comments", "dropped:empty_line") == 50_000
    assert len({r.id for r in recs}) == len(recs)
    assert all(r.meta.get("label") in ("0", "1") for r in recs)
    stats = Stats()
    _, recs = read("comments", SHARED / "comments" / "hate_speech_unlabeled_comments_5.txt", stats,
                   range_bytes=500_000)
    assert len(recs) == 33_893 and stats.total("read", "problems") == 0


def test_same_file_name_in_two_folders_gives_distinct_ids(tmp_path):
    for year in ("2019", "2020"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "comments.txt").write_text(f"{year}년 댓글\n", encoding="utf-8")
    _, recs = read("comments", tmp_path)
    assert [r.id for r in recs] == ["comments/2019/comments:1", "comments/2020/comments:1"]
