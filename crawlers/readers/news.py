"""News: NIKL (모두의 말뭉치) newspaper JSON, generic JSONL/CSV/Parquet, WARC and saved HTML pages.

The format is told by the file name: ``.json`` NIKL (or a JSON array of
article objects), ``.jsonl``, ``.csv``/``.tsv``, ``.parquet`` (korpus crawl
folders as they are, other Parquet through the field mapping), ``.warc``
and ``.html``. JSON is streamed with ijson, so a NIKL file of hundreds of MB
never sits in memory whole. Field options (``text_field``, ``id_field``,
``title_field``, ``date_field``, ``url_field``) name the keys of generic rows.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from korpus.core.schema import Record, make_id
from korpus.core.stats import Stats
from korpus.crawlers.readers.article_html import decode_html, extract_article
from korpus.crawlers.readers.base import InputShard, expand_path
from korpus.crawlers.readers.fields import FIELD_OPTIONS, FieldMap, mapped_record
from korpus.crawlers.readers.files import (
    doc_stem,
    note_file,
    plan_line_ranges,
    shard_encoding,
    stem_hint,
)
from korpus.crawlers.readers.lines import TEXT_OPTIONS, LineReader, read_jsonl
from korpus.crawlers.readers.streams import open_source
from korpus.crawlers.readers.tabular import read_csv, read_parquet
from korpus.crawlers.readers.warc import iter_warc_html

MAX_HTML_BYTES = 32 << 20
FORMATS = {".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet",
           ".warc": "warc", ".html": "html", ".htm": "html"}


def format_of(path: str | Path) -> str | None:
    """The news format a file name says, compression suffix aside.

    >>> format_of("a/NIRW1900000001.json"), format_of("crawl.warc.gz"), format_of("x.txt")
    ('json', 'warc', None)
    """
    name = str(path).removesuffix(".gz").removesuffix(".bz2")
    return next((fmt for suffix, fmt in FORMATS.items() if name.endswith(suffix)), None)


class NewsReader(LineReader):
    kind = "news"
    suffixes = (*(s + c for s in (".json", ".jsonl", ".csv", ".tsv", ".html", ".htm") for c in ("", ".gz", ".bz2")),
                ".parquet", ".warc", ".warc.gz")
    option_defaults = {**TEXT_OPTIONS, **FIELD_OPTIONS}

    def plan(self, path: str) -> list[InputShard]:
        shards: list[InputShard] = []
        for f in expand_path(path, self.suffixes):
            if format_of(f) == "jsonl":  # byte ranges, like every line format
                shards.extend(plan_line_ranges(self, str(f), self.range_bytes,
                                               hints=lambda g: {**self.file_hints(g), **stem_hint(g, path)}))
            else:  # one shard per file, with the encoding found once
                shards.append(self.shard(f, hints={**self.file_hints(f), **stem_hint(f, path)}))
        return shards

    def file_hints(self, f: Path) -> dict[str, Any]:
        if format_of(f) in ("html", "warc", "parquet"):  # they say their encoding, or have none
            return {}
        return super().file_hints(f)

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        fmt = format_of(shard.path)
        if fmt == "jsonl":
            yield from read_jsonl(self, shard, stats, self.kind)
        elif fmt == "csv":
            yield from read_csv(self, shard, stats, self.kind)
        elif fmt == "parquet":
            stats.add("read", self.kind, "files")
            yield from read_parquet(self, shard, stats, self.kind)
        elif fmt == "json":
            yield from self._json(shard, stats)
        elif fmt == "warc":
            yield from self._warc(shard, stats)
        elif fmt == "html":
            yield from self._html(shard, stats)

    # -- JSON: NIKL or an array of articles ----------------------------------------
    def _json(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        import ijson

        encoding = shard_encoding(shard)
        if not note_file(shard, stats, self.kind, encoding):
            return
        stream = _JsonStream(shard, stats, self.kind, encoding)
        name, stem, docs = Path(shard.path).name, doc_stem(shard), 0
        fields = FieldMap.from_options(self.options)
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
                    stats.problem(shard.path, f"document #{docs} has no id or no text; skipped", source=self.kind)
                    continue
                yield rec
        except _Gap:
            pass  # the stream reported where the file broke
        except ijson.JSONError as err:
            stats.problem(shard.path, f"JSON breaks here ({err}); kept the {docs} documents before it",
                          offset=stream.consumed, source=self.kind)
            return
        if docs == 0 and not stream.broken:
            stats.problem(shard.path, "no documents (expected NIKL 'document' list or a JSON array)",
                          source=self.kind)

    # -- WARC and HTML -------------------------------------------------------------
    def _warc(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        if not note_file(shard, stats, self.kind, "utf-8"):
            return
        stem = doc_stem(shard)
        for page in iter_warc_html(shard.path, self._problems(shard, stats),
                                   lambda why: stats.drop("read", self.kind, f"warc_{why}")):
            stats.add("read", self.kind, "html_pages")
            rec = self._page_record(page.body, page.charset, f"{stem}@{page.offset}", page.url, stats, shard.path)
            if rec is not None:
                rec.date = rec.date or page.date
                yield rec

    def _html(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        if not note_file(shard, stats, self.kind, "utf-8"):
            return
        body = bytearray()
        for chunk in open_source(shard.path, problem=self._problems(shard, stats)):
            if chunk is None or len(body) > MAX_HTML_BYTES:
                break
            body += chunk
        if len(body) > MAX_HTML_BYTES:
            stats.problem(shard.path, f"HTML page over {MAX_HTML_BYTES >> 20} MiB; skipped", source=self.kind)
            return
        stats.add("read", self.kind, "html_pages")
        given = None if self.options["encoding"] == "auto" else self.options["encoding"]
        rec = self._page_record(bytes(body), given, doc_stem(shard), None, stats, shard.path)
        if rec is not None:
            yield rec

    def _problems(self, shard: InputShard, stats: Stats):
        """A ``problem(message, offset)`` callback for this shard's file."""
        def problem(message: str, offset: int) -> None:
            stats.problem(shard.path, message, offset=offset, source=self.kind)
        return problem

    def _page_record(self, body: bytes, charset: str | None, native: str, url: str | None,
                     stats: Stats, path: str) -> Record | None:
        html, encoding, bad = decode_html(body, charset)
        if bad:
            stats.add("read", self.kind, "pages_invalid_bytes")
        article = extract_article(html, url)
        if not article.text:
            stats.drop("read", self.kind, "no_article_text")
            return None
        meta = {"encoding": encoding} if encoding != "utf-8" else {}
        return Record(id=make_id(self.kind, native), source=self.kind, text=article.text, title=article.title,
                      date=article.date, url=article.url, meta=meta)


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

