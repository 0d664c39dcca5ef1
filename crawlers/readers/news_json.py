"""News in one JSON file: NIKL (모두의 말뭉치) newspaper JSON, or an array of article objects.

Streamed with ijson, so a NIKL file of hundreds of MB never sits in memory
whole; a file that breaks keeps the documents before the break.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from korpus.core.schema import Record, make_id
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import InputShard, Reader
from korpus.crawlers.readers.fields import FieldMap, mapped_record
from korpus.crawlers.readers.files import doc_stem, note_file, shard_encoding
from korpus.crawlers.readers.streams import open_source


def read_news_json(reader: Reader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    import ijson

    encoding = shard_encoding(shard)
    if not note_file(shard, stats, source, encoding):
        return
    stream = _JsonStream(shard, stats, source, encoding)
    name, stem, docs = Path(shard.path).name, doc_stem(shard), 0
    fields = FieldMap.from_options(reader.options)
    try:
        is_nikl = stream.peek() == b"{"  # NIKL is an object with a "document" list; else an array
        for item in ijson.items(stream, "document.item" if is_nikl else "item", use_float=True):
            docs += 1
            if not isinstance(item, dict):
                rec = None
            elif is_nikl:
                rec = nikl_record(item, name)
            else:
                rec = _array_record(item, fields, stem, docs)
            if rec is None:
                stats.problem(shard.path, f"document #{docs} has no id or no text; skipped", source=source)
                continue
            yield rec
    except _Gap:
        pass  # the stream reported where the file broke
    except ijson.JSONError as err:
        stats.problem(shard.path, f"JSON breaks here ({err}); kept the {docs} documents before it",
                      offset=stream.consumed, source=source)
        return
    if docs == 0 and not stream.broken:
        stats.problem(shard.path, "no documents (expected NIKL 'document' list or a JSON array)",
                      source=source)


def nikl_record(doc: dict, file_name: str) -> Record | None:
    paragraphs = [p.get("form", "") for p in doc.get("paragraph", []) if isinstance(p, dict)]
    paragraphs = [p for p in paragraphs if isinstance(p, str) and p.strip()]
    if not doc.get("id") or not paragraphs:
        return None
    meta = doc.get("metadata", {}) or {}
    return Record(
        id=make_id("news", doc["id"]),
        source="news",
        text="\n".join(paragraphs),
        title=meta.get("title"),
        date=_nikl_date(meta.get("date")),
        meta={k: meta[k] for k in ("author", "publisher", "topic") if meta.get(k)} | {"file": file_name},
    )


def _array_record(obj: dict, fields: FieldMap, stem: str, n: int) -> Record | None:
    rec = mapped_record(obj, fields, "news", "news", f"{stem}:{n}")
    return rec if rec is not None and rec.text.strip() else None


def _nikl_date(value: object) -> str | None:
    """NIKL dates are ``YYYYMMDD``; keep ISO ``YYYY-MM-DD``.

    >>> _nikl_date("20200131")
    '2020-01-31'
    """
    s = str(value or "")
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}" if len(s) == 8 and s.isdigit() else (s or None)


class _Gap(Exception):
    """The byte stream broke (reported by the stream); stop parsing."""


class _JsonStream:
    """A file-like over a byte source for ijson: UTF-8 out, whatever the file's encoding."""

    def __init__(self, shard: InputShard, stats: Stats, source: str, encoding: str):
        def problem(message: str, offset: int) -> None:
            self.broken = True
            stats.problem(shard.path, message, offset=offset, source=source)

        self.broken = False
        self.chunks = iter(open_source(shard.path, problem=problem))
        self.decoder = None if encoding == "utf-8" else codecs.getincrementaldecoder(encoding)("replace")
        self.buf = b""
        self.consumed = 0  # uncompressed bytes handed to the parser
        self.first = True

    def _more(self) -> bytes:
        chunk = next(self.chunks, b"")
        if chunk is None:
            raise _Gap
        if self.first:
            chunk, self.first = chunk.removeprefix(codecs.BOM_UTF8), False
        if self.decoder is not None and chunk:
            chunk = self.decoder.decode(chunk).encode("utf-8")
        return chunk

    def peek(self) -> bytes:
        """The first non-blank byte."""
        while not self.buf.strip():
            chunk = self._more()
            if not chunk:
                return b""
            self.buf += chunk
        return self.buf.lstrip()[:1]

    def read(self, n: int = -1) -> bytes:
        if not self.buf:
            self.buf = self._more()
        out, self.buf = (self.buf, b"") if n < 0 or n >= len(self.buf) else (self.buf[:n], self.buf[n:])
        self.consumed += len(out)
        return out
