"""News: NIKL JSON, generic JSONL/CSV/Parquet with field mapping, WARC and saved HTML pages."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hostile import ARTICLE_HTML, HTML_BODY, HTML_JUNK

from korpus.build.sample import sample_dir
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.crawlers.article.decode import decode_html
from korpus.crawlers.article.extract import extract_article
from korpus.crawlers.readers import reader_for


def read(path: Path | str, stats: Stats | None = None, **options):
    reader = reader_for("news", **options)
    stats = stats if stats is not None else Stats()
    return [rec for shard in reader.plan(str(path)) for rec in reader.read(shard, stats)]


def nikl(n: int) -> dict:
    docs = [{"id": f"NIRW{i:010d}",
             "metadata": {"title": f"기사 {i}", "author": "김기자", "publisher": "예시일보", "date": "20261124",
                          "topic": "사회"},
             "paragraph": [{"id": f"p{i}.1", "form": f"{i}번 기사의 첫 문단."}, {"id": f"p{i}.2", "form": "둘째 문단."}]}
            for i in range(n)]
    return {"id": "NIRW", "metadata": {"title": "신문 말뭉치"}, "document": docs}


# -- NIKL and generic JSON --------------------------------------------------------------

def test_bundled_nikl_sample():
    recs = read(sample_dir() / "news")
    assert recs and all(r.id.startswith("news/NIRW26") and r.source == "news" for r in recs)
    assert recs[0].title == "올겨울 첫 한파 특보, 출근길 빙판 주의" and recs[0].date == "2026-11-24"
    assert recs[0].meta["publisher"] == "예시일보"


@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_nikl_json_is_streamed_document_by_document(tmp_path, suffix):
    data = json.dumps(nikl(30), ensure_ascii=False).encode()
    path = tmp_path / f"NIRW1900000001{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith("gz") else data)
    recs = read(path)
    assert [r.id for r in recs] == [f"news/NIRW{i:010d}" for i in range(30)]
    assert recs[3].text == "3번 기사의 첫 문단.\n둘째 문단."
    assert recs[3].meta == {"author": "김기자", "publisher": "예시일보", "topic": "사회", "file": path.name}


def test_truncated_nikl_keeps_the_documents_before_the_cut(tmp_path):
    text = json.dumps(nikl(20), ensure_ascii=False, indent=1)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"NIRW0000000012"') + 5], encoding="utf-8")
    stats = Stats()
    recs = read(path, stats)
    assert [r.id for r in recs] == [f"news/NIRW{i:010d}" for i in range(12)]
    (problem,) = stats.problems
    assert problem["path"] == str(path) and "kept the 12 documents" in problem["message"]


def test_json_that_is_not_nikl_is_reported(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"articles": []}', encoding="utf-8")
    stats = Stats()
    assert read(path, stats) == []
    assert "no documents" in stats.problems[0]["message"]


def test_json_array_of_articles_with_field_mapping(tmp_path):
    path = tmp_path / "crawl.json"
    path.write_text(json.dumps([{"article_id": "a1", "body": "본문 A", "headline": "제목 A", "pub_date": "2026-11-01"},
                                {"article_id": "a2", "body": "", "headline": "빈 본문"}], ensure_ascii=False),
                    encoding="utf-8")
    stats = Stats()
    recs = read(path, stats, id_field="article_id", date_field="pub_date")
    assert [(r.id, r.text, r.title, r.date) for r in recs] == [("news/a1", "본문 A", "제목 A", "2026-11-01")]
    assert len(stats.problems) == 1


def test_jsonl_news_with_usual_names_and_with_named_fields(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [{"id": 1, "content": "내용 하나", "title": "제목", "url": "https://n.example/1", "section": "경제"},
            {"id": 2, "content": "내용 둘"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    recs = read(path)
    assert [(r.id, r.text, r.url, r.meta) for r in recs] == [
        ("news/1", "내용 하나", "https://n.example/1", {"section": "경제"}), ("news/2", "내용 둘", None, {})]
    assert [r.text for r in read(path, text_field="title")] == ["제목"]


# -- CSV and Parquet -----------------------------------------------------------------

def test_csv_with_quoted_newlines_and_a_mapping(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text('기사번호,본문,제목,날짜\n1,"첫 문단.\n둘째 문단, 쉼표 포함.",제목 1,2026-11-01\n2,두 번째 기사,제목 2,\n',
                    encoding="utf-8")
    recs = read(path, text_field="본문", id_field="기사번호", title_field="제목", date_field="날짜")
    assert [(r.id, r.text, r.title, r.date) for r in recs] == [
        ("news/1", "첫 문단.\n둘째 문단, 쉼표 포함.", "제목 1", "2026-11-01"), ("news/2", "두 번째 기사", "제목 2", "")]


def test_cp949_tsv_and_a_missing_text_column(tmp_path):
    tsv = tmp_path / "legacy.tsv"
    tsv.write_bytes("id\ttext\n7\t완성형 한글 기사\n".encode("cp949"))
    assert [(r.id, r.text) for r in read(tsv)] == [("news/7", "완성형 한글 기사")]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    stats = Stats()
    assert read(bad, stats) == []
    assert "no text column" in stats.problems[0]["message"] and stats.problems[0]["path"] == str(bad)


def test_parquet_generic_through_the_mapping_and_corpus_parquet_as_is(tmp_path):
    generic = tmp_path / "generic.parquet"
    pq.write_table(pa.table({"doc": ["x1", "x2"], "body": ["본문 1", None], "headline": ["제목", "없음"]}), generic)
    recs = read(generic, text_field="body", id_field="doc")
    assert [(r.id, r.text, r.title) for r in recs] == [("news/x1", "본문 1", "제목")]
    corpus = tmp_path / "crawl" / "part-00000.parquet"
    corpus.parent.mkdir()
    write_records([Record(id="news/crawl-1", source="news", text="크롤링한 기사", title="t")], corpus)
    recs = read(corpus.parent)
    assert [(r.id, r.text) for r in recs] == [("news/crawl-1", "크롤링한 기사")]


# -- WARC and HTML ---------------------------------------------------------------------

def _warc(path: Path, gz: bool, records: list[tuple[str, str, bytes, int]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, ctype, body, status in records:
            headers = StatusAndHeaders(f"{status} OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


WARC_PAGES = [
    ("https://n.example/a", "text/html; charset=utf-8", ARTICLE_HTML.format(charset="utf-8").encode(), 200),
    ("https://n.example/logo.png", "image/png", b"\x89PNG....", 200),
    ("https://n.example/gone", "text/html", b"<html>not found</html>", 404),
    ("https://n.example/b", "text/html; charset=euc-kr", ARTICLE_HTML.format(charset="euc-kr").encode("cp949"), 200),
]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_become_articles(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    _warc(path, gz, WARC_PAGES)
    stats = Stats()
    recs = read(path, stats)
    assert [r.url for r in recs] == ["https://n.example/a", "https://n.example/b"]
    assert all(r.id.startswith("news/crawl@") for r in recs) and len({r.id for r in recs}) == 2
    for rec in recs:
        assert rec.text.splitlines()[:2] == [HTML_BODY[0] + " 시민들은 출근길에 눈을 맞으며 사진을 찍었다.", HTML_BODY[1]]
        assert not [j for j in HTML_JUNK if j in rec.text]
        assert rec.title == "시청 앞 광장에 첫눈" and rec.date == "2026-11-25T09:00:00+09:00"
    assert stats.get("read", "news", "dropped:warc_not_html") == 1
    assert stats.get("read", "news", "dropped:warc_http_status") == 1


def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path):
    path = tmp_path / "cut.warc.gz"
    _warc(path, True, WARC_PAGES[:1] * 3)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) - 300])
    stats = Stats()
    recs = read(path, stats)
    assert len(recs) == 2
    assert stats.problems and stats.problems[0]["path"] == str(path)


def test_saved_html_pages(tmp_path):
    page = tmp_path / "기사 1.htm"
    page.write_bytes(ARTICLE_HTML.format(charset="euc-kr").encode("cp949"))
    (rec,) = read(tmp_path)
    assert rec.id == "news/기사 1" and rec.meta == {"encoding": "cp949"}
    assert HTML_BODY[2] in rec.text


def test_body_from_a_portal_container_and_from_text_density():
    naver = ("<html><body><div id='nav'>홈 정치 경제</div><div id='dic_area'>포털 기사 본문 첫 문장이다.<br>"
             "<span class='end_photo_org'><em class='img_desc'>사진 설명</em></span>둘째 문장도 본문이다. 충분히 길다.</div>"
             "<div class='copyright'>ⓒ 무단 전재</div></body></html>")
    assert extract_article(naver).text == "포털 기사 본문 첫 문장이다.\n둘째 문장도 본문이다. 충분히 길다."
    plain = ("<html><body><div><a href='/'>링크1</a> <a href='/2'>링크2</a></div>"
             "<div><p>아무 표시 없는 본문이다. 문장이 충분히 길어서 가장 많은 글을 가진 블록이 된다.</p>"
             "<p>두 번째 문단도 여기에 있다.</p></div><div>짧은 꼬리</div></body></html>")
    assert extract_article(plain).text == ("아무 표시 없는 본문이다. 문장이 충분히 길어서 가장 많은 글을 가진 블록이 된다.\n"
                                           "두 번째 문단도 여기에 있다.")


def test_html_charset_precedence():
    body = '<meta charset="utf-8"><p>한글</p>'.encode("cp949")
    assert decode_html(body, "euc-kr")[1] == "cp949"  # the HTTP header wins
    assert decode_html('<p>한글 본문</p>'.encode("cp949"))[1] == "cp949"  # detected
    text, encoding, bad = decode_html(b"<p>\xff\xfe</p>", "utf-8")
    assert bad and "\ufffd" in text


def test_deeply_nested_html_does_not_crash():
    html = "<div>" * 5000 + "깊은 곳의 본문 문장이다. 충분히 길게 쓴 본문 문장이다. 정말로." + "</div>" * 5000
    assert "깊은 곳의 본문" in extract_article(html).text


def test_a_folder_of_gzipped_pages_and_same_named_jsonl_files(tmp_path):
    for sub in ("2019", "2020"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.jsonl").write_text('{"text": "본문 내용"}\n', encoding="utf-8")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.format(charset="utf-8").encode()))
    recs = read(tmp_path)
    assert sorted(r.id for r in recs) == ["news/2019/x:1", "news/2020/x:1", "news/page"]
