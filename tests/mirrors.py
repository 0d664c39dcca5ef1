"""Local HTTP servers on 127.0.0.1 for the crawl tests: a Wikimedia dumps mirror, a
release mirror with a split archive, and a small news site.

:class:`Mirror` serves in-memory files with Range/If-Range, directory listings,
and injected faults (a connection cut mid-body, a 503, an HTML error page);
every request is logged with its headers so tests can assert what was asked.
"""

from __future__ import annotations

import bz2
import contextlib
import functools
import gzip
import hashlib
import io
import json
import random
import socket
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


@dataclass
class Logged:
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0


@dataclass
class Mirror:
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)
    cut_once: dict[str, int] = field(default_factory=dict)
    fail_once: dict[str, int] = field(default_factory=dict)
    html_instead: set[str] = field(default_factory=set)
    ignore_range: set[str] = field(default_factory=set)
    listings: bool = True
    slow: dict[str, float] = field(default_factory=dict)  # path prefix -> seconds before answering
    throttle: dict[str, int] = field(default_factory=dict)  # path -> body bytes per second

    def add(self, path: str, data: bytes | str, content_type: str | None = None) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.files[path] = (data, content_type or _content_type(path))

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_for(self, path: str) -> list[Logged]:
        return [entry for entry in self.log if entry.path.split("?")[0] == path]

    def __enter__(self) -> Mirror:
        mirror = self

        class Handler(_Handler):
            pass

        Handler.mirror = mirror
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def _content_type(path: str) -> str:
    for suffix, kind in ((".html", "text/html; charset=utf-8"), (".xml", "application/xml"),
                         (".json", "application/json"), (".txt", "text/plain; charset=utf-8"),
                         ("/robots.txt", "text/plain")):
        if path.endswith(suffix):
            return kind
    return "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mirror: Mirror

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        m = self.mirror
        path = self.path.split("?")[0]
        entry = Logged(self.command, self.path, dict(self.headers.items()))
        m.log.append(entry)
        for prefix, seconds in m.slow.items():
            if path.startswith(prefix):
                time.sleep(seconds)
        if code := m.fail_once.pop(path, None):
            return self._send(entry, code, b"busy", "text/plain", {"Retry-After": "0"}, head)
        if path in m.html_instead:
            page = b"<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>"
            return self._send(entry, 200, page, "text/html", {}, head)
        if path not in m.files:
            if m.listings and path.endswith("/") and (listing := _listing(m.files, path)):
                return self._send(entry, 200, listing, "text/html", {}, head)
            return self._send(entry, 404, b"<html><body>404 Not Found</body></html>",
                              "text/html", {}, head)
        data, kind = m.files[path]
        etag = '"' + hashlib.md5(data).hexdigest() + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Accept-Ranges": "bytes"}
        status, body = 200, data
        wanted = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if wanted and path not in m.ignore_range and (not if_range or if_range in (etag, LAST_MODIFIED)):
            start, end = _parse_range(wanted, len(data))
            if start >= len(data):
                headers["Content-Range"] = f"bytes */{len(data)}"
                return self._send(entry, 416, b"", "text/plain", headers, head)
            status, body = 206, data[start:end + 1]
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        cut = m.cut_once.pop(path, None)
        self._send(entry, status, body, kind, headers, head, cut=cut, rate=m.throttle.get(path))

    def _send(self, entry: Logged, status: int, body: bytes, kind: str, headers: dict,
              head: bool, cut: int | None = None, rate: int | None = None) -> None:
        entry.status = status
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if head:
            return
        if rate:
            step = max(1, rate // 20)
            with contextlib.suppress(OSError):
                for i in range(0, len(body), step):
                    self.wfile.write(body[i:i + step])
                    time.sleep(0.05)
            return
        if cut is None:
            self.wfile.write(body)
            return
        # announce the full length, send part of it, then drop the connection
        self.wfile.write(body[:cut])
        self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _parse_range(value: str, size: int) -> tuple[int, int]:
    spec = value.strip().removeprefix("bytes=").split(",")[0]
    first, _, last = spec.partition("-")
    start = int(first) if first else max(0, size - int(last))
    end = int(last) if first and last else size - 1
    return start, min(end, size - 1)


def _listing(files: dict, folder: str) -> bytes:
    children = sorted({p[len(folder):].split("/")[0] + ("/" if "/" in p[len(folder):] else "")
                       for p in files if p.startswith(folder) and p != folder})
    if not children:
        return b""
    links = "\n".join(f'<a href="{c}">{c}</a>' for c in children)
    return f"<html><body><h1>Index of {folder}</h1><pre>\n{links}\n</pre></body></html>".encode()


# ---------------------------------------------------------------- Korean filler text


def korean_text(rng: random.Random, words: int) -> str:
    """Random Hangul words: incompressible enough that archives have real size."""
    out = []
    for _ in range(words):
        out.append("".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(1, 4))))
    return " ".join(out)


# ---------------------------------------------------------------- Wikimedia dumps mirror


def wiki_xml_pages(n_pages: int, seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    pages = []
    for page_id in range(1, n_pages + 1):
        text = korean_text(rng, rng.randint(40, 120))
        pages.append(
            f"  <page>\n    <title>문서 {page_id}</title>\n    <ns>0</ns>\n    <id>{page_id}</id>\n"
            f"    <revision><id>{page_id * 10}</id><text xml:space=\"preserve\">'''문서 {page_id}'''는 "
            f"{text}</text></revision>\n  </page>\n".encode())
    return pages


HEADER = b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" xml:lang="ko">\n'
FOOTER = b"</mediawiki>\n"


@functools.lru_cache(maxsize=8)
def build_wiki_dump(date: str, n_pages: int = 800, wiki: str = "kowiki") -> dict[str, bytes]:
    """The three pages-articles files of one dated dump (plain, multistream, index)."""
    pages = wiki_xml_pages(n_pages)
    plain = bz2.compress(HEADER + b"".join(pages) + FOOTER)
    streams, index, offset = [bz2.compress(HEADER)], [], 0
    offset = len(streams[0])
    for start in range(0, n_pages, 100):
        block = pages[start:start + 100]
        for k in range(len(block)):
            index.append(f"{offset}:{start + k + 1}:문서 {start + k + 1}")
        streams.append(bz2.compress(b"".join(block)))
        offset += len(streams[-1])
    streams.append(bz2.compress(FOOTER))
    prefix = f"{wiki}-{date}-pages-articles"
    return {
        f"{prefix}.xml.bz2": plain,
        f"{prefix}-multistream.xml.bz2": b"".join(streams),
        f"{prefix}-multistream-index.txt.bz2": bz2.compress(("\n".join(index) + "\n").encode()),
    }


def dumpstatus(wiki: str, date: str, files: dict[str, bytes], done: bool = True) -> bytes:
    def entry(name: str) -> dict:
        data = files[name]
        return {"size": len(data), "url": f"/{wiki}/{date}/{name}",
                "md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest()}

    plain = [n for n in files if n.endswith("pages-articles.xml.bz2")]
    multi = [n for n in files if "multistream" in n]
    status = "done" if done else "in-progress"
    jobs = {
        "articlesdump": {"status": status, "updated": "2024-01-02 03:04:05",
                         "files": {n: entry(n) for n in plain} if done else {}},
        "articlesmultistreamdump": {"status": status, "updated": "2024-01-02 04:05:06",
                                    "files": {n: entry(n) for n in multi} if done else {}},
        "xmlstubsdump": {"status": "done", "updated": "2024-01-01 01:02:03", "files": {}},
    }
    return json.dumps({"jobs": jobs, "version": "0.8"}, indent=1).encode()


def sums_file(files: dict[str, bytes], algo: str) -> bytes:
    return "".join(f"{hashlib.new(algo, data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items())).encode()


def serve_wiki(mirror: Mirror, date: str = "20240101", newer_in_progress: str | None = "20240201",
               n_pages: int = 800) -> dict[str, bytes]:
    """Register one finished dump (and optionally a newer unfinished one); returns its files."""
    files = build_wiki_dump(date, n_pages)
    folder = f"/kowiki/{date}/"
    for name, data in files.items():
        mirror.add(folder + name, data)
    mirror.add(folder + f"kowiki-{date}-md5sums.txt", sums_file(files, "md5"))
    mirror.add(folder + f"kowiki-{date}-sha1sums.txt", sums_file(files, "sha1"))
    mirror.add(folder + "dumpstatus.json", dumpstatus("kowiki", date, files))
    if newer_in_progress:
        newer = f"/kowiki/{newer_in_progress}/"
        mirror.add(newer + "dumpstatus.json", dumpstatus("kowiki", newer_in_progress, files, done=False))
        mirror.add(newer + f"kowiki-{newer_in_progress}-md5sums.txt", b"")
    return files


# ---------------------------------------------------------------- KcBERT release mirror

RELEASE = "/Beomi/KcBERT/releases/download/TrainData_v1"
KCBERT_PARTS = ("kcbert-train.tar.gzaa", "kcbert-train.tar.gzab", "kcbert-train.tar.gzac")
KCBERT_MEMBER = "20190101_20200611_v2.txt"


def build_comments(n_lines: int = 4000, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    return "".join(korean_text(rng, rng.randint(3, 25)) + "\n" for _ in range(n_lines)).encode()


def build_split_archive(text: bytes, member: str = KCBERT_MEMBER, n_parts: int = 3) -> list[bytes]:
    """tar.gz of one member, cut into ``n_parts`` byte ranges like ``split -b``."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo(member)
        info.size = len(text)
        info.mtime = 1591833600
        tar.addfile(info, io.BytesIO(text))
    archive = gzip.compress(raw.getvalue(), mtime=0)
    step = -(-len(archive) // n_parts)
    return [archive[i:i + step] for i in range(0, len(archive), step)]


def serve_release(mirror: Mirror, text: bytes | None = None) -> dict[str, bytes]:
    text = build_comments() if text is None else text
    parts = dict(zip(KCBERT_PARTS, build_split_archive(text), strict=True))
    for name, data in parts.items():
        mirror.add(f"{RELEASE}/{name}", data)
    mirror.add(f"{RELEASE}/SHA256SUMS", sums_file(parts, "sha256"))
    return parts


# ---------------------------------------------------------------- news site

NAV_TEXT = "NAVMENU 정치 경제 사회 로그인 구독하기"
FOOTER_TEXT = "FOOTERTEXT 회사소개 개인정보처리방침 Copyright"
RELATED_TEXT = "RELATEDNEWS 함께 보면 좋은 기사"
AD_TEXT = "ADVERT 지금 가입하면 할인"
BYLINE_TEXT = "홍길동 기자 gildong@example.com"


def article_html(title: str, date: str, paragraphs: list[str], canonical: str | None = None) -> str:
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{title} | 코퍼스일보</title>
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}">{canon}
<script>var tracker = "SCRIPTTEXT";</script><style>.x {{ color: red }}</style></head>
<body>
<header class="site-header"><a href="/">코퍼스일보</a></header>
<nav id="gnb"><ul><li><a href="/section/politics.html">{NAV_TEXT}</a></li></ul></nav>
<div class="container">
 <aside class="sidebar"><h3>많이 본 뉴스</h3><a href="/news/x.html">SIDEBARTEXT 인기 기사</a></aside>
 <article>
  <h1 class="headline">{title}</h1>
  <div class="byline">{BYLINE_TEXT}</div>
  <div id="article-body">{body}
   <div class="ad-slot">{AD_TEXT}</div>
  </div>
  <div class="related-articles"><h4>{RELATED_TEXT}</h4><ul><li><a href="/news/y.html">다른 기사</a></li></ul></div>
 </article>
</div>
<footer>{FOOTER_TEXT}</footer>
<form action="/search"><input name="q" value="SEARCHBOX"></form>
</body></html>"""


def listing_html(title: str, links: list[str]) -> str:
    items = "\n".join(f'<li><a href="{href}">기사 {i} 제목 미리보기</a></li>' for i, href in enumerate(links))
    return f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav id="gnb"><a href="/section/politics.html">{NAV_TEXT}</a></nav>
<div class="list"><h2>{title}</h2><ul>{items}</ul></div><footer>{FOOTER_TEXT}</footer></body></html>"""


@dataclass
class NewsArticle:
    path: str
    title: str
    date: str
    paragraphs: list[str]
    lastmod: str | None
    allowed: bool = True


def news_articles(seed: int = 3) -> list[NewsArticle]:
    rng = random.Random(seed)

    def paras(n: int) -> list[str]:
        return [korean_text(rng, rng.randint(25, 45)) + "." for _ in range(n)]

    return [
        NewsArticle("/news/2024/01/a1.html", "첫째 기사 제목", "2023-12-20T09:00:00+09:00", paras(4), "2023-12-20"),
        NewsArticle("/news/2024/01/a2.html", "둘째 기사 제목", "2024-01-05T10:30:00+09:00", paras(5), "2024-01-05"),
        NewsArticle("/news/2024/02/a3.html", "셋째 기사 제목", "2024-02-11T08:00:00+09:00", paras(3), "2024-02-11"),
        NewsArticle("/news/2024/02/a4.html", "넷째 기사 제목", "2023-11-30T08:00:00+09:00", paras(6), None),
        NewsArticle("/private/p1.html", "금지된 기사", "2024-01-07T08:00:00+09:00", paras(4), "2024-01-07",
                    allowed=False),
    ]


def serve_news(mirror: Mirror) -> list[NewsArticle]:
    """robots.txt forbidding /private/, a sitemap index over two sitemaps, articles,
    a duplicate URL of a1 (canonical link), a section listing and a short about page."""
    articles = news_articles()
    base = mirror.url()
    for a in articles:
        mirror.add(a.path, article_html(a.title, a.date, a.paragraphs, canonical=base + a.path))
    a1 = articles[0]
    mirror.add("/amp/a1.html", article_html(a1.title, a1.date, a1.paragraphs, canonical=base + a1.path))
    mirror.add("/section/politics.html", listing_html("정치", [a.path for a in articles]))
    mirror.add("/about.html", listing_html("회사 소개", []))
    mirror.add("/index.html", listing_html("코퍼스일보", [a.path for a in articles]
                                           + ["/section/politics.html", "/about.html", "/amp/a1.html"]))
    mirror.add("/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n")
    mirror.add("/sitemap.xml", sitemap_index([base + "/sitemap-news.xml", base + "/sitemap-pages.xml"]))
    news_urls = [(base + a.path, a.lastmod) for a in articles] + [(base + "/amp/a1.html", "2024-01-06")]
    mirror.add("/sitemap-news.xml", urlset(news_urls))
    mirror.add("/sitemap-pages.xml", urlset([(base + "/section/politics.html", "2024-03-01"),
                                             (base + "/about.html", None)]))
    return articles


def sitemap_index(urls: list[str]) -> str:
    items = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>')


def urlset(entries: list[tuple[str, str | None]]) -> str:
    items = "".join(f"<url><loc>{u}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>"
                    for u, m in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>')
