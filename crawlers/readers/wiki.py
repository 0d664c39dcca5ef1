"""kowiki ``pages-articles`` XML dumps (plain or bz2), streamed with lxml.

First version: articles (``<ns>0``), redirects dropped, wikitext to plain text
with mwparserfromhell. Issue #4 deepens it (multistream splitting, sections).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from crawlers.readers.base import InputShard, Reader
from crawlers.readers.files import open_binary
from korpus.schema import Record, make_id
from korpus.stats import Stats

REDIRECT = re.compile(r"^\s*#(넘겨주기|redirect)", re.IGNORECASE)
DROP_SECTIONS = ("각주", "참고 문헌", "참고문헌", "외부 링크", "같이 보기")


class WikiReader(Reader):
    kind = "wiki"
    suffixes = (".xml", ".xml.bz2")
    option_defaults: dict = {}

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        with open_binary(shard.path) as fh:
            try:
                for page in iter_pages(fh):
                    rec = self._record(page, stats)
                    if rec is not None:
                        yield rec
            except (etree.XMLSyntaxError, EOFError, OSError) as err:
                stats.problem(shard.path, f"XML ends or breaks here ({err}); kept the pages before it",
                              offset=_tell(fh), source=self.kind)

    def _record(self, page: dict, stats: Stats) -> Record | None:
        stats.add("read", self.kind, "pages")
        if page.get("ns") != "0":
            stats.drop("read", self.kind, "not_article")
            return None
        text = page.get("text") or ""
        if REDIRECT.match(text):
            stats.drop("read", self.kind, "redirect")
            return None
        plain = wikitext_to_plain(text)
        return Record(id=make_id(self.kind, page["id"]), source=self.kind, text=plain,
                      title=page.get("title"), date=page.get("timestamp"),
                      url=f"https://ko.wikipedia.org/wiki?curid={page['id']}")


def iter_pages(fh) -> Iterator[dict]:
    """Yield ``{id, ns, title, timestamp, text}`` per ``<page>``, clearing as it goes."""
    context = etree.iterparse(fh, events=("end",), resolve_entities=False, no_network=True,
                              huge_tree=True, load_dtd=False)
    for _, elem in context:
        if etree.QName(elem).localname != "page":
            continue
        yield _page_fields(elem)
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]


def _page_fields(page) -> dict:
    out: dict = {}
    for child in page.iter():
        name = etree.QName(child).localname
        if name == "id" and "id" not in out:
            out["id"] = (child.text or "").strip()
        elif name in ("ns", "title", "timestamp", "text"):
            out[name] = child.text or ""
    return out


def wikitext_to_plain(text: str) -> str:
    """Wikitext to paragraphs of plain text: markup out, link text kept."""
    import mwparserfromhell

    code = mwparserfromhell.parse(text)
    paragraphs: list[str] = []
    for section in code.get_sections(levels=[2], include_lead=True, flat=False):
        headings = section.filter_headings(recursive=False)
        if headings and headings[0].title.strip_code().strip() in DROP_SECTIONS:
            continue
        for heading in section.filter_headings():
            section.remove(heading)
        plain = section.strip_code(normalize=True, collapse=True)
        paragraphs.extend(p.strip() for p in plain.split("\n") if p.strip())
    return "\n".join(paragraphs)


def _tell(fh) -> int | None:
    try:
        return fh.tell()
    except (OSError, ValueError):
        return None
