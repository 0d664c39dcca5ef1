"""WARC archives (plain, or gzip per record): the HTML pages in them, read with warcio."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from korpus.crawlers.article.decode import header_charset

MAX_BODY_BYTES = 32 << 20


@dataclass
class WarcPage:
    url: str | None
    date: str | None
    body: bytes
    charset: str | None
    offset: int  # of the record in the WARC file


class _CutShort(Exception):
    pass


def iter_warc_html(path: str, problem: Callable[[str, int], None],
                   skipped: Callable[[str], None]) -> Iterator[WarcPage]:
    """Each 2xx HTML response (or HTML resource record); others are counted by ``skipped(reason)``.

    A damaged or truncated archive ends with ``problem(message, offset)``; the
    pages before it have been yielded.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for rec in records:
                offset = records.offset
                try:
                    page = _html_page(rec, offset, skipped)
                except (OSError, EOFError, ValueError, zlib.error) as err:
                    problem(f"WARC record body unreadable ({err}); record skipped", offset)
                    continue
                except _CutShort:
                    problem("WARC record cut short (file truncated?); record skipped", offset)
                    continue
                if page is not None:
                    yield page
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as err:
            problem(f"WARC ends or breaks here ({type(err).__name__}: {err}); kept the records before it",
                    records.offset)


def _html_page(rec, offset: int, skipped: Callable[[str], None]) -> WarcPage | None:
    if rec.rec_type == "response" and rec.http_headers is not None:
        if not str(rec.http_headers.get_statuscode() or "").startswith("2"):
            skipped("http_status")
            return None
        ctype = rec.http_headers.get_header("Content-Type") or ""
    elif rec.rec_type == "resource":
        ctype = rec.rec_headers.get_header("Content-Type") or ""
    else:
        return None  # request, metadata, warcinfo...: not pages
    if "html" not in ctype.lower():
        skipped("not_html")
        return None
    body = rec.content_stream().read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        skipped("too_large")
        return None
    while rec.raw_stream.read(1 << 16):
        pass
    if getattr(rec.raw_stream, "limit", 0) > 0:  # the record promised more bytes than the file has
        raise _CutShort
    return WarcPage(
        url=rec.rec_headers.get_header("WARC-Target-URI"),
        date=rec.rec_headers.get_header("WARC-Date"),
        body=body,
        charset=header_charset(ctype),
        offset=offset,
    )
