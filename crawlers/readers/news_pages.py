"""News as HTML pages: each 2xx HTML response of a WARC, or one saved ``.html`` file.

Pages go through the one article extractor (:mod:`korpus.crawlers.article`),
the one the news spider uses, so a page gives the same text whichever way it
arrives. A page without article text is dropped and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from korpus.core.schema import Record, make_id
from korpus.core.stats import Stats
from korpus.crawlers.article.decode import decode_html
from korpus.crawlers.article.extract import extract_article
from korpus.crawlers.readers.base import InputShard, Reader
from korpus.crawlers.readers.files import doc_stem, note_file
from korpus.crawlers.readers.streams import open_source
from korpus.crawlers.readers.warc import iter_warc_html

MAX_HTML_BYTES = 32 << 20


def read_news_warc(reader: Reader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    if not note_file(shard, stats, source, "utf-8"):
        return
    stem = doc_stem(shard)
    for page in iter_warc_html(shard.path, _problems(shard, stats, source),
                               lambda why: stats.drop("read", source, f"warc_{why}")):
        stats.add("read", source, "html_pages")
        rec = page_record(page.body, page.charset, f"{stem}@{page.offset}", page.url, stats, source)
        if rec is not None:
            rec.date = rec.date or page.date
            yield rec


def read_news_html(reader: Reader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    if not note_file(shard, stats, source, "utf-8"):
        return
    body = bytearray()
    for chunk in open_source(shard.path, problem=_problems(shard, stats, source)):
        if chunk is None or len(body) > MAX_HTML_BYTES:
            break
        body += chunk
    if len(body) > MAX_HTML_BYTES:
        stats.problem(shard.path, f"HTML page over {MAX_HTML_BYTES >> 20} MiB; skipped", source=source)
        return
    stats.add("read", source, "html_pages")
    given = None if reader.options["encoding"] == "auto" else reader.options["encoding"]
    rec = page_record(bytes(body), given, doc_stem(shard), None, stats, source)
    if rec is not None:
        yield rec


def page_record(body: bytes, charset: str | None, native: str, url: str | None, stats: Stats,
                source: str) -> Record | None:
    """The record of one page, or ``None`` (counted) when it holds no article text."""
    html, encoding, bad = decode_html(body, charset)
    if bad:
        stats.add("read", source, "pages_invalid_bytes")
    article = extract_article(html, url)
    if not article.text:
        stats.drop("read", source, "no_article_text")
        return None
    meta = {"encoding": encoding} if encoding != "utf-8" else {}
    return Record(id=make_id(source, native), source=source, text=article.text, title=article.title,
                  date=article.date, url=article.url, meta=meta)


def _problems(shard: InputShard, stats: Stats, source: str) -> Callable[[str, int], None]:
    """A ``problem(message, offset)`` callback for this shard's file."""
    def problem(message: str, offset: int) -> None:
        stats.problem(shard.path, message, offset=offset, source=source)
    return problem
