"""The spider's article path (extraction and its article policy) on HTML fixtures (no network, no Scrapy)."""

from __future__ import annotations

import doctest
import importlib

import pytest
from mirrors import (
    AD_TEXT,
    BYLINE_TEXT,
    FOOTER_TEXT,
    NAV_TEXT,
    RELATED_TEXT,
    article_html,
    listing_html,
    news_articles,
)

from korpus.crawlers.news.items import url_hash
from korpus.crawlers.news.pages import NotArticle, page_article

FURNITURE = (NAV_TEXT, FOOTER_TEXT, RELATED_TEXT, AD_TEXT, BYLINE_TEXT, "SCRIPTTEXT", "SIDEBARTEXT",
             "SEARCHBOX", "color: red", "코퍼스일보")
LEAD = "정부는 24일 서울 정부청사에서 새 정책을 발표하고 내년부터 단계적으로 시행한다고 밝혔다."
MORE = ("이번 정책은 지역 균형 발전과 일자리 창출을 목표로 하며, 관계 부처는 세부 계획을 마련해 "
        "다음 달 중 공개할 예정이다. 전문가들은 정책의 실효성을 높이려면 지방자치단체와의 협력이 "
        "중요하다고 입을 모았다. 정부는 또 시행 초기의 혼란을 줄이기 위해 상담 창구를 늘리고 "
        "온라인 안내 자료를 배포하기로 했다.")


@pytest.mark.parametrize("module", [
    "korpus.crawlers.article.dates", "korpus.crawlers.news.items", "korpus.crawlers.news.pages",
    "korpus.crawlers.news.state", "korpus.crawlers.news.spiders.news",
])
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


def test_article_body_kept_and_furniture_dropped():
    a = news_articles()[1]
    page = page_article(article_html(a.title, a.date, a.paragraphs), "http://news.kr/a2.html")
    assert not isinstance(page, NotArticle)
    assert page.title == a.title and page.date == a.date
    assert page.text.split("\n") == a.paragraphs
    for text in FURNITURE:
        assert text not in page.text


def test_listing_and_about_pages_are_not_articles():
    assert page_article(listing_html("정치", ["/a", "/b", "/c"]), "http://n.kr/s") \
        == NotArticle("no_article_markup")
    short = article_html("제목", "2024-01-01", ["짧은 글."])
    assert page_article(short, "http://n.kr/x") == NotArticle("short_body")


def test_link_list_marked_as_article_is_skipped():
    links = "".join(f'<li><a href="/n/{i}">{LEAD} {i}</a></li>' for i in range(10))
    html = f'<html><head><meta property="og:type" content="article"></head><body><article><ul>{links}</ul></article></body></html>'
    assert page_article(html, "http://n.kr/list") == NotArticle("link_list")


def test_korean_portal_layout_br_text_without_article_tag():
    """Text in one div split by <br>, no <article>, no og:type: date + dense text suffice."""
    body = "<br><br>".join([f"(서울=연합뉴스) 홍길동 기자 = {LEAD}", MORE, MORE[::-1], LEAD + MORE,
                            "ⓒ 연합뉴스, 무단 전재 및 재배포 금지"])
    sidebar = "".join(f'<li><a href="/r{i}">많이 본 뉴스 {i} 제목이 여기에 길게 들어갑니다</a></li>'
                      for i in range(12))
    html = f"""<html><head><title>포털 뉴스</title></head><body>
      <div class="top"><a href="/">홈</a></div>
      <div class="news_wrap"><h2 class="media_end_head_headline">정책 발표</h2>
        <span class="media_end_head_info_datestamp_time" data-date-time="2024-01-05 10:30:00">
          2024.01.05. 오전 10:30</span>
        <div id="dic_area" class="go_trans _article_content">{body}</div>
      </div>
      <div class="rankingnews"><ul>{sidebar}</ul></div></body></html>"""
    page = page_article(html, "http://n.kr/article/001/123")
    assert not isinstance(page, NotArticle), page
    assert page.text.split("\n") == [LEAD, MORE, MORE[::-1], LEAD + MORE]
    assert page.date == "2024-01-05T10:30:00"
    assert "많이 본 뉴스" not in page.text


def test_json_ld_gives_date_and_marks_article():
    html = f"""<html><head><script type="application/ld+json">
      {{"@context": "https://schema.org", "@graph": [{{"@type": "NewsArticle",
        "headline": "JSON-LD 제목", "datePublished": "2024-02-03T04:05:06+09:00"}}]}}
    </script></head><body><div class="content"><p>{LEAD}</p><p>{MORE}</p></div></body></html>"""
    page = page_article(html, "http://n.kr/j")
    assert page.title == "JSON-LD 제목" and page.date == "2024-02-03T04:05:06+09:00"
    assert page.text == f"{LEAD}\n{MORE}"


def test_canonical_url_decides_the_id_but_only_on_the_same_host():
    a = news_articles()[0]
    same = article_html(a.title, a.date, a.paragraphs, canonical="/news/a1.html")
    page = page_article(same, "http://n.kr/amp/a1.html?utm_source=x")
    assert page.url == "http://n.kr/news/a1.html" and page.id == f"news/{url_hash(page.url)}"
    assert page.meta["fetched_url"] == "http://n.kr/amp/a1.html?utm_source=x"
    other = article_html(a.title, a.date, a.paragraphs, canonical="http://evil.example/x")
    assert page_article(other, "http://n.kr/a1").url == "http://n.kr/a1"


def test_wrapper_with_a_furniture_class_keeps_its_story():
    html = f"""<html><head><meta property="og:type" content="article"></head><body>
      <div class="page has-comments"><div class="story"><p>{LEAD}</p><p>{MORE}</p></div>
      <div class="comment-list"><p>댓글입니다 댓글입니다 댓글입니다 댓글입니다</p></div></div></body></html>"""
    page = page_article(html, "http://n.kr/w")
    assert page.text == f"{LEAD}\n{MORE}"


def test_deeply_nested_markup_does_not_crash():
    html = "<html><body>" + "<div>" * 3000 + f"<p>{LEAD} {MORE}</p>" + "</div>" * 3000 + "</body></html>"
    result = page_article(html, "http://n.kr/deep")
    assert isinstance(result, NotArticle) or LEAD in result.text


def test_bytes_with_declared_encoding():
    a = news_articles()[2]
    raw = article_html(a.title, a.date, a.paragraphs).replace("utf-8", "euc-kr").encode("euc-kr",
                                                                                      "replace")
    page = page_article(raw, "http://n.kr/e", charset="euc-kr")
    assert page.title == a.title
