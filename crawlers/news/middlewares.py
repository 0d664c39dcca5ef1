"""Retries with exponential back-off (Scrapy's RetryMiddleware retries at once)."""

from __future__ import annotations

import asyncio

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.utils.response import response_status_message

from korpus.crawlers.news import defaults
from korpus.crawlers.scrapy_run import robots_txt_unavailable


class BackoffRetryMiddleware(RetryMiddleware):
    """Waits ``KORPUS_RETRY_BACKOFF * 2**n`` seconds (or the server's Retry-After, capped at
    ``KORPUS_RETRY_MAX_WAIT``) before the n-th retry of a 429/5xx or a dropped connection."""

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler.settings)
        mw.crawler = crawler
        mw.backoff = crawler.settings.getfloat("KORPUS_RETRY_BACKOFF", defaults.BACKOFF)
        mw.max_wait = crawler.settings.getfloat("KORPUS_RETRY_MAX_WAIT", 60.0)
        return mw

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes \
                or robots_txt_unavailable(request, response.status):
            return response
        await self._wait(request, response.headers.get(b"Retry-After"))
        return self._again(request, response_status_message(response.status)) or response

    async def process_exception(self, request, exception, spider=None):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        await self._wait(request, None)
        return self._again(request, exception)

    async def _wait(self, request, retry_after: bytes | None) -> None:
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times):
            return  # no retry left: do not wait for nothing
        tries = request.meta.get("retry_times", 0)
        wait = self.backoff * 2 ** tries
        if retry_after and retry_after.strip().isdigit():
            wait = float(retry_after)
        await asyncio.sleep(min(wait, self.max_wait))

    def _again(self, request, reason):
        return get_retry_request(request, spider=self.crawler.spider, reason=reason,
                                 max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
                                 priority_adjust=request.meta.get("priority_adjust", self.priority_adjust))
