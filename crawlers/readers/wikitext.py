"""Wikitext to plain text: mwparserfromhell's tokenizer, read by a small interpreter.

mwparserfromhell parses in two steps: a C tokenizer, then a Python builder
that makes the node tree ``strip_code`` walks. The builder is about ten times
slower than the tokenizer (``bench/ingest.py`` measures it, and
wikitextparser), which would put the whole kowiki dump over 30 minutes on two
cores. So we read the token stream once and keep what a reader of the page
sees: text, link text, list items and the contents of formatting tags.
Templates, infoboxes, ``<ref>``, tables, files, categories, interlanguage
links and comments go; headings become paragraph breaks, and the reference
sections (각주, 참고 문헌, 외부 링크, 같이 보기) are dropped with their
subsections.
"""

from __future__ import annotations

import html
import re

from mwparserfromhell.parser import tokens as T
from mwparserfromhell.parser import use_c

from korpus.crawlers.readers.wiki_namespaces import KOWIKI, Namespaces, looks_like_media

# Interlanguage links: [[en:Seoul]], [[zh-min-nan:...]] (a leading ':' makes an inline link).
INTERLANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)*\Z")

DROP_SECTIONS = frozenset({
    "각주", "주석", "출처", "참고 문헌", "참고문헌", "참고 자료", "참고자료",
    "외부 링크", "바깥 고리", "같이 보기", "관련 항목",
})

# Tags whose contents a reader does not see as running text.
DROP_TAGS = frozenset({
    "ref", "references", "gallery", "math", "chem", "ce", "hiero", "score", "timeline",
    "graph", "mapframe", "maplink", "templatedata", "templatestyles", "imagemap", "inputbox",
    "categorytree", "syntaxhighlight", "source", "code", "pre", "includeonly", "table",
    "style", "script", "del", "s", "strike",
})
# Tags that start or end a line when rendered.
BLOCK_TAGS = frozenset({
    "br", "hr", "p", "div", "li", "dd", "dt", "ul", "ol", "dl", "blockquote", "center",
    "poem", "h1", "h2", "h3", "h4", "h5", "h6",
})
# Templates that wrap running text: {{lang|en|Seoul}} reads "Seoul".
TEXT_TEMPLATES = frozenset({"lang", "llang", "lang2", "언어", "korean"})

STYLE_QUOTES = re.compile(r"'{2,}")
MAGIC_WORD = re.compile(r"__[A-Z]+__")
RESIDUE = re.compile(r"^\s*(?:\{\||\|\}|\|-).*$|\{\{|\}\}|\[\[|\]\]|\{\||\|\}|<!--.*?(?:-->|$)", re.M)
TAG_RESIDUE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
EMPTY_PARENS = re.compile(r"\(\s*[,;:·~]?\s*\)")
SPACES = re.compile(r"[ \t\u00a0\u3000]+")
HAS_WORD = re.compile(r"\w")


def _new_tokenizer():
    if use_c:
        from mwparserfromhell.parser._tokenizer import CTokenizer

        return CTokenizer()
    from mwparserfromhell.parser.tokenizer import Tokenizer

    return Tokenizer()


_TOKENIZER = _new_tokenizer()


def wikitext_to_plain(text: str, namespaces: Namespaces = KOWIKI) -> str:
    """Wikitext to paragraphs of plain text, one per line; links to ``namespaces``' files and categories go.

    >>> wikitext_to_plain("'''서울'''은 [[대한민국]]의 [[수도 (도시)|수도]]이다.<ref>{{웹 인용|제목=x}}</ref>")
    '서울은 대한민국의 수도이다.'
    >>> wikitext_to_plain("{{정보상자|이름=x}}\\n본문.\\n[[파일:A.jpg|thumb|설명]]\\n[[분류:도시]]\\n[[en:Seoul]]")
    '본문.'
    >>> wikitext_to_plain("앞.\\n== 역사 ==\\n뒤.\\n== 각주 ==\\n{{각주}}\\n=== 더 ===\\n안 보임.")
    '앞.\\n뒤.'
    """
    tokens = _TOKENIZER.tokenize(text, 0, True)
    return _assemble(_Walker(namespaces).walk(tokens))


def tidy_lines(text: str) -> str:
    """Markup residue out, whitespace collapsed, lines without words dropped.

    >>> tidy_lines("'''굵은''' 글 __NOTOC__\\n  ( )  \\n{{깨진 틀\\n둘째  줄")
    '굵은 글\\n깨진 틀\\n둘째 줄'
    """
    text = STYLE_QUOTES.sub("", text)
    text = MAGIC_WORD.sub("", text)
    text = RESIDUE.sub("", text)
    text = TAG_RESIDUE.sub("", text)
    text = EMPTY_PARENS.sub("", text)
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if HAS_WORD.search(line))


class _Heading:
    __slots__ = ("level", "title")

    def __init__(self, level: int, title: str):
        self.level = level
        self.title = title


class _Frame:
    """One open construct: its kind, its text split at separators, and whether it is dropped."""

    __slots__ = ("kind", "parts", "named", "drop", "info")

    def __init__(self, kind: str, drop: bool = False, info: object = None):
        self.kind = kind
        self.parts: list[list] = [[]]
        self.named: list[bool] = [False]
        self.drop = drop
        self.info = info

    def text(self, i: int = 0) -> str:
        return "".join(self.parts[i]) if i < len(self.parts) else ""

    def split(self) -> list:
        self.parts.append([])
        self.named.append(False)
        return self.parts[-1]


class _Walker:
    """Turns the token stream into a flat list of strings and headings."""

    def __init__(self, namespaces: Namespaces):
        self.namespaces = namespaces
        self.stack = [_Frame("root")]
        self.cur: list = self.stack[0].parts[0]  # where text goes now
        self.handlers = {
            T.TemplateOpen: self._open_template, T.TemplateParamSeparator: self._separator,
            T.TemplateParamEquals: self._equals, T.TemplateClose: self._close_template,
            T.ArgumentOpen: self._open_dropped, T.ArgumentSeparator: self._separator,
            T.ArgumentClose: self._close_dropped,
            T.WikilinkOpen: self._open_link, T.WikilinkSeparator: self._first_separator,
            T.WikilinkClose: self._close_link,
            T.ExternalLinkOpen: self._open_external, T.ExternalLinkSeparator: self._first_separator,
            T.ExternalLinkClose: self._close_external,
            T.HeadingStart: self._open_heading, T.HeadingEnd: self._close_heading,
            T.CommentStart: self._open_dropped, T.CommentEnd: self._close_dropped,
            T.HTMLEntityStart: self._open_entity, T.HTMLEntityNumeric: self._entity_numeric,
            T.HTMLEntityHex: self._entity_hex, T.HTMLEntityEnd: self._close_entity,
            T.TagOpenOpen: self._open_tag_head, T.TagAttrStart: self._separator,
            T.TagAttrEquals: _ignore, T.TagAttrQuote: _ignore,
            T.TagCloseSelfclose: self._self_closed_tag, T.TagCloseOpen: self._open_tag_body,
            T.TagOpenClose: self._open_closing_tag, T.TagCloseClose: self._close_tag,
        }

    def walk(self, tokens) -> list:
        handlers, text_token = self.handlers, T.Text
        for tok in tokens:
            kind = type(tok)
            if kind is text_token:  # most tokens; dict access skips Token.__getattr__
                self.cur.append(tok["text"])
                continue
            handler = handlers.get(kind)
            if handler is not None:
                handler(tok)
        while len(self.stack) > 1:  # unbalanced input: keep what was inside, as text
            frame = self._pop(self.stack[-1].kind)
            self._emit("" if frame.drop else "".join(frame.text(i) for i in range(len(frame.parts))))
        return self.stack[0].parts[0]

    # -- helpers -------------------------------------------------------------------
    def _push(self, kind: str, drop: bool = False, info: object = None) -> _Frame:
        frame = _Frame(kind, drop or self.stack[-1].drop, info)
        self.stack.append(frame)
        self.cur = frame.parts[0]
        return frame

    def _pop(self, kind: str) -> _Frame | None:
        if len(self.stack) > 1 and self.stack[-1].kind == kind:
            frame = self.stack.pop()
            self.cur = self.stack[-1].parts[-1]
            return frame
        return None

    def _emit(self, piece) -> None:
        if piece:
            self.cur.append(piece)

    # -- handlers ------------------------------------------------------------------
    def _separator(self, tok) -> None:
        self.cur = self.stack[-1].split()

    def _first_separator(self, tok) -> None:
        frame = self.stack[-1]
        if len(frame.parts) == 1:
            self.cur = frame.split()
        else:
            self.cur.append("|")

    def _equals(self, tok) -> None:
        frame = self.stack[-1]
        frame.named[-1] = True

    def _open_dropped(self, tok) -> None:
        self._push("dropped", drop=True)

    def _close_dropped(self, tok) -> None:
        self._pop("dropped")

    def _open_template(self, tok) -> None:
        self._push("template")

    def _close_template(self, tok) -> None:
        frame = self._pop("template")
        if frame is not None and not frame.drop:
            self._emit(_template_text(frame))

    def _open_link(self, tok) -> None:
        self._push("link")

    def _close_link(self, tok) -> None:
        frame = self._pop("link")
        if frame is not None and not frame.drop:
            label = frame.text(1) if len(frame.parts) > 1 else None
            self._emit(link_text(frame.text(0), label, self.namespaces))

    def _open_external(self, tok) -> None:
        self._push("external", info=tok["brackets"])

    def _close_external(self, tok) -> None:
        frame = self._pop("external")
        if frame is None or frame.drop:
            return
        if frame.info:  # [url label]: the label; a bare [url] shows only a number
            self._emit(frame.text(1) if len(frame.parts) > 1 else "")
        else:
            self._emit(frame.text(0))

    def _open_heading(self, tok) -> None:
        self._push("heading", info=tok["level"])

    def _close_heading(self, tok) -> None:
        frame = self._pop("heading")
        if frame is None:
            return
        if len(self.stack) == 1:
            self._emit(_Heading(frame.info, frame.text()))
        else:
            self._emit("\n")

    def _open_entity(self, tok) -> None:
        self._push("entity", info="&")

    def _entity_numeric(self, tok) -> None:
        self.stack[-1].info += "#"

    def _entity_hex(self, tok) -> None:
        self.stack[-1].info += tok["char"]

    def _close_entity(self, tok) -> None:
        frame = self._pop("entity")
        if frame is not None:
            self._emit(html.unescape(f"{frame.info}{frame.text()};"))

    def _open_tag_head(self, tok) -> None:
        self._push("tag_head", info=tok.get("wiki_markup"))

    def _tag_name(self) -> tuple[str, object] | None:
        frame = self._pop("tag_head")
        if frame is None:
            return None
        return frame.text(0).strip().lower(), frame.info

    def _self_closed_tag(self, tok) -> None:
        head = self._tag_name()
        if head is None:
            return
        name, markup = head
        # <br/>, <hr/> and ---- break the line; wiki list markers already start one.
        if (name in BLOCK_TAGS and not markup) or markup == "----":
            self._emit("\n")

    def _open_tag_body(self, tok) -> None:
        head = self._tag_name()
        if head is None:
            return
        name, _ = head
        self._push("tag", drop=name in DROP_TAGS, info=name)

    def _open_closing_tag(self, tok) -> None:
        self._push("tag_tail", drop=True)

    def _close_tag(self, tok) -> None:
        self._pop("tag_tail")
        frame = self._pop("tag")
        if frame is None or frame.drop:
            return
        body = "".join(frame.text(i) for i in range(len(frame.parts)))
        self._emit(f"\n{body}\n" if frame.info in BLOCK_TAGS else body)


def _ignore(tok) -> None:
    return None


def _template_text(frame: _Frame) -> str:
    """Templates render to nothing, except those that wrap running text."""
    name = frame.text(0).strip().replace("_", " ")
    if name[:1].lower() + name[1:] not in TEXT_TEMPLATES and name.lower() not in TEXT_TEMPLATES:
        return ""
    positional = [frame.text(i) for i in range(1, len(frame.parts)) if not frame.named[i]]
    return positional[-1].strip() if positional else ""


def link_text(target: str, label: str | None, namespaces: Namespaces = KOWIKI) -> str:
    """What a wiki link shows: its label, or its target; files and categories show nothing.

    A file in a namespace the dump does not declare is known by its image options:

    >>> link_text("画像:Tokyo.jpg", "thumb|right|400px|東京"), link_text("위키낱말사전:사과", "사과")
    ('', '사과')

    >>> link_text("대한민국", None), link_text("한국 요리", "한국의 음식"), link_text("파일:A.jpg", "thumb|설명")
    ('대한민국', '한국의 음식', '')
    >>> link_text("en:Seoul", None), link_text(":분류:강", "강 분류"), link_text("분류:강", None)
    ('', '강 분류', '')
    """
    target = target.strip()
    inline = target.startswith(":")
    if inline:
        target = target[1:].lstrip()
    elif ":" in target:
        prefix = target.split(":", 1)[0].strip()
        if namespaces.is_media_or_category(prefix) or INTERLANGUAGE.match(prefix.lower()):
            return ""
        if label is not None and looks_like_media(label):
            return ""
    if label is not None and label.strip():
        return label
    return target


def _assemble(pieces: list) -> str:
    """Join the walked pieces; headings become breaks and drop their section if it is a reference list."""
    out: list[str] = []
    skipping: int | None = None  # level of the dropped section we are in
    for piece in pieces:
        if isinstance(piece, _Heading):
            if skipping is not None and piece.level > skipping:
                continue
            title = SPACES.sub(" ", STYLE_QUOTES.sub("", piece.title)).strip()
            skipping = piece.level if title in DROP_SECTIONS else None
            out.append("\n")
        elif skipping is None:
            out.append(piece)
    return tidy_lines("".join(out))
