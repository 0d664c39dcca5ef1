"""``law_api``: lists every item of the chosen targets with ``lawSearch.do``
(``display`` per page, paging until ``totalCnt``) and fetches each new or
changed one with ``lawService.do``.

Run it through ``korpus crawl law`` or, from ``crawlers/law``,
``KORPUS_LAW_OC=… scrapy crawl law_api -a out=DIR -a targets=law,prec``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from korpus.core.schema import make_id
from korpus.crawlers.law.assemble import assemble
from korpus.crawlers.law.errors import ItemNotFound, ResponseRejected
from korpus.crawlers.law.items import LawDocumentItem
from korpus.crawlers.law.responses import check_response, child_text
from korpus.crawlers.law.secret import install_log_mask, oc_from_env
from korpus.crawlers.law.state import CrawlState
from korpus.crawlers.law.targets import DEFAULT_API_BASE, TARGETS, parse_targets, version_of

LIST_PRIORITY = 0
BODY_PRIORITY = 10  # bodies first, so documents reach the shards while listing goes on
MAX_FAILURES_KEPT = 50
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def iso_date(value: str) -> str | None:
    """``"20091231"`` -> ``"2009-12-31"``; anything else -> None.

    >>> iso_date("20091231"), iso_date("")
    ('2009-12-31', None)
    """
    match = _DATE.match(value.strip())
    return "-".join(match.groups()) if match else None


def public_url(link: str, api_base: str) -> str | None:
    """The item's 상세링크 made absolute, with any ``OC`` parameter removed.

    >>> public_url("/DRF/lawService.do?OC=***&target=law&MST=1&type=HTML", "https://www.law.go.kr/DRF")
    'https://www.law.go.kr/DRF/lawService.do?target=law&MST=1&type=HTML'
    """
    if not link:
        return None
    parts = urlsplit(urljoin(api_base + "/", link))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.upper() != "OC"]
    return urlunsplit(parts._replace(query=urlencode(query)))


class LawApiSpider(scrapy.Spider):
    name = "law_api"

    def __init__(self, out: str | None = None, targets=None, api_base: str = DEFAULT_API_BASE,
                 oc: str | None = None, state: CrawlState | None = None, display: int | str = 100,
                 annex: bool | str = False, **kwargs):
        super().__init__(**kwargs)
        self.targets = parse_targets(targets)
        self.api_base = api_base.rstrip("/")
        self.oc = oc or oc_from_env()
        if not self.oc:
            raise ValueError("set KORPUS_LAW_OC to your open.law.go.kr Open API user id (OC)")
        install_log_mask(self.oc)  # also when run as `scrapy crawl law_api`
        if state is None and out is None:
            raise ValueError("give the output folder: -a out=DIR")
        self._owns_state = state is None
        self.state = state or CrawlState.open(Path(out))
        self.display = int(display)
        self.annex = annex if isinstance(annex, bool) else str(annex).lower() in ("1", "true", "yes")
        self.scheduled: set[tuple[str, str]] = set()
        self.fatal: ResponseRejected | None = None
        self.failures: list[str] = []
        self.failure_count = 0
        self.storage_errors: list[str] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider.on_item_error, signal=signals.item_error)
        return spider

    def closed(self, reason: str) -> None:
        if self._owns_state:
            self.state.close()

    async def start(self):
        for target in self.targets:
            yield self.list_request(target, 1)

    # requests

    def list_request(self, target: str, page: int) -> scrapy.Request:
        spec = TARGETS[target]
        params = {"OC": self.oc, "target": target, "type": "XML", "display": self.display,
                  "page": page, **spec.list_params}
        return scrapy.Request(f"{self.api_base}/lawSearch.do?{urlencode(params)}",
                              callback=self.parse_list, errback=self.on_failure,
                              cb_kwargs={"target": target, "page": page},
                              priority=LIST_PRIORITY, dont_filter=True)

    def body_request(self, target: str, serial: str, key: str, version: str, listing: dict) -> scrapy.Request:
        spec = TARGETS[target]
        params = {"OC": self.oc, "target": target, spec.service_param: serial, "type": "XML"}
        return scrapy.Request(f"{self.api_base}/lawService.do?{urlencode(params)}",
                              callback=self.parse_body, errback=self.on_failure,
                              cb_kwargs={"target": target, "serial": serial, "key": key,
                                         "version": version, "listing": listing},
                              priority=BODY_PRIORITY, dont_filter=True)

    # callbacks

    def parse_list(self, response, target: str, page: int):
        spec = TARGETS[target]
        where = f"lawSearch.do target={target} page {page}"
        try:
            root = self._checked(response, spec.search_root, where)
        except ItemNotFound as err:  # a list never answers "no such item"
            self._stop(ResponseRejected("unexpected-xml", f"{err}. Stopped; nothing from it was stored."))
        total_text = child_text(root, "totalCnt")
        if not total_text.isdigit():
            self._stop(ResponseRejected("unexpected-xml", f"{where}: no totalCnt in the list response"))
        stats = self.crawler.stats
        stats.set_value(f"law/{target}/total", int(total_text))
        items = root.findall(spec.list_item)
        stats.inc_value(f"law/{target}/listed", len(items))
        for entry in items:
            request = self._body_request_for(target, entry)
            if request is not None:
                yield request
        if page * self.display < int(total_text):
            if items:
                yield self.list_request(target, page + 1)
            else:
                self.logger.warning("%s: empty page before totalCnt=%s was reached", where, total_text)
                stats.inc_value(f"law/{target}/short_listing")

    def _body_request_for(self, target: str, entry) -> scrapy.Request | None:
        spec = TARGETS[target]
        stats = self.crawler.stats
        serial = child_text(entry, spec.serial_field)
        if not serial:
            stats.inc_value(f"law/{target}/list_entries_without_id")
            return None
        key = child_text(entry, spec.stable_field) or serial
        if (target, key) in self.scheduled:  # the list shifted between pages
            stats.inc_value(f"law/{target}/listed_twice")
            return None
        self.scheduled.add((target, key))
        version = version_of(serial, child_text(entry, spec.date_field))
        decision = self.state.decide(target, key, version)
        stats.inc_value(f"law/{target}/{decision}")
        if decision == "unchanged":
            return None
        listing = {child.tag: "".join(child.itertext()).strip() for child in entry}
        return self.body_request(target, serial, key, version, listing)

    def parse_body(self, response, target: str, serial: str, key: str, version: str, listing: dict):
        spec = TARGETS[target]
        where = f"lawService.do target={target} {spec.service_param}={serial}"
        try:
            root = self._checked(response, spec.body_root, where)
        except ItemNotFound:
            self.crawler.stats.inc_value(f"law/{target}/not_found")
            self.state.note_skipped(target, key, version, "not-found")
            return
        doc = assemble(root, target, self.annex)
        if not doc.text.strip() or doc.text.strip() == doc.title:
            self.crawler.stats.inc_value(f"law/{target}/empty")
            self.state.note_skipped(target, key, version, "empty")
            return
        yield self._item(target, serial, key, version, listing, doc, response.body)

    def _item(self, target, serial, key, version, listing, doc, body) -> LawDocumentItem:
        spec = TARGETS[target]
        meta = {spec.service_param: serial}
        for name in ("소관부처명", "법령구분명", "제개정구분명", "사건번호", "법원명", "자치법규종류",
                     "지자체기관명", "행정규칙종류"):
            if listing.get(name):
                meta[name] = listing[name]
        meta.update(doc.meta)
        if "소관부처" not in meta and listing.get("소관부처명") and target == "law":
            meta["소관부처"] = listing["소관부처명"]
        date = listing.get(spec.date_field, "")
        return LawDocumentItem(
            id=make_id("law", f"{target}/{serial}"), target=target, serial=serial, key=key,
            version=version, title=doc.title or listing.get(spec.title_field) or None,
            url=public_url(listing.get(spec.link_field, ""), self.api_base),
            date=iso_date(date), text=doc.text, meta=meta,
            raw=body if self.settings.getbool("KORPUS_LAW_KEEP_RAW") else None)

    def _checked(self, response, expected_root: str, where: str):
        if self.storage_errors:  # no point fetching what cannot be written
            raise CloseSpider("storage-error")
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        try:
            return check_response(response.body, content_type, expected_root, where)
        except ResponseRejected as err:
            self._stop(err)

    def _stop(self, err: ResponseRejected):
        if self.fatal is None:
            self.fatal = err
            self.logger.error("%s", err)
        raise CloseSpider(f"rejected:{err.kind}")

    def _note_failure(self, message: str) -> None:
        self.failure_count += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append(message)

    def on_spider_error(self, failure, response, spider):
        """A bug or an odd body broke a callback: that item is missing, so the run is incomplete."""
        self._note_failure(f"error handling {response.url}: {failure.getErrorMessage()}")

    def on_item_error(self, item, response, spider, failure):
        self._note_failure(f"error storing {item.get('id')}: {failure.getErrorMessage()}")

    def on_failure(self, failure):
        request = failure.request
        target = request.cb_kwargs.get("target", "?")
        self.crawler.stats.inc_value(f"law/{target}/failed")
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            what = "forbidden by robots.txt"
            self.crawler.stats.inc_value("law/robots_forbidden")
        elif failure.check(HttpError):
            what = f"HTTP {failure.value.response.status} after all retries"
        else:
            what = failure.getErrorMessage()
        kind = "list page" if request.callback == self.parse_list else "body"
        label = request.cb_kwargs.get("page") or request.cb_kwargs.get("serial")
        self._note_failure(f"{target} {kind} {label}: {what}")
