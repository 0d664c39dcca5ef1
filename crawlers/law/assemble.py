"""One body XML -> one document: title, text in document order, metadata.

Statutes (``법령``): title, then each 조문 (chapter headings, 조문내용 with its
title, nested 항/호/목), then 부칙, and 별표 when asked. Ordinances and
administrative rules follow the same shape with their own tags. Decisions
(precedents, Constitutional Court, interpretations) are a fixed list of
fields whose values are HTML fragments: ``<br/>`` becomes a line break and
other markup is dropped with BeautifulSoup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup
from lxml import etree

from korpus.crawlers.law.responses import child_text

_TAG_HINT = re.compile(r"<\s*/?\s*[A-Za-z]|&[#A-Za-z]")
_BLOCK_TAGS = ("br", "p", "div", "tr", "li", "table")

# decision targets: the fields that make the text, in order (the first is the title)
DECISION_FIELDS: dict[str, tuple[str, ...]] = {
    "prec": ("사건명", "판시사항", "판결요지", "판례내용"),
    "detc": ("사건명", "판시사항", "결정요지", "전문"),
    "expc": ("안건명", "질의요지", "회답", "이유"),
}
DECISION_META: dict[str, tuple[str, ...]] = {
    "prec": ("판례정보일련번호", "사건번호", "선고일자", "법원명", "사건종류명", "판결유형"),
    "detc": ("헌재결정례일련번호", "사건번호", "종국일자", "사건종류명"),
    "expc": ("법령해석례일련번호", "안건번호", "해석일자", "해석기관명", "질의기관명"),
}


@dataclass(slots=True)
class Assembled:
    title: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def clean_lines(text: str) -> str:
    """Strip every line and drop blank ones (the API indents with tabs).

    >>> clean_lines("  1. 부동산\\n\\t\\t\\n\\t  등기할 것 ")
    '1. 부동산\\n등기할 것'
    """
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def html_fragment_to_text(fragment: str) -> str:
    """``<br/>`` and block ends become line breaks; other tags go, entities decode.

    Text like ``<개정 2020. 1. 1.>`` is not markup and stays.

    >>> html_fragment_to_text("판시<br/>사항 <b>굵게</b> &amp; <개정 2020.1.1>")
    '판시\\n사항 굵게 & <개정 2020.1.1>'
    """
    if not _TAG_HINT.search(fragment):
        return clean_lines(fragment)
    soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup.find_all(_BLOCK_TAGS):
        if tag.name == "br":
            tag.replace_with("\n")
        else:
            tag.insert_before("\n")
            tag.insert_after("\n")
    return clean_lines(soup.get_text())


def _texts(element: etree._Element, *tags: str) -> Iterator[str]:
    for node in element.iter(*tags):
        text = clean_lines("".join(node.itertext()))
        if text:
            yield text


_NESTED = ("항", "호", "목")
_NESTED_TEXT = ("항내용", "호내용", "목내용")


def _article(unit: etree._Element, title_tag: str, body_tag: str) -> Iterator[str]:
    """One article: its title (unless the body already holds it), body, then 항/호/목."""
    title = child_text(unit, title_tag)
    body = clean_lines(child_text(unit, body_tag))
    if title and title not in body:
        yield title
    if body:
        yield body
    for node in unit:
        if node.tag in _NESTED:
            yield from _texts(node, *_NESTED_TEXT)


def _annexes(root: etree._Element) -> Iterator[str]:
    for unit in root.iter("별표단위"):
        title = child_text(unit, "별표제목")
        body = clean_lines(child_text(unit, "별표내용"))
        if title and title not in body:
            yield title
        if body:
            yield body


def _supplementary(root: etree._Element) -> Iterator[str]:
    for container in root.findall("부칙"):
        yield from _texts(container, "부칙내용")


def _statute_lines(root: etree._Element, include_annex: bool) -> Iterator[str]:
    for unit in root.iterfind("조문/조문단위"):
        if child_text(unit, "조문여부") == "전문":  # chapter/section heading
            heading = clean_lines(child_text(unit, "조문내용"))
            if heading:
                yield heading
            continue
        yield from _article(unit, "조문제목", "조문내용")
    yield from _supplementary(root)
    if include_annex:
        yield from _annexes(root)


def _ordinance_lines(root: etree._Element, include_annex: bool) -> Iterator[str]:
    for unit in root.iterfind("조문/조"):
        yield from _article(unit, "조제목", "조내용")
    yield from _supplementary(root)
    if include_annex:
        yield from _annexes(root)


def _rule_lines(root: etree._Element, include_annex: bool) -> Iterator[str]:
    for node in root.findall("조문내용"):
        text = clean_lines("".join(node.itertext()))
        if text:
            yield text
    yield from _supplementary(root)
    if include_annex:
        yield from _annexes(root)


def _join(title: str, lines: Iterable[str]) -> str:
    return "\n".join([title, *lines] if title else lines)


def _pick(info: etree._Element | None, names: Iterable[str]) -> dict[str, str]:
    picked = {name: child_text(info, name) for name in names}
    return {k: v for k, v in picked.items() if v}


def assemble_statute(root: etree._Element, include_annex: bool = False) -> Assembled:
    info = root.find("기본정보")
    title = child_text(info, "법령명_한글")
    meta = _pick(info, ("법령ID", "공포일자", "공포번호", "시행일자", "제개정구분"))
    meta |= {k: v for k, v in (("소관부처", child_text(info, "소관부처")),
                               ("법령구분명", child_text(info, "법종구분"))) if v}
    return Assembled(title, _join(title, _statute_lines(root, include_annex)), meta)


def assemble_ordinance(root: etree._Element, include_annex: bool = False) -> Assembled:
    info = root.find("자치법규기본정보")
    title = child_text(info, "자치법규명")
    meta = _pick(info, ("자치법규ID", "공포일자", "공포번호", "시행일자", "지자체기관명", "자치법규종류"))
    return Assembled(title, _join(title, _ordinance_lines(root, include_annex)), meta)


def assemble_rule(root: etree._Element, include_annex: bool = False) -> Assembled:
    info = root.find("행정규칙기본정보")
    title = child_text(info, "행정규칙명")
    meta = _pick(info, ("행정규칙ID", "발령일자", "발령번호", "시행일자", "소관부처명", "행정규칙종류"))
    return Assembled(title, _join(title, _rule_lines(root, include_annex)), meta)


def assemble_decision(root: etree._Element, target: str) -> Assembled:
    fields = DECISION_FIELDS[target]
    parts = [html_fragment_to_text(child_text(root, name)) for name in fields]
    title = parts[0].replace("\n", " ")
    return Assembled(title, _join(title, (p for p in parts[1:] if p)), _pick(root, DECISION_META[target]))


def assemble(root: etree._Element, target: str, include_annex: bool = False) -> Assembled:
    """Dispatch on the target; ``root`` is the checked body root."""
    if target == "law":
        return assemble_statute(root, include_annex)
    if target == "ordin":
        return assemble_ordinance(root, include_annex)
    if target == "admrul":
        return assemble_rule(root, include_annex)
    return assemble_decision(root, target)
