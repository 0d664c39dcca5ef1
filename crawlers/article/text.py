"""The article block's text: one paragraph per line, stock lines and the headline dropped."""

from __future__ import annotations

from bs4 import NavigableString, Tag

from korpus.crawlers.article.boilerplate import is_stock_line, strip_dateline

BLOCK_TAGS = frozenset((
    "address", "article", "blockquote", "body", "dd", "div", "dl", "dt", "fieldset", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
))


def body_text(block: Tag, title: str | None = None) -> str:
    """Paragraphs of ``block`` (block tags and ``<br>`` break lines), stock lines dropped.

    >>> from bs4 import BeautifulSoup
    >>> page = BeautifulSoup("<div><h2>제목</h2><p>(서울=연합뉴스) 정부는 <b>24일</b> 발표했다.<br>둘째 줄.</p>"
    ...                      "<p>홍길동 기자 gildong@example.com</p></div>", "lxml")
    >>> print(body_text(page.div, title="제목"))
    정부는 24일 발표했다.
    둘째 줄.
    """
    lines = []
    for raw in _render(block).split("\n"):
        line = " ".join(raw.split())
        if not line or is_stock_line(line) or (title and line == title):
            continue
        lines.append(line)
    if lines:
        lines[0] = strip_dateline(lines[0])
    return "\n".join(line for line in lines if line)


def _render(block: Tag) -> str:
    """Text with a newline around every block element; iterative (pages nest deeply)."""
    out: list[str] = []
    stack: list = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if type(node) is NavigableString or node == "\n":
                out.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        if node.name == "br":
            out.append("\n")
            continue
        if node.name in BLOCK_TAGS:
            out.append("\n")
            stack.append("\n")
        stack.extend(reversed(node.contents))
    return "".join(out)
