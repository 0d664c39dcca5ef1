"""Errors of a law.go.kr crawl, each with a message a user can act on."""

from __future__ import annotations

from korpus.core.errors import KorpusError


class ResponseRejected(KorpusError):
    """A 200 response that is not the API's XML: the crawl must stop.

    ``kind`` is ``api-error``, ``anti-bot``, ``not-xml`` or ``unexpected-xml``.
    """

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)


class ItemNotFound(Exception):
    """The API says the requested body does not exist (it left the list)."""


class IncompleteCrawl(KorpusError):
    """Some requests still failed after all retries; a rerun fetches the rest."""

    exit_code = 3


class CrawlInterrupted(KorpusError):
    """Stopped by a signal (Ctrl-C, SIGTERM) after writing what it had."""

    exit_code = 130
