"""Law texts: ``korpus crawl law`` folders (Parquet shards) or saved lawService.do XML bodies.

Saved bodies go through the crawler's own parser and assembler
(:mod:`korpus.crawlers.law.responses`, :mod:`korpus.crawlers.law.assemble`), so a file read
here gives the same document as the same body crawled; any other XML (a lawSearch.do
list, a refusal) is a problem named in a reader's words.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from korpus.core.schema import Record, make_id
from korpus.core.stats import Stats
from korpus.crawlers.law.assemble import assemble
from korpus.crawlers.law.responses import parse_xml, refusal_from_xml
from korpus.crawlers.law.targets import TARGETS
from korpus.crawlers.readers.base import InputShard, Reader, expand_path
from korpus.crawlers.readers.files import open_binary
from korpus.crawlers.readers.parquet import CorpusParquetReader

TARGET_BY_ROOT = {spec.body_root: spec for spec in TARGETS.values()}
MAX_BODY_BYTES = 64 * 1024 * 1024  # one statute is at most a few MB; more is not a body


class LawReader(Reader):
    kind = "law"
    suffixes = (".xml", ".parquet")
    option_defaults: dict = {"annex": False}

    def plan(self, path: str) -> list[InputShard]:
        return [self.shard(f) for f in expand_path(path, self.suffixes)]

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        if shard.path.endswith(".parquet"):
            yield from CorpusParquetReader(source_name=self.kind).read(shard, stats)
            return
        with open_binary(shard.path) as fh:
            data = fh.read(MAX_BODY_BYTES + 1)
        if len(data) > MAX_BODY_BYTES:
            stats.problem(shard.path, f"larger than {MAX_BODY_BYTES} bytes: not a law body; skipped",
                          source=self.kind)
            return
        rec = self._record(data, shard, stats)
        if rec is not None:
            yield rec

    def _record(self, data: bytes, shard: InputShard, stats: Stats) -> Record | None:
        try:
            root = parse_xml(data)
        except etree.XMLSyntaxError as err:
            stats.problem(shard.path, f"not a law body: not XML ({err}); skipped", source=self.kind)
            return None
        spec = TARGET_BY_ROOT.get(root.tag)
        if spec is None:
            stats.problem(shard.path, not_a_body(root), source=self.kind)
            return None
        doc = assemble(root, spec.name, include_annex=bool(self.options["annex"]))
        native = native_id(root, spec.serial_field) or Path(shard.path).stem
        meta = doc.meta | {"target": spec.name, "file": Path(shard.path).name}
        date = doc.meta.get(spec.date_field) or _find(root, spec.date_field)
        return Record(id=make_id("law", f"{spec.name}/{native}"), source="law", title=doc.title or None,
                      text=doc.text, date=iso_date(date), meta=meta)


def not_a_body(root) -> str:
    """Why an XML file is not a saved lawService.do body, in a reader's words."""
    refusal = refusal_from_xml(root)
    said = f" (law.go.kr answered: {refusal[:200]})" if refusal else ""
    bodies = ", ".join(f"<{tag}>" for tag in TARGET_BY_ROOT)
    return f"not a law body: its root is <{root.tag}>{said}, a lawService.do body's is one of {bodies}; skipped"


def native_id(root, serial_field: str) -> str:
    """The body's own id: a statute's 법령키, else the serial number (판례정보일련번호...)."""
    for candidate in (root.get("법령키"), _find(root, serial_field),
                      _find(root, serial_field.replace("일련번호", "정보일련번호"))):
        if candidate:
            return candidate
    return ""


def _find(root, tag: str) -> str:
    el = next(root.iter(tag), None)
    return (el.text or "").strip() if el is not None else ""


def iso_date(value: str | None) -> str | None:
    """``20261101`` or ``2026.11.01`` -> ``2026-11-01``.

    >>> iso_date("2026.11.01")
    '2026-11-01'
    """
    s = (value or "").replace(".", "").replace("-", "").strip()
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}" if len(s) == 8 and s.isdigit() else (value or None)
