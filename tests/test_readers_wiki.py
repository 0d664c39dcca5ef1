"""kowiki dumps: articles only, every shard layout, damage and hostile XML."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest
from hostile import (
    FORBIDDEN_IN_WIKI_TEXT,
    dump_bytes,
    make_hostile,
    mixed_pages,
    page_xml,
    write_multistream,
)

from korpus.build.sample import sample_dir
from korpus.core.stats import Stats
from korpus.crawlers.readers import reader_for, streams, wiki


def read_all(path: Path | str, stats: Stats | None = None):
    reader = reader_for("wiki")
    stats = stats if stats is not None else Stats()
    shards = reader.plan(str(path))
    return shards, [rec for shard in shards for rec in reader.read(shard, stats)]


@pytest.fixture
def small_ranges(monkeypatch):
    """Ranges small enough that a test dump of ~100 pages is cut into many shards."""
    monkeypatch.setattr(wiki, "PLAIN_RANGE_BYTES", 20_000)
    monkeypatch.setattr(wiki, "BZ2_RANGE_BYTES", 4_000)
    monkeypatch.setattr(wiki, "STRIDE_BYTES", 2_000)


def test_bundled_sample_gives_clean_articles_only():
    stats = Stats()
    _, recs = read_all(sample_dir() / "kowiki-sample-pages-articles.xml", stats)
    assert [r.id for r in recs] == ["wiki/101", "wiki/102", "wiki/105", "wiki/107"]
    assert recs[2].title == "스타크래프트: 브루드 워"  # ':' in a title is not a namespace
    assert recs[0].date == "2026-10-01T09:00:00Z" and recs[0].url.endswith("curid=101")
    for rec in recs:
        for bad in ("{{", "}}", "[[", "]]", "<ref", "{|", "thumb", "분류:"):
            assert bad not in rec.text, (rec.id, bad)
    assert "넘겨주기" not in " ".join(r.text for r in recs)
    assert stats.get("read", "wiki", "dropped:redirect") == 1
    assert stats.get("read", "wiki", "dropped:not_article") == 2


def test_mixed_dump_yields_exactly_the_articles(tmp_path):
    pages, ids = mixed_pages(40)
    pages.append(page_xml(99, "영문 넘겨주기", "#REDIRECT [[다른 문서]]"))
    pages.append(page_xml(98, "넘겨주기 요소", "본문처럼 보이지만 넘겨주기이다.", redirect="다른 문서"))
    pages.append(page_xml(97, "위키백과:사랑방", "프로젝트 문서.", ns=4))
    path = tmp_path / "kowiki-test-pages-articles.xml"
    path.write_bytes(dump_bytes(pages))
    stats = Stats()
    _, recs = read_all(path, stats)
    assert sorted(r.id for r in recs) == sorted(f"wiki/{i}" for i in ids)
    for rec in recs:
        assert rec.text and rec.title and rec.date == "2026-11-01T00:00:00Z"
        assert rec.meta["revision_id"] == str(int(rec.id.split("/")[1]) + 90000)
        for bad in FORBIDDEN_IN_WIKI_TEXT:
            assert bad not in rec.text, (rec.id, bad)
    assert stats.get("read", "wiki", "dropped:redirect") == 10 + 2
    assert stats.get("read", "wiki", "pages") == len(pages)


def _layouts(tmp_path: Path, pages: list[str]) -> dict[str, Path]:
    xml = dump_bytes(pages)
    out = {"plain": tmp_path / "a-pages-articles.xml"}
    out["plain"].write_bytes(xml)
    out["multistream+index"] = tmp_path / "b-pages-articles-multistream.xml.bz2"
    write_multistream(out["multistream+index"], pages, per_stream=5, index=True)
    out["multistream, scanned"] = tmp_path / "c-pages-articles-multistream.xml.bz2"
    write_multistream(out["multistream, scanned"], pages, per_stream=5, index=False)
    # pbzip2-style: streams cut at fixed byte counts, so pages straddle streams.
    out["unaligned streams"] = tmp_path / "d-pages-articles.xml.bz2"
    out["unaligned streams"].write_bytes(b"".join(bz2.compress(xml[i:i + 3000]) for i in range(0, len(xml), 3000)))
    out["single-stream bz2"] = tmp_path / "e-pages-articles.xml.bz2"
    out["single-stream bz2"].write_bytes(bz2.compress(xml))
    out["gzip"] = tmp_path / "f-pages-articles.xml.gz"
    out["gzip"].write_bytes(gzip.compress(xml))
    return out


def test_every_layout_is_split_and_the_shards_read_each_article_once(tmp_path, small_ranges):
    pages, ids = mixed_pages(60)
    want = sorted(f"wiki/{i}" for i in ids)
    for layout, path in _layouts(tmp_path, pages).items():
        shards, recs = read_all(path)
        assert len(shards) > 1, layout
        assert sorted(r.id for r in recs) == want, layout
        assert read_all(path)[0] == shards, layout  # the plan depends on the input only


def test_multistream_cuts_fall_on_stream_starts(tmp_path, small_ranges):
    pages, _ = mixed_pages(60)
    path = tmp_path / "x-pages-articles-multistream.xml.bz2"
    offsets = write_multistream(path, pages, per_stream=5, index=True)
    shards, _ = read_all(path)
    assert {s.start for s in shards} <= set(offsets)
    assert shards[0].start == 0 and shards[-1].end is None


def test_an_index_of_another_dump_is_not_trusted(tmp_path, small_ranges):
    pages, ids = mixed_pages(60)
    path = tmp_path / "x-pages-articles-multistream.xml.bz2"
    write_multistream(path, pages, per_stream=5, index=True)
    index = tmp_path / "x-pages-articles-multistream-index.txt.bz2"
    index.write_bytes(bz2.compress(b"".join(b"%d:1:x\n" % (n * 1777) for n in range(1, 200))))
    shards, recs = read_all(path)
    assert len(shards) > 1
    assert sorted(r.id for r in recs) == sorted(f"wiki/{i}" for i in ids)


def test_damaged_stream_loses_only_its_own_pages(tmp_path, small_ranges):
    pages, ids = mixed_pages(30)
    path = tmp_path / "kowiki-x-pages-articles-multistream.xml.bz2"
    offsets = write_multistream(path, pages, per_stream=5, index=False)
    blob = bytearray(path.read_bytes())
    hit = offsets[2] + 40  # inside the second page stream
    blob[hit:hit + 30] = bytes(b ^ 0xFF for b in blob[hit:hit + 30])
    path.write_bytes(bytes(blob))
    stats = Stats()
    _, recs = read_all(path, stats)
    lost = [i for i in ids if any(f"<id>{i}</id>" in p for p in pages[5:10])]
    assert sorted(r.id for r in recs) == sorted(f"wiki/{i}" for i in ids if i not in lost)
    assert any(p["path"] == str(path) and "damaged bz2" in p["message"] and p["offset"] == offsets[2]
               for p in stats.problems)


def test_hostile_dumps_keep_good_pages_and_report_the_rest(tmp_path):
    for case in (c for c in make_hostile(tmp_path) if c.kind == "wiki"):
        stats = Stats()
        _, recs = read_all(case.path, stats)
        got = {r.id for r in recs}
        assert set(case.ids) <= got, case.name
        text = "\n".join(r.text for r in recs)
        assert not [a for a in case.absent if a in text], case.name
        mine = [p for p in stats.problems if p["path"] == str(case.path)]
        assert bool(mine) == case.problem, (case.name, stats.problems)


def test_truncated_bz2_names_the_offset_of_the_cut_stream(tmp_path):
    pages, ids = mixed_pages(20)
    path = tmp_path / "cut-pages-articles-multistream.xml.bz2"
    offsets = write_multistream(path, pages, per_stream=5, index=False)
    path.write_bytes(path.read_bytes()[: offsets[3] + 50])
    stats = Stats()
    _, recs = read_all(path, stats)
    assert [p["offset"] for p in stats.problems] == [offsets[3]]
    assert "ends early" in stats.problems[0]["message"]
    assert sorted(r.id for r in recs) == sorted(
        f"wiki/{i}" for i in ids if any(f"<id>{i}</id>" in p for p in pages[:10]))


def test_a_page_that_never_closes_is_skipped(tmp_path):
    pages = [page_xml(1, "열린 문서", "닫히지 않는 문서"), page_xml(2, "작은 문서", "작은 문서의 본문이다.")]
    path = tmp_path / "open-pages-articles.xml"
    xml = dump_bytes(pages)
    path.write_bytes(xml.replace(b"</page>", b"", 1))
    stats = Stats()
    _, recs = read_all(path, stats)
    assert [r.id for r in recs] == ["wiki/2"]
    assert stats.problems[0]["message"].startswith("a page that never closes")
    assert stats.problems[0]["offset"] == xml.index(b"<page>")


def test_a_page_over_the_size_limit_is_skipped_not_buffered(tmp_path, monkeypatch):
    monkeypatch.setattr(wiki, "MAX_PAGE_BYTES", 5_000)
    monkeypatch.setattr(streams, "READ_BYTES", 1_000)
    pages = [page_xml(2, "작은 문서", "작은 문서의 본문이다."), page_xml(1, "큰 문서", "가" * 10_000)]
    path = tmp_path / "big-pages-articles.xml"
    path.write_bytes(dump_bytes(pages))
    stats = Stats()
    _, recs = read_all(path, stats)
    assert [r.id for r in recs] == ["wiki/2"]
    assert "over" in stats.problems[0]["message"]


def test_stride_shards_report_a_truncated_file_once(tmp_path, small_ranges):
    pages, _ = mixed_pages(60)
    path = tmp_path / "single-pages-articles.xml.bz2"
    path.write_bytes(bz2.compress(dump_bytes(pages))[:-500])
    stats = Stats()
    shards, _ = read_all(path, stats)
    assert len(shards) == 2 and shards[0].hint("stride") == (0, 2)
    assert [p["path"] for p in stats.problems] == [str(path)]


JAWIKI_HEAD = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xml:lang="ja">
  <siteinfo>
    <sitename>Wikipedia</sitename>
    <namespaces>
      <namespace key="-2" case="first-letter">メディア</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="6" case="first-letter">ファイル</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"""


@pytest.mark.parametrize("layout", ["plain", "multistream"])
def test_namespaces_come_from_siteinfo_and_unknown_ones_by_their_image_options(tmp_path, layout, small_ranges):
    text = ("東京は日本の首都である。\n[[ファイル:Tokyo.jpg|thumb|right|400px|東京の夜景]]\n"
            "[[画像:Shibuya.png|サムネイル|left|渋谷の交差点]]\n[[メディア:Song.ogg|歌]]\n"
            "[[ウィキペディア:方針|方針]]を読む。\n[[Category:日本の都市]]")
    pages = [page_xml(i, f"記事{i}", text) for i in range(1, 40)]
    if layout == "plain":
        dump = tmp_path / "jawiki-latest-pages-articles.xml"
        dump.write_bytes((JAWIKI_HEAD + "".join(pages) + "</mediawiki>\n").encode("utf-8"))
    else:
        dump = tmp_path / "jawiki-latest-pages-articles-multistream.xml.bz2"
        blobs = [bz2.compress(JAWIKI_HEAD.encode())]
        blobs += [bz2.compress("".join(pages[i:i + 5]).encode()) for i in range(0, len(pages), 5)]
        dump.write_bytes(b"".join([*blobs, bz2.compress(b"</mediawiki>\n")]))
    shards, recs = read_all(dump)
    assert len(recs) == 39 and (layout == "plain" or len(shards) > 1)
    for rec in recs:
        assert rec.text == "東京は日本の首都である。\n方針を読む。", rec.text
    assert wiki.namespaces_of(dump).media >= {"ファイル", "メディア", "file", "파일"}
