"""The ``news`` spider: sitemap entries or start pages -> extracted articles.

Arguments (``-a`` on the scrapy command line: comma-separated; lists from Python):
``sitemap`` (sitemap, sitemap index or robots.txt URLs), ``start_url`` (pages to
crawl from, following links within ``allow_domain``), ``since`` (YYYY-MM-DD),
``out`` (the output folder; shards and ``_state/``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import SitemapSpider
from twisted.internet import error as net_error

from korpus.crawlers.article.dates import day_of
from korpus.crawlers.article.decode import header_charset
from korpus.crawlers.news import defaults
from korpus.crawlers.news.pages import FINAL_SKIPS, NotArticle, page_article
from korpus.crawlers.news.state import CrawlState
from korpus.crawlers.sniff import looks_like_html


def _listed(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def default_domains(urls: list[str]) -> list[str]:
    """Hosts of the given URLs, ``www.`` dropped so sibling subdomains stay in.

    >>> default_domains(["https://www.news.kr/sitemap.xml", "http://127.0.0.1:8000/"])
    ['news.kr', '127.0.0.1']
    """
    hosts = []
    for url in urls:
        host = urlsplit(url).hostname or ""
        host = host.removeprefix("www.")
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def within(url: str, domains: list[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or below one (any port).

    >>> within("http://127.0.0.1:8000/a", ["127.0.0.1"]), within("https://m.news.kr/x", ["news.kr"])
    (True, True)
    >>> within("https://evilnews.kr/", ["news.kr"])
    False
    """
    host = urlsplit(url).hostname or ""
    return any(host == d or host.endswith("." + d) for d in domains)


class NewsSpider(SitemapSpider):
    name = "news"
    sitemap_rules = [("", "parse_article")]

    def __init__(self, sitemap=None, start_url=None, allow_domain=None, since=None, out=None,
                 *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sitemap_urls = _listed(sitemap)
        self.start_pages = _listed(start_url)
        if not self.sitemap_urls and not self.start_pages:
            raise ValueError("give at least one sitemap or start_url")
        if not out:
            raise ValueError("give out=DIR for the shards")
        self.allowed_domains = _listed(allow_domain) or default_domains(
            self.sitemap_urls + self.start_pages)
        self.since = since or None
        self.state = CrawlState(Path(out))
        self.errors: list[str] = []
        self._lastmod: dict[str, str] = {}
        self._links = LinkExtractor()  # domains checked by host below (allow_domains compares host:port)

    @property
    def min_chars(self) -> int:
        return self.crawler.settings.getint("KORPUS_MIN_CHARS", defaults.MIN_CHARS)

    async def start(self):
        for url in self.sitemap_urls:
            yield Request(url, self._parse_sitemap, errback=self.on_entry_error, dont_filter=True)
        for url in self.start_pages:
            yield Request(url, self.parse_page, errback=self.on_entry_error, dont_filter=True)

    # ------------------------------------------------------------ sitemaps

    def _parse_sitemap(self, response):
        """SitemapSpider's parser, with HTML-instead-of-sitemap caught and errbacks added."""
        if not response.url.endswith("/robots.txt") and looks_like_html(response.body[:512]):
            self.errors.append(f"{response.url}: an HTML page, not a sitemap")
            return
        for request in super()._parse_sitemap(response):
            if request.callback == self._parse_sitemap:
                yield request.replace(errback=self.on_entry_error)
            else:
                meta = {"lastmod": self._lastmod.pop(request.url, None)}
                yield request.replace(errback=self.on_page_error, meta=meta)
        self._lastmod.clear()  # entries whose URL Scrapy re-escaped: do not let them pile up

    def sitemap_filter(self, entries):
        is_urlset = getattr(entries, "type", "urlset") == "urlset"
        for entry in entries:
            if not is_urlset:
                yield entry
                continue
            loc = entry.get("loc", "")
            lastmod = entry.get("lastmod")
            if self.since and lastmod and (day_of(lastmod) or "") < self.since:
                self._count("skipped/before_since")
            elif self.state.is_stored(loc):
                self._count("skipped/already_stored")
            elif self.state.is_skipped(loc):
                self._count("skipped/already_seen_not_article")
            else:
                if lastmod:
                    self._lastmod[loc] = lastmod
                yield entry

    # ------------------------------------------------------------ pages

    def parse_article(self, response):
        yield from self._article(response)

    def parse_page(self, response):
        yield from self._article(response)
        if not isinstance(response, TextResponse):
            return
        for link in self._links.extract_links(response):
            if not within(link.url, self.allowed_domains):
                continue
            if self.state.is_stored(link.url):
                self._count("skipped/already_stored")
                continue
            yield Request(link.url, self.parse_page, errback=self.on_page_error)

    def _article(self, response):
        self._count("pages")
        if not isinstance(response, TextResponse):
            self._count("skipped/not_html")
            return
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        result = page_article(response.body, response.url, self.min_chars, charset=header_charset(content_type))
        if isinstance(result, NotArticle):
            self._count(f"skipped/{result.reason}")
            if result.reason in FINAL_SKIPS:
                self.state.mark_skipped(response.request.url if response.request else response.url)
            return
        if self.since and result.date and (day_of(result.date) or "") < self.since:
            self._count("skipped/before_since")
            return
        if lastmod := response.meta.get("lastmod"):
            result.meta["lastmod"] = lastmod
        result.meta["fetched_url"] = response.request.url if response.request else response.url
        yield result

    # ------------------------------------------------------------ failures

    def on_entry_error(self, failure):
        """A sitemap or start page that could not be fetched: the crawl reports an error."""
        self.errors.append(f"{failure.request.url}: {explain(failure)}")

    def on_page_error(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt or offsite: counted by Scrapy's own stats
        self._count(f"failed/{_describe(failure)}")

    def _count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"korpus/{key}", n)


def explain(failure) -> str:
    """A fetch failure in words that name the host: ``cannot resolve host news.example``."""
    host = urlsplit(failure.request.url).hostname or failure.request.url
    if failure.check(CannotResolveHostError, net_error.DNSLookupError):
        return f"cannot resolve host {host}"
    if failure.check(DownloadConnectionRefusedError, net_error.ConnectionRefusedError):
        return f"{host} refused the connection"
    if failure.check(DownloadTimeoutError, net_error.TimeoutError, net_error.TCPTimedOutError):
        return f"no answer from {host} (timed out)"
    if failure.check(HttpError):
        return f"{host} answered HTTP {failure.value.response.status}"
    return f"{host}: {type(failure.value).__name__}: {failure.value}"


def _describe(failure) -> str:
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        return f"ignored ({failure.value})"
    return type(failure.value).__name__
