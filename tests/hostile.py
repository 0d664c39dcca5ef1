"""Hostile inputs for readers and builds, written into a folder you give.

``make_hostile(root)`` writes damaged, oddly encoded and malicious files next
to good ones and returns one :class:`Case` per file: the source kind to read
it with, the record ids that must come out of it (its good documents), text
that must never come out (an entity expansion, a script), and whether a
problem naming the file must be reported. A build over all of them must
finish, keep every good document and report every damaged file.

Also here: small builders of kowiki dumps (plain, bz2 multistream with its
index) that tests use for good input.

    from hostile import make_hostile  # tests/ is on sys.path under pytest
    cases = make_hostile(tmp_path)
"""

from __future__ import annotations

import bz2
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

# -- kowiki dumps ---------------------------------------------------------------------

DUMP_HEAD = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="ko">
  <siteinfo>
    <sitename>위키백과</sitename>
    <dbname>kowiki</dbname>
  </siteinfo>
"""
DUMP_TAIL = "</mediawiki>\n"

# A full article: infobox, refs (with and without templates), a table, files, a gallery,
# categories, interlanguage links, and the sections that must be dropped.
FULL_ARTICLE = """{{정보상자 도시
| 이름 = {{lang|en|Testville}}
| 인구 = 1000
| 이미지 = Test.jpg
}}
'''{name}'''({{llang|en|Testville}})는 [[가상 국가]]의 [[도시]]이다.<ref>{{웹 인용|url=https://example.com|제목=자료}}</ref> 인구는 천 명이다.<ref name="a">가짜 출처</ref>

== 역사 ==
{name}은 오래전에 세워졌다.<ref name="a" /> [[왕국|옛 왕국]]의 수도였다.
[[파일:Test.jpg|thumb|250px|{name}의 [[풍경]]]]
[[File:Map.png|섬네일|지도]]
=== 근대 ===
근대에는 철도가 놓였다. <!-- 숨은 주석 -->
{| class="wikitable"
! 연도 !! 인구
|-
| 표안의글 || 100
|}
<gallery>
A.jpg|사진 설명
</gallery>

== 같이 보기 ==
* [[이웃 도시]]

== 각주 ==
{{각주}}

== 참고 문헌 ==
* 가짜 책, 2001.

== 외부 링크 ==
* [https://example.com 공식 누리집]

{{토막글}}
[[분류:가상 도시]]
[[Category:Fake]]
[[en:Testville]]
[[ja:テスト]]
"""
FORBIDDEN_IN_WIKI_TEXT = ("{{", "}}", "[[", "]]", "<ref", "{|", "thumb", "분류:", "섬네일", "가짜 출처",
                          "이웃 도시", "가짜 책", "공식 누리집", "사진 설명", "숨은 주석", "표안의글")


def page_xml(page_id: int, title: str, text: str, ns: int = 0, redirect: str | None = None,
             timestamp: str = "2026-11-01T00:00:00Z") -> str:
    """One ``<page>`` of a pages-articles dump (text escaped as the dumps do)."""
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    title_esc = title.replace("&", "&amp;").replace("<", "&lt;")
    redirect_el = f'    <redirect title="{redirect}" />\n' if redirect else ""
    return (f"  <page>\n    <title>{title_esc}</title>\n    <ns>{ns}</ns>\n    <id>{page_id}</id>\n"
            f"{redirect_el}    <revision>\n      <id>{page_id + 90000}</id>\n"
            f"      <timestamp>{timestamp}</timestamp>\n"
            f'      <text bytes="{len(text.encode())}" xml:space="preserve">{esc}</text>\n'
            f"    </revision>\n  </page>\n")


def article_pages(n: int, first_id: int = 1000) -> list[tuple[int, str, str]]:
    """``n`` good articles (id, title, wikitext); every 3rd has the full markup."""
    out = []
    for i in range(n):
        pid = first_id + i
        name = f"시험도시{pid}"
        text = FULL_ARTICLE.replace("{name}", name) if i % 3 == 0 else (
            f"'''{name}'''는 [[대한민국]]의 마을이다. 이 마을의 번호는 {pid}번이다.\n\n"
            f"== 지리 ==\n마을은 [[강]] 옆에 있으며 [[산|높은 산]]에 둘러싸여 있다.")
        out.append((pid, name, text))
    return out


def mixed_pages(n_articles: int, first_id: int = 1000) -> tuple[list[str], list[int]]:
    """Page XML for articles plus redirects and other namespaces; returns (pages, article ids)."""
    pages, ids = [], []
    for pid, title, text in article_pages(n_articles, first_id):
        pages.append(page_xml(pid, title, text))
        ids.append(pid)
        if pid % 4 == 0:
            pages.append(page_xml(pid + 500000, f"{title} (넘겨주기)", f"#넘겨주기 [[{title}]]"))
        if pid % 5 == 0:
            pages.append(page_xml(pid + 600000, f"틀:{title}", "{{틀 내용}}", ns=10))
            pages.append(page_xml(pid + 700000, f"분류:{title}", "분류 문서이다.", ns=14))
    return pages, ids


def dump_bytes(pages: list[str]) -> bytes:
    return (DUMP_HEAD + "".join(pages) + DUMP_TAIL).encode("utf-8")


def write_multistream(path: Path, pages: list[str], per_stream: int = 10,
                      index: bool = True) -> list[int]:
    """A ``-multistream`` bz2 dump (header, streams of ``per_stream`` pages, footer) and its index.

    Returns the offset of every stream, as the index lists them.
    """
    blobs = [bz2.compress(DUMP_HEAD.encode())]
    groups = [pages[i:i + per_stream] for i in range(0, len(pages), per_stream)]
    blobs += [bz2.compress("".join(g).encode()) for g in groups]
    blobs.append(bz2.compress(DUMP_TAIL.encode()))
    offsets, pos = [], 0
    for blob in blobs:
        offsets.append(pos)
        pos += len(blob)
    path.write_bytes(b"".join(blobs))
    if index:
        lines = []
        for g, offset in zip(groups, offsets[1:], strict=False):
            for page in g:
                pid = page.split("<id>", 1)[1].split("<", 1)[0]
                title = page.split("<title>", 1)[1].split("<", 1)[0]
                lines.append(f"{offset}:{pid}:{title}\n")
        index_path = path.with_name(path.name.removesuffix(".xml.bz2") + "-index.txt.bz2")
        index_path.write_bytes(bz2.compress("".join(lines).encode()))
    return offsets


# -- hostile cases --------------------------------------------------------------------

@dataclass
class Case:
    name: str
    kind: str  # the source kind that reads it
    path: Path
    ids: list[str] = field(default_factory=list)  # records that must come out
    texts: list[str] = field(default_factory=list)  # text that must come out (in some record)
    absent: list[str] = field(default_factory=list)  # text that must never come out
    problem: bool = False  # a problem naming this file must be reported
    options: dict = field(default_factory=dict)  # source options to read it with


GOOD_COMMENTS = [f"좋은 댓글 {i}번입니다 정말 재미있게 봤어요" for i in range(1, 2001)]
CP949_LINES = ["한글 완성형 인코딩으로 저장된 댓글입니다", "똠방각하 펲시콜라 햏햏 (확장 완성형 글자)",
               "세 번째 줄도 멀쩡하게 읽혀야 합니다"]


def make_hostile(root: Path) -> list[Case]:
    """Write every hostile file (and the good files beside them) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    return [
        *_wiki_cases(root / "wiki"),
        *_comment_cases(root / "comments"),
        *_news_cases(root / "news"),
    ]


def _wiki_cases(d: Path) -> list[Case]:
    d.mkdir(parents=True, exist_ok=True)
    cases = []
    pages, ids = mixed_pages(30)
    good = d / "좋은 위키 덤프-pages-articles.xml"
    good.write_bytes(dump_bytes(pages))
    cases.append(Case("wiki good", "wiki", good, ids=[f"wiki/{i}" for i in ids],
                      absent=list(FORBIDDEN_IN_WIKI_TEXT)))

    # Truncated multistream bz2: streams before the cut are whole, their pages must survive.
    pages, ids = mixed_pages(40, first_id=3000)
    trunc = d / "kowiki-truncated-pages-articles-multistream.xml.bz2"
    offsets = write_multistream(trunc, pages, per_stream=10, index=False)
    blob = trunc.read_bytes()
    cut = offsets[3] + (offsets[4] - offsets[3]) // 2  # in the middle of the 3rd page stream
    trunc.write_bytes(blob[:cut])
    kept = [i for i in ids if any(f"<id>{i}</id>" in p for p in pages[:20])]
    cases.append(Case("wiki truncated bz2", "wiki", trunc, ids=[f"wiki/{i}" for i in kept], problem=True))

    # Truncated plain XML: cut inside the last page.
    pages, ids = mixed_pages(6, first_id=5000)
    plain = dump_bytes(pages)
    cut_xml = d / "kowiki cut-pages-articles.xml"
    cut_xml.write_bytes(plain[: plain.rfind(b"<page>") + 200])
    cases.append(Case("wiki truncated xml", "wiki", cut_xml, ids=[f"wiki/{i}" for i in ids[:-1]], problem=True))

    good_page = page_xml(7001, "멀쩡한 문서", "이 문서는 악성 문서 옆에 있지만 멀쩡하게 남아야 한다.")
    doctype_xxe = ('<!DOCTYPE mediawiki [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
    xxe = d / "xxe-pages-articles.xml"
    xxe.write_text(doctype_xxe + DUMP_HEAD + page_xml(7000, "XXE", "비밀: X").replace("비밀: X", "비밀: &xxe;")
                   + good_page + DUMP_TAIL, encoding="utf-8")
    cases.append(Case("wiki xxe", "wiki", xxe, ids=["wiki/7001"], absent=["root:", "비밀"], problem=True))

    laughs = ["<!ENTITY lol \"lol\">"] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    bomb = d / "billion-laughs-pages-articles.xml"
    bomb.write_text("<!DOCTYPE mediawiki [" + "".join(laughs) + "]>\n" + DUMP_HEAD
                    + page_xml(7002, "웃음", "웃음 폭탄").replace("웃음 폭탄", "&lol9;")
                    + good_page.replace("7001", "7003") + DUMP_TAIL, encoding="utf-8")
    cases.append(Case("wiki billion laughs", "wiki", bomb, ids=["wiki/7003"], absent=["lollol"], problem=True))

    deep = d / "deep-pages-articles.xml"
    nested = "<page><title>깊음</title><ns>0</ns><id>7004</id>" + "<x>" * 50000 + "</x>" * 50000 + "</page>\n"
    deep.write_text(DUMP_HEAD + nested + good_page.replace("7001", "7005") + DUMP_TAIL, encoding="utf-8")
    cases.append(Case("wiki deep nesting", "wiki", deep, ids=["wiki/7005"], problem=True))

    empty = d / "empty-pages-articles.xml.bz2"
    empty.write_bytes(b"")
    cases.append(Case("wiki empty bz2", "wiki", empty, problem=True))
    return cases


def _comment_cases(d: Path) -> list[Case]:
    d.mkdir(parents=True, exist_ok=True)
    cases = []
    good = d / "댓글 모음 2019.txt"
    good.write_text("\n".join(GOOD_COMMENTS) + "\n", encoding="utf-8")
    stem = "댓글 모음 2019"
    cases.append(Case("comments good", "comments", good, ids=[f"comments/{stem}:{i}" for i in range(1, 2001)]))

    bom = d / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + "첫 줄에 BOM이 붙은 파일의 댓글\n둘째 줄도 평범한 댓글입니다\n".encode())
    cases.append(Case("comments utf-8 bom", "comments", bom, ids=["comments/bom:1", "comments/bom:2"],
                      texts=["첫 줄에 BOM이 붙은 파일의 댓글"], absent=["\ufeff"]))

    cp = d / "cp949 댓글.txt"
    cp.write_bytes(("\r\n".join(CP949_LINES) + "\r\n").encode("cp949"))
    cases.append(Case("comments cp949", "comments", cp, ids=[f"comments/cp949 댓글:{i}" for i in (1, 2, 3)],
                      texts=CP949_LINES, absent=["\r"], problem=True))

    bad = d / "invalid utf8.txt"
    bad.write_bytes("정상 댓글 하나\n".encode() + "깨진 바이트가".encode() + b" \xff\xfe \xc3\x28 "
                    + "섞인 댓글입니다\n".encode()
                    + "널\x00문자\x00가 섞인 댓글\n".encode() + "마지막 정상 댓글\n".encode())
    cases.append(Case("comments invalid utf-8 and NUL", "comments", bad,
                      ids=[f"comments/invalid utf8:{i}" for i in (1, 2, 3, 4)],
                      texts=["정상 댓글 하나", "널문자가 섞인 댓글", "마지막 정상 댓글"], absent=["\x00"], problem=True))

    gz = d / "truncated comments.txt.gz"
    gz.write_bytes(gzip.compress(("\n".join(GOOD_COMMENTS) + "\n").encode())[:-400])
    cases.append(Case("comments truncated gzip", "comments", gz,
                      ids=[f"comments/truncated comments:{i}" for i in range(1, 1001)], problem=True))

    bz = d / "truncated comments 2.txt.bz2"
    bz.write_bytes(bz2.compress(("\n".join(GOOD_COMMENTS[:500]) + "\n").encode())
                   + bz2.compress(("\n".join(GOOD_COMMENTS[500:]) + "\n").encode())[:-300])
    cases.append(Case("comments truncated bz2", "comments", bz,
                      ids=[f"comments/truncated comments 2:{i}" for i in range(1, 501)], problem=True))

    empty = d / "빈 파일.txt"
    empty.write_bytes(b"")
    cases.append(Case("comments empty", "comments", empty, problem=True))

    nsmc = d / "nsmc sample.txt"
    nsmc.write_text("id\tdocument\tlabel\n9976970\t아 더빙.. 진짜 짜증나네요 목소리\t0\n"
                    "3819312\t흠...포스터보고 초딩영화줄....오버연기조차 가볍지 않구나\t1\n"
                    "10265843\t\t0\n", encoding="utf-8")
    cases.append(Case("comments nsmc tsv", "comments", nsmc,
                      ids=["comments/nsmc sample:9976970", "comments/nsmc sample:3819312"]))
    return cases


ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>예시일보 - 시청 앞 광장에 첫눈</title>
<meta property="og:title" content="시청 앞 광장에 첫눈">
<meta property="article:published_time" content="2026-11-25T09:00:00+09:00">
<style>body {{ color: red }}</style>
<script>var tracking = "alert('x')";</script>
</head><body>
<header><nav><ul><li>정치</li><li>경제</li><li>메뉴항목</li></ul></nav></header>
<div class="ad-banner">광고 배너 문구</div>
<div id="content">
 <div id="articleBody" class="article_body">
  <p>올겨울 첫눈이 시청 앞 광장에 내렸다. 시민들은 출근길에 눈을 맞으며 사진을 찍었다.</p>
  <p>기상청은 오후까지 눈이 이어지겠다고 밝혔다.<br>도로가 미끄러우니 운전에 주의해야 한다.</p>
  <div class="related-news"><a href="/1">관련기사 제목</a></div>
  <script>document.write("스크립트 본문")</script>
  <p>저작권자 ⓒ 예시일보 무단전재 및 재배포 금지</p>
 </div>
</div>
<aside class="sidebar">많이 본 뉴스 목록</aside>
<footer>회사 소개 · 개인정보처리방침</footer>
</body></html>
"""
HTML_BODY = ["올겨울 첫눈이 시청 앞 광장에 내렸다.", "기상청은 오후까지 눈이 이어지겠다고 밝혔다.",
             "도로가 미끄러우니 운전에 주의해야 한다."]
HTML_JUNK = ["alert", "tracking", "메뉴항목", "광고 배너", "관련기사", "스크립트 본문", "무단전재",
             "많이 본 뉴스", "개인정보처리방침", "color: red"]


def _news_cases(d: Path) -> list[Case]:
    d.mkdir(parents=True, exist_ok=True)
    cases = []
    page = d / "기사 페이지 1.html"
    page.write_text(ARTICLE_HTML.format(charset="utf-8"), encoding="utf-8")
    cases.append(Case("news html with scripts", "news", page, ids=["news/기사 페이지 1"], texts=HTML_BODY,
                      absent=HTML_JUNK))

    euc = d / "euc-kr page.html"
    euc.write_bytes(ARTICLE_HTML.format(charset="euc-kr").encode("cp949"))
    cases.append(Case("news html euc-kr", "news", euc, ids=["news/euc-kr page"], texts=HTML_BODY,
                      absent=HTML_JUNK))

    docs = [{"id": f"NIRW{i:010d}", "metadata": {"title": f"기사 {i}", "date": "20261124", "publisher": "예시일보"},
             "paragraph": [{"id": f"p{i}.1", "form": f"{i}번 기사의 첫 문단이다. 내용이 충분히 길다."}]}
            for i in range(50)]
    nikl = json.dumps({"id": "NIRW", "metadata": {}, "document": docs}, ensure_ascii=False, indent=1)
    cut = d / "NIRW truncated.json"
    cut.write_text(nikl[: nikl.index('"NIRW0000000040"')], encoding="utf-8")
    cases.append(Case("news truncated NIKL json", "news", cut,
                      ids=[f"news/NIRW{i:010d}" for i in range(40)], problem=True))

    empty = d / "empty.jsonl"
    empty.write_bytes(b"")
    cases.append(Case("news empty jsonl", "news", empty, problem=True))
    return cases
