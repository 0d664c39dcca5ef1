"""Law texts: ``korpus crawl law`` folders (Parquet) or saved lawService.do XML bodies.

The XML path here is the first version; the crawler's assembler (issue #3)
is the full one and this reader defers to it once present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from crawlers.readers.base import InputShard, Reader, expand_path
from crawlers.readers.files import open_binary
from crawlers.readers.parquet import CorpusParquetReader
from korpus.schema import Record, make_id
from korpus.stats import Stats

STATUTE_TEXT = ("조문내용", "항내용", "호내용", "목내용", "부칙내용")
PRECEDENT_TEXT = ("사건명", "판시사항", "판결요지", "판례내용")
BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def safe_parser() -> etree.XMLParser:
    """No entity expansion, no DTD, no network: bodies are untrusted."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class LawReader(Reader):
    kind = "law"
    suffixes = (".xml", ".parquet")
    option_defaults: dict = {}

    def plan(self, path: str) -> list[InputShard]:
        return [self.shard(f) for f in expand_path(path, self.suffixes)]

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        if shard.path.endswith(".parquet"):
            yield from CorpusParquetReader(source_name=self.kind).read(shard, stats)
            return
        with open_binary(shard.path) as fh:
            data = fh.read()
        try:
            root = etree.fromstring(data, safe_parser())
        except etree.XMLSyntaxError as err:
            stats.problem(shard.path, f"not well-formed XML ({err}); file skipped", source=self.kind)
            return
        rec = law_xml_record(root, Path(shard.path).stem)
        if rec is None:
            stats.problem(shard.path, f"unknown law body root <{root.tag}>; file skipped", source=self.kind)
            return
        yield rec


def law_xml_record(root, fallback_id: str) -> Record | None:
    if root.tag == "법령":
        return _statute(root, fallback_id)
    if root.tag == "PrecService":
        return _precedent(root, fallback_id)
    return None


def _statute(root, fallback_id: str) -> Record:
    info = root.find("기본정보")
    get = (lambda name: (info.findtext(name) or "").strip()) if info is not None else (lambda name: "")
    title = get("법령명_한글")
    parts = [title] + [_clean(e.text) for e in root.iter(*STATUTE_TEXT) if e.text and e.text.strip()]
    native = root.get("법령키") or get("법령ID") or fallback_id
    meta = {k: get(k) for k in ("법령ID", "공포일자", "시행일자", "소관부처", "법종구분") if get(k)}
    return Record(id=make_id("law", f"law/{native}"), source="law", title=title,
                  date=_iso(get("공포일자")), text="\n".join(p for p in parts if p), meta=meta)


def _precedent(root, fallback_id: str) -> Record:
    native = (root.findtext("판례정보일련번호") or fallback_id).strip()
    parts = [_clean(root.findtext(name)) for name in PRECEDENT_TEXT]
    return Record(id=make_id("law", f"prec/{native}"), source="law", title=(root.findtext("사건명") or "").strip(),
                  date=_iso((root.findtext("선고일자") or "").strip()), text="\n".join(p for p in parts if p))


def _clean(text: str | None) -> str:
    """``<br/>`` to line breaks, other tags out.

    >>> _clean("가<br/>나 <b>다</b>")
    '가\\n나 다'
    """
    if not text:
        return ""
    return TAG.sub("", BR.sub("\n", text)).strip()


def _iso(yyyymmdd: str) -> str | None:
    s = yyyymmdd.replace(".", "")
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}" if len(s) == 8 and s.isdigit() else (yyyymmdd or None)
