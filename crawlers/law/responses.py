"""Parse API responses safely and tell real XML from refusals.

law.go.kr answers errors with HTTP 200: an auth failure is
``<Response><result>사용자 정보 검증에 실패하였습니다.</result><msg>…</msg></Response>``
(or the same as JSON), cloud addresses can get an HTML anti-bot page, and a
missing body is ``<Law>일치하는 …이 없습니다.</Law>``. Only the expected root
counts as data; everything else raises, so no refusal is stored as a document.
XML is parsed with entities unresolved, no DTD loading and no network.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from korpus.crawlers.law.errors import ItemNotFound, ResponseRejected

PREVIEW_CHARS = 160

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|script|meta)\b",
                         re.IGNORECASE | re.DOTALL)
_NOT_FOUND = re.compile(r"일치하는 .{0,20}없습니다")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           strip_cdata=True)


def preview(body: bytes) -> str:
    """The start of a body, one line, for error messages.

    >>> preview(b"<html>\\n <title>Blocked</title>")
    '<html> <title>Blocked</title>'
    """
    text = body[: PREVIEW_CHARS * 4].decode("utf-8", errors="replace")
    return " ".join(text.split())[:PREVIEW_CHARS]


def parse_xml(body: bytes) -> etree._Element:
    """Parse untrusted XML; a DOCTYPE (the road to entity bombs) is refused."""
    root = etree.fromstring(body, _parser())
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError("DOCTYPE declarations are not accepted", None, 0, 0, "")
    return root


def html_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    return " ".join(match.group(1).decode("utf-8", errors="replace").split())[:120]


def _refusal_from_json(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("result"), str):
        return " ".join(str(data.get(k, "")).strip() for k in ("result", "msg")).strip()
    return None


def refusal_from_xml(root: etree._Element) -> str | None:
    result = root.findtext("result")
    if result is None or root.find("totalCnt") is not None:
        return None
    return " ".join(part.strip() for part in (result, root.findtext("msg") or "") if part.strip())


def check_response(body: bytes, content_type: str, expected_root: str, where: str) -> etree._Element:
    """The parsed root if ``body`` is the expected API XML; raise otherwise.

    ``where`` names the request (``lawSearch.do target=law page 3``) in messages.
    Raises :class:`ResponseRejected` for refusals and junk, :class:`ItemNotFound`
    for the API's "no such item" answer.
    """
    if "html" in content_type.lower() or _HTML_START.match(body):
        title = html_title(body)
        raise ResponseRejected(
            "anti-bot",
            f"{where}: the server sent an HTML page instead of API XML"
            f"{f' (title: {title!r})' if title else ''}: an anti-bot, block or maintenance page. "
            "Stopped; nothing from it was stored. Try again later or from another address.")
    stripped = body.lstrip()
    if stripped.startswith(b"{"):
        refusal = _refusal_from_json(stripped)
        if refusal:
            raise _api_error(where, refusal)
    try:
        root = parse_xml(body)
    except etree.XMLSyntaxError as err:
        text = body.decode("utf-8", errors="replace")
        if "검증에 실패" in text:
            raise _api_error(where, preview(body)) from None
        raise ResponseRejected(
            "not-xml", f"{where}: the response is not XML ({err}); it starts with {preview(body)!r}. "
            "Stopped; nothing from it was stored.") from None
    if root.tag == expected_root:
        return root
    refusal = refusal_from_xml(root)
    if refusal:
        raise _api_error(where, refusal)
    text = " ".join("".join(root.itertext()).split())
    if _NOT_FOUND.search(text):
        raise ItemNotFound(f"{where}: {text[:PREVIEW_CHARS]}")
    raise ResponseRejected(
        "unexpected-xml", f"{where}: expected <{expected_root}> but the API answered <{root.tag}>: "
        f"{preview(body)!r}. Stopped; nothing from it was stored.")


def _api_error(where: str, message: str) -> ResponseRejected:
    return ResponseRejected(
        "api-error",
        f"{where}: law.go.kr refused the request: {message[:300].rstrip('. ')}. "
        "Check KORPUS_LAW_OC (your open.law.go.kr user id) and that this machine's IP address "
        "or domain is registered for the Open API. Stopped; nothing from it was stored.")


def child_text(element: etree._Element | None, tag: str) -> str:
    """Stripped text of a direct child (CDATA included), '' when absent.

    >>> child_text(parse_xml(b"<a><b> x </b></a>"), "b")
    'x'
    """
    if element is None:
        return ""
    child = element.find(tag)
    if child is None:
        return ""
    return "".join(child.itertext()).strip()
