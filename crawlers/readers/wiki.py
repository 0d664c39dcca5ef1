"""kowiki ``pages-articles`` XML dumps: plain, bz2 (multistream or not) or gzip, streamed.

Pages are cut out of the byte stream at ``<page>`` ... ``</page>`` and each is
parsed on its own with lxml (no DTD, no entities, no network): nothing
outside a page is ever parsed, so a dump can be entered at any bz2 stream or
byte offset, and a hostile DOCTYPE has nothing to expand. A shard owns the
pages whose ``<page>`` starts inside its range and finishes the last one past
its end. Articles are ``<ns>0</ns>`` (titles with ':' stay); redirects go. The
file and category namespaces come from the dump's ``<siteinfo>``
(:mod:`korpus.crawlers.readers.wiki_namespaces`).

Shards: plain XML by byte range; multistream bz2 by stream ranges (index or
scan, see ``multistream.py``); a single-stream bz2 or gzip dump by page
stride, where every shard decompresses the file but parses one page in K.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from korpus.core.schema import Record, make_id
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import InputShard, Reader, expand_path
from korpus.crawlers.readers.files import note_file
from korpus.crawlers.readers.multistream import stream_cuts
from korpus.crawlers.readers.streams import compression_of, open_source
from korpus.crawlers.readers.wiki_namespaces import KOWIKI, Namespaces, namespaces_of
from korpus.crawlers.readers.wikitext import wikitext_to_plain

REDIRECT = re.compile(r"\s*#(넘겨주기|redirect)", re.IGNORECASE)
PLAIN_RANGE_BYTES = 64 << 20  # uncompressed XML per shard
BZ2_RANGE_BYTES = 16 << 20  # compressed bz2 per shard (~80 MB of XML)
STRIDE_BYTES = 64 << 20  # a single-stream dump gets one stride shard per this much...
MAX_STRIDE = 2  # ...up to this many: each one decompresses the whole file (2: the target's 2 cores)
MAX_PAGE_BYTES = 64 << 20
PAGE_OPEN, PAGE_CLOSE = b"<page>", b"</page>"
WIKI_NAME = re.compile(r"([a-z][a-z_-]*?)wiki-")


def page_parser() -> etree.XMLParser:
    """Untrusted XML: no entity expansion, no DTD, no network, default depth and size limits."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class WikiReader(Reader):
    kind = "wiki"
    suffixes = (".xml", ".xml.bz2", ".xml.gz")
    option_defaults: dict = {}

    def plan(self, path: str) -> list[InputShard]:
        shards: list[InputShard] = []
        for f in expand_path(path, self.suffixes):
            shards.extend(self._plan_file(f))
        return shards

    def _plan_file(self, f: Path) -> list[InputShard]:
        size = f.stat().st_size
        kind = compression_of(f)
        if kind is None:
            cuts = list(range(0, size, PLAIN_RANGE_BYTES)) or [0]
        elif kind == "bz2":
            cuts = stream_cuts(f, BZ2_RANGE_BYTES)
        else:
            cuts = [0]
        if len(cuts) > 1:
            ends = [*cuts[1:], None]
            return [self.shard(f, start, end) for start, end in zip(cuts, ends, strict=True)]
        stride = min(MAX_STRIDE, math.ceil(size / STRIDE_BYTES)) if kind else 1
        if stride <= 1:
            return [self.shard(f)]
        return [self.shard(f, hints={"stride": (k, stride)}) for k in range(stride)]

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        k, stride = shard.hint("stride") or (0, 1)
        if k == 0 and not note_file(shard, stats, self.kind, "utf-8"):
            return  # empty or unreadable, and reported
        # Stride shards all read the whole file: only the first reports damage to the file itself.
        problem = self._problem(shard, stats) if k == 0 else None
        src = open_source(shard.path, shard.start, shard.end, problem)
        convert = _PageConverter(shard.path, stats, self.kind, namespaces_of(shard.path))
        for n, (raw, offset) in enumerate(iter_page_bytes(src, problem)):
            if n % stride == k:
                rec = convert(raw, offset)
                if rec is not None:
                    yield rec

    def _problem(self, shard: InputShard, stats: Stats):
        def problem(message: str, offset: int) -> None:
            stats.problem(shard.path, message, offset=offset, source=self.kind)
        return problem


class _PageConverter:
    """One page's XML to a record, or None (counted) for non-articles, redirects and bad pages."""

    def __init__(self, path: str, stats: Stats, source: str, namespaces: Namespaces = KOWIKI):
        self.path, self.stats, self.source, self.namespaces = path, stats, source, namespaces
        self.parser = page_parser()
        match = WIKI_NAME.match(Path(path).name)
        self.base_url = f"https://{match.group(1) if match else 'ko'}.wikipedia.org/wiki?curid="

    def __call__(self, raw: bytes, offset: int) -> Record | None:
        stats, source = self.stats, self.source
        stats.add("read", source, "pages")
        try:
            page = page_fields(etree.fromstring(raw, self.parser))
        except etree.XMLSyntaxError as err:
            self._bad(raw, offset, f"not well-formed XML ({err})")
            return None
        if page["ns"] != "0":
            stats.drop("read", source, "not_article")
            return None
        text = page["text"] or ""
        if page["redirect"] or REDIRECT.match(text):
            stats.drop("read", source, "redirect")
            return None
        if not page["id"]:
            self._bad(raw, offset, "no page id")
            return None
        try:
            plain = wikitext_to_plain(text, self.namespaces)
        except Exception as err:  # a tokenizer failure must not end the dump
            self._bad(raw, offset, f"wikitext not convertible ({type(err).__name__}: {err})")
            return None
        if not plain:
            stats.drop("read", source, "empty_text")
            return None
        meta = {"revision_id": page["revision"]} if page["revision"] else {}
        return Record(id=make_id(source, page["id"]), source=source, text=plain, title=page["title"],
                      date=page["timestamp"] or None, url=self.base_url + page["id"], meta=meta)

    def _bad(self, raw: bytes, offset: int, why: str) -> None:
        self.stats.drop("read", self.source, "bad_page")
        title = re.search(rb"<title>(.{0,200}?)</title>", raw)
        name = f" '{title.group(1).decode('utf-8', 'replace')}'" if title else ""
        self.stats.problem(self.path, f"page{name}: {why}; skipped", offset=offset, source=self.source)


def page_fields(page) -> dict:
    """``{id, ns, title, redirect, revision, timestamp, text}`` of a ``<page>`` element (last revision)."""
    revisions = page.findall("revision")
    rev = revisions[-1] if revisions else None
    return {
        "id": (page.findtext("id") or "").strip(),
        "ns": (page.findtext("ns") or "").strip(),
        "title": page.findtext("title"),
        "redirect": page.find("redirect") is not None,
        "revision": (rev.findtext("id") or "").strip() if rev is not None else "",
        "timestamp": rev.findtext("timestamp") if rev is not None else None,
        "text": rev.findtext("text") if rev is not None else None,
    }


def iter_page_bytes(src, problem=None) -> Iterator[tuple[bytes, int]]:
    """Each ``<page>...</page>`` of a byte source that starts in its range, with its offset.

    The offset is the page's file offset in a plain file, else the offset of
    the compressed stream it came from. A gap (``None``) drops the page it
    cut. Past the range end, only the page already begun is finished.
    """
    exact = getattr(src, "exact", False)
    buf, base = b"", 0  # base: file offset of buf[0] (plain files)
    for chunk in src:
        if chunk is None:
            buf = b""
            continue
        limit = None  # past the end: pages must start in what was carried over
        if src.past_end:
            if not _page_pending(buf):
                return
            limit = len(buf)
        base = src.offset - len(buf)
        buf = buf + chunk if buf else chunk
        pos = 0
        while True:
            start = buf.find(PAGE_OPEN, pos)
            if start < 0 or (limit is not None and start >= limit):
                if limit is not None:
                    return  # what follows belongs to the next shard
                buf = buf[-(len(PAGE_OPEN) - 1):]  # may hold the start of a "<page>" tag
                break
            end = buf.find(PAGE_CLOSE, start + len(PAGE_OPEN))
            if end < 0:
                buf = buf[start:]
                base += start
                if len(buf) > MAX_PAGE_BYTES:
                    if problem:
                        problem(f"a page over {MAX_PAGE_BYTES >> 20} MiB or never closed; skipped",
                                base if exact else src.offset)
                    buf = buf[-(len(PAGE_OPEN) - 1):]  # look for the next page in what follows
                break
            inner = buf.find(PAGE_OPEN, start + len(PAGE_OPEN), end)
            if inner >= 0:  # this page never closed: skip to the next one
                if problem:
                    problem("a page that never closes; skipped", (base + start) if exact else src.offset)
                pos = inner
                continue
            end += len(PAGE_CLOSE)
            yield buf[start:end], (base + start) if exact else src.offset
            pos = end
    if buf.startswith(PAGE_OPEN) and problem:
        problem("XML ends inside a page (file truncated?); the pages before it are kept",
                base if exact else src.offset)


def _page_pending(buf: bytes) -> bool:
    """A page is open, or the buffer ends with what may be the start of a ``<page>`` tag."""
    if buf.startswith(PAGE_OPEN):
        return True
    return any(buf.endswith(PAGE_OPEN[:k]) for k in range(1, len(PAGE_OPEN)))
