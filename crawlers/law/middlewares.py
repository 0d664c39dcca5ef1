"""Downloader middlewares: mask the API key, retry with back-off.

``MaskSecretMiddleware`` sits next to the downloader so every other component
(and the spider) sees bodies and URLs with ``OC`` masked. ``BackoffRetryMiddleware``
replaces Scrapy's RetryMiddleware: the same retry rules, but each retry waits
``base * 2**n`` seconds (or the server's ``Retry-After``, capped), and a 429/503
also raises the domain's download delay so the whole crawl slows down, not just
the one request; AutoThrottle lowers it again as healthy responses come back.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from korpus.crawlers.law import defaults
from korpus.crawlers.law.secret import mask_bytes, mask_text
from korpus.crawlers.scrapy_run import robots_txt_unavailable

SLOW_DOWN_CODES = {429, 503}


class MaskSecretMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        oc = getattr(self.crawler.spider, "oc", None)
        return response.replace(url=mask_text(response.url, oc), body=mask_bytes(response.body, oc))


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date).

    >>> retry_after_seconds(b"7")
    7.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("KORPUS_RETRY_BACKOFF_BASE", defaults.BACKOFF)
        self.cap = settings.getfloat("KORPUS_RETRY_BACKOFF_MAX", defaults.BACKOFF_MAX)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes \
                or robots_txt_unavailable(request, response.status):
            return response
        retry = self._retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        hinted = retry_after_seconds(response.headers.get(b"Retry-After"))
        wait = self._wait(retry, hinted)
        if response.status in SLOW_DOWN_CODES:
            self._slow_down(request, wait)
        if wait > 0:
            await sleep(wait)
        return retry

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry_request(request, exception)
        if retry is None:
            return None
        wait = self._wait(retry, None)
        if wait > 0:
            await sleep(wait)
        return retry

    def _retry_request(self, request, reason):
        return get_retry_request(
            request, spider=self.crawler.spider, reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level))

    def _wait(self, retry, hinted: float | None) -> float:
        attempt = max(1, retry.meta.get("retry_times", 1))
        backoff = self.base * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter
        return min(self.cap, max(backoff, hinted or 0.0))

    def _slow_down(self, request, wait: float) -> None:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(request.meta.get("download_slot"))
        if slot is not None:
            slot.delay = min(self.cap, max(slot.delay, wait))
