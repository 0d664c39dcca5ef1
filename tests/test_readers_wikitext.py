"""Wikitext to plain text: what goes, what stays."""

from __future__ import annotations

import pytest
from hostile import FORBIDDEN_IN_WIKI_TEXT, FULL_ARTICLE

from korpus.crawlers.readers.wikitext import link_text, tidy_lines, wikitext_to_plain


def plain(text: str) -> str:
    return wikitext_to_plain(text)


def test_full_article_keeps_prose_and_drops_every_kind_of_markup():
    out = plain(FULL_ARTICLE.replace("{name}", "가상시"))
    assert out.splitlines() == [
        "가상시(Testville)는 가상 국가의 도시이다. 인구는 천 명이다.",
        "가상시은 오래전에 세워졌다. 옛 왕국의 수도였다.",
        "근대에는 철도가 놓였다.",
    ]
    for bad in FORBIDDEN_IN_WIKI_TEXT:
        assert bad not in out


@pytest.mark.parametrize("markup", [
    "{{정보상자 인물|이름=홍길동|출생={{출생일|1950|1|1}}|배우자=[[김철수]]}}",
    "<ref>{{웹 인용|url=https://x.example|제목=출처}}</ref>",
    '<ref name="a" />',
    '<ref name="b">[[출처 문서]] 12쪽</ref>',
    '{| class="wikitable"\n|-\n! 가 !! 나\n|-\n| [[표 칸]] || 둘\n|}',
    "<table><tr><td>HTML 표 칸</td></tr></table>",
    "[[파일:Seoul.jpg|thumb|250px|서울의 [[야경]]]]",
    "[[File:Seoul.jpg|섬네일|왼쪽|설명]]",
    "[[그림:옛그림.png|설명 글]]",
    "[[Image:x.svg]]",
    "[[분류:대한민국의 도시]]",
    "[[Category:Cities]]",
    "[[en:Seoul]]",
    "[[zh-min-nan:Seoul]]",
    "<!-- 편집자에게만 보이는 주석 -->",
    "<gallery>\nA.jpg|사진 하나\n</gallery>",
    "<math>x^2 + y^2</math>",
    "{{{1|기본값}}}",
    "__NOTOC__",
    "[https://example.com]",
])
def test_markup_that_is_not_text_is_removed(markup):
    out = plain(f"앞 문장이다.\n{markup}\n뒤 문장이다.")
    assert out.replace("\n", " ").split() == ["앞", "문장이다.", "뒤", "문장이다."]


@pytest.mark.parametrize(("markup", "shown"), [
    ("[[대한민국]]", "대한민국"),
    ("[[한국 요리|한국의 음식]]", "한국의 음식"),
    ("[[:분류:강|강 분류]]", "강 분류"),
    ("[[서울특별시#역사|서울의 역사]]", "서울의 역사"),
    ("'''굵게'''", "굵게"),
    ("''기울임''", "기울임"),
    ("[https://example.com 공식 누리집]", "공식 누리집"),
    ("{{lang|en|Seoul}}", "Seoul"),
    ("{{llang|la|Augustus}}", "Augustus"),
    ("&lt;꺾쇠&gt; &amp; &#44032;&#xAC00;", "<꺾쇠> & 가가"),
    ("<span style='color:red'>빨간 글</span>", "빨간 글"),
    ("<nowiki>[[그대로]]</nowiki>", "그대로"),
    ("km<sup>2</sup>", "km2"),
])
def test_text_inside_markup_is_kept(markup, shown):
    assert plain(f"가 {markup} 나") == f"가 {shown} 나"


def test_headings_become_paragraph_breaks_and_their_titles_go():
    assert plain("첫 문단.\n== 역사 ==\n둘째 문단.\n=== 세부 ===\n셋째 문단.") == "첫 문단.\n둘째 문단.\n셋째 문단."


def test_reference_sections_are_dropped_with_their_subsections_until_the_next_section():
    text = ("본문.\n== 각주 ==\n{{각주}}\n=== 주석 안 ===\n각주 설명.\n== 생애 ==\n다시 본문.\n"
            "== 참고 문헌 ==\n책.\n== 외부 링크 ==\n* [http://x.example 링크]\n== 같이 보기 ==\n* [[다른 문서]]")
    assert plain(text) == "본문.\n다시 본문."


def test_list_items_keep_their_text_one_per_line():
    assert plain("목록:\n* [[사과]]\n* [[배|배나무]] 열매\n# 번호 항목") == "목록:\n사과\n배나무 열매\n번호 항목"


def test_br_breaks_the_line():
    assert plain("한 줄<br/>다음 줄<br>셋째") == "한 줄\n다음 줄\n셋째"


@pytest.mark.parametrize("broken", [
    "{{닫히지 않은 틀 내용이 끝까지 이어진다",
    "[[닫히지 않은 링크",
    "<ref>닫히지 않은 각주",
    "{| 닫히지 않은 표\n| 칸",
    "}} 여는 것 없는 닫기 ]]",
])
def test_broken_markup_neither_crashes_nor_leaves_brackets(broken):
    out = plain(f"정상 문장이다. {broken}")
    assert out.startswith("정상 문장이다.")
    for residue in ("{{", "}}", "[[", "]]", "<ref", "{|"):
        assert residue not in out


def test_link_text_rules():
    assert link_text("파일:A.jpg", "thumb|설명") == ""
    assert link_text("en:Seoul", "Seoul") == ""
    assert link_text("위키낱말사전:사과", "사과") == "사과"
    assert link_text("스타크래프트: 브루드 워", None) == "스타크래프트: 브루드 워"


def test_tidy_lines_drops_lines_without_words():
    assert tidy_lines("( )\n * \n글자 있음") == "글자 있음"


def test_deeply_nested_templates_do_not_crash():
    nested = "{{틀|" * 300 + "속" + "}}" * 300
    assert "속" not in plain(f"바깥 글. {nested}")
