"""One page, one text: the news reader (saved file, WARC) and the news spider share one extractor."""

from __future__ import annotations

import doctest
import importlib
import io
from pathlib import Path

import pytest
from mirrors import article_html, news_articles

from korpus.core.stats import Stats
from korpus.crawlers.readers import reader_for

ARTICLE_MODULES = ["decode", "dates", "boilerplate", "text", "extract"]
PARAGRAPHS = [
    "정부는 24일 서울 정부청사에서 새 정책을 발표하고 내년부터 단계적으로 시행한다고 밝혔다.",
    "이번 정책은 지역 균형 발전과 일자리 창출을 목표로 하며, 관계 부처는 세부 계획을 마련해 다음 달 중 공개할 예정이다.",
    "전문가들은 정책의 실효성을 높이려면 지방자치단체와의 협력이 중요하다고 입을 모았다.",
    "정부는 또 시행 초기의 혼란을 줄이기 위해 상담 창구를 늘리고 온라인 안내 자료를 배포하기로 했다.",
    "지방자치단체들은 정책 설명회를 열어 주민 의견을 듣고, 지역 사정에 맞는 보완책을 정부에 건의하기로 했다.",
    "한편 야당은 재원 마련 방안이 구체적이지 않다며 국회 논의 과정에서 꼼꼼히 따져 보겠다고 밝혔다.",
    "정부는 다음 달 공청회를 열어 시민 단체와 업계의 의견을 수렴한 뒤 최종안을 확정할 계획이다.",
    "정책이 시행되면 지역 청년의 취업 기회가 늘고 수도권 집중 현상도 다소 완화될 것으로 전망된다.",
]


@pytest.mark.parametrize("name", ARTICLE_MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(f"korpus.crawlers.article.{name}"))
    assert result.attempted > 0 and result.failed == 0


def portal_page() -> bytes:
    """A portal layout in CP949 that names its charset nowhere in the page: no <article>, no
    og:type, the date in a data attribute, photo captions and a ranking box beside the text."""
    body = "<br><br>".join(["(서울=연합뉴스) 홍길동 기자 = " + PARAGRAPHS[0], *PARAGRAPHS[1:],
                            "ⓒ 연합뉴스, 무단 전재 및 재배포 금지"])
    ranking = "".join(f'<li><a href="/r{i}">많이 본 뉴스 {i} 제목이 여기에 길게 들어갑니다</a></li>' for i in range(12))
    html = f"""<html><head><title>포털 뉴스</title></head><body>
      <div id="nav">홈 정치 경제</div>
      <div class="news_wrap"><h2 class="media_end_head_headline">정책 발표</h2>
        <span class="media_end_head_info_datestamp_time" data-date-time="2024-01-05 10:30:00">2024.01.05. 오전 10:30</span>
        <div id="dic_area"><span class="end_photo_org"><em class="img_desc">사진 설명 문구</em></span>{body}</div>
      </div>
      <div class="rankingnews"><ul>{ranking}</ul></div></body></html>"""
    return html.encode("cp949")


def news_page() -> bytes:
    a = news_articles()[1]
    return article_html(a.title, a.date, a.paragraphs, canonical="http://n.kr/news/a2.html").encode()


PAGES = {  # name -> (bytes, the Content-Type it is served with)
    "news site, utf-8 meta charset": (news_page(), "text/html; charset=utf-8"),
    "portal, cp949 named only by the server": (portal_page(), "text/html; charset=euc-kr"),
}
URL = "http://n.kr/news/a2.html"


def read_news(path: Path):
    reader, stats = reader_for("news"), Stats()
    recs = [rec for shard in reader.plan(str(path)) for rec in reader.read(shard, stats)]
    assert len(recs) == 1, stats.to_json()
    return recs[0]


def saved_file(tmp_path: Path, body: bytes):
    path = tmp_path / "page.html"
    path.write_bytes(body)
    return read_news(path)


def in_warc(tmp_path: Path, body: bytes, content_type: str):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(URL, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    return read_news(path)


def crawled(tmp_path: Path, body: bytes, content_type: str):
    """The spider's own callback on a response, as Scrapy would call it."""
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from korpus.crawlers.news.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, start_url="http://n.kr/", out=str(tmp_path / "crawl"))
    response = HtmlResponse(URL, body=body, headers={"Content-Type": content_type}, request=Request(URL))
    try:
        items = list(spider.parse_article(response))
    finally:
        spider.state.close()
    assert len(items) == 1, crawler.stats.get_stats()
    return items[0]


@pytest.mark.parametrize("name", PAGES)
def test_one_page_one_text(tmp_path, name):
    body, content_type = PAGES[name]
    got = {"saved .html": saved_file(tmp_path, body), "WARC record": in_warc(tmp_path, body, content_type),
           "spider": crawled(tmp_path, body, content_type)}
    seen = {way: (a.text, a.title, a.date) for way, a in got.items()}
    assert len(set(seen.values())) == 1, seen
    text = got["spider"].text
    if name.startswith("portal"):
        assert text.split("\n") == PARAGRAPHS  # dateline, caption, copyright and ranking gone
        assert got["spider"].date == "2024-01-05T10:30:00"
    else:
        assert text.split("\n") == news_articles()[1].paragraphs
    assert got["WARC record"].url == got["spider"].url == URL
