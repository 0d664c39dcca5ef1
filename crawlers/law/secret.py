"""Keep the API key (``OC``) out of everything korpus writes or prints.

The API echoes the caller's ``OC`` inside every ``…상세링크`` value, and Scrapy
logs request URLs, so the key is masked in response bodies before anything
reads them and in every log record before any handler writes it.
"""

from __future__ import annotations

import logging
import os
import re
from urllib.parse import quote, quote_plus

OC_ENV = "KORPUS_LAW_OC"
MASK = "***"

_OC_PARAM = re.compile(r"(?i)(\bOC=)[^&\s\"'<>]*")
_OC_PARAM_BYTES = re.compile(rb"(?i)(\bOC=)[^&\s\"'<>]*")


def oc_from_env() -> str | None:
    """The key from ``KORPUS_LAW_OC``; blank counts as unset."""
    value = os.environ.get(OC_ENV, "").strip()
    return value or None


def _forms(oc: str) -> list[str]:
    """The ways a key can appear in a URL or body, longest first."""
    forms = {oc, quote(oc, safe=""), quote_plus(oc)}
    return sorted((f for f in forms if f), key=len, reverse=True)


def mask_text(text: str, oc: str | None) -> str:
    """Mask ``OC=`` parameters and any literal occurrence of the key.

    >>> mask_text("/DRF/lawService.do?OC=kim.law&target=law", "kim.law")
    '/DRF/lawService.do?OC=***&target=law'
    >>> mask_text("error for kim.law", "kim.law")
    'error for ***'
    """
    text = _OC_PARAM.sub(r"\1" + MASK, text)
    if oc:
        for form in _forms(oc):
            text = text.replace(form, MASK)
    return text


def mask_bytes(body: bytes, oc: str | None) -> bytes:
    """:func:`mask_text` on a raw (UTF-8) response body.

    >>> mask_bytes(b"<a>OC=kim&amp;x</a><b>kim</b>", "kim")
    b'<a>OC=***&amp;x</a><b>***</b>'
    """
    body = _OC_PARAM_BYTES.sub(rb"\1" + MASK.encode(), body)
    if oc:
        for form in _forms(oc):
            body = body.replace(form.encode("utf-8"), MASK.encode())
    return body


def mask_record(record: logging.LogRecord, oc: str | None,
                formatter: logging.Formatter | None = None) -> logging.LogRecord:
    """Rewrite a log record in place with the key masked (message, traceback, stack)."""
    try:
        record.msg = mask_text(record.getMessage(), oc)
        record.args = None
    except (TypeError, ValueError):  # a malformed record: mask what is there
        record.msg = mask_text(str(record.msg), oc)
    if record.exc_info and not record.exc_text:
        record.exc_text = (formatter or logging.Formatter()).formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text, oc)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info, oc)
    return record


class MaskSecretFilter(logging.Filter):
    """A handler filter applying :func:`mask_record` (for handlers of your own)."""

    def __init__(self, oc: str | None):
        super().__init__()
        self.oc = oc

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record, self.oc)
        return True


def install_log_mask(oc: str | None) -> None:
    """Mask the key in every log record from now on, whatever handler writes it.

    A record class rather than a handler filter: Scrapy replaces its root
    handler when a crawl starts, and masking happens only when a record is
    actually written (Scrapy creates DEBUG records even when they are dropped).
    """
    current = logging.getLogRecordFactory()
    if getattr(current, "masks_oc", object()) == oc:
        return

    class MaskedLogRecord(logging.LogRecord):
        def getMessage(self) -> str:  # noqa: N802 - logging's name
            return mask_text(super().getMessage(), oc)

        @property
        def exc_text(self) -> str | None:
            return self._exc_text

        @exc_text.setter
        def exc_text(self, value: str | None) -> None:
            self._exc_text = mask_text(value, oc) if value else value

        @property
        def stack_info(self) -> str | None:
            return self._stack_info

        @stack_info.setter
        def stack_info(self, value: str | None) -> None:
            self._stack_info = mask_text(value, oc) if value else value

    MaskedLogRecord.masks_oc = oc
    logging.setLogRecordFactory(MaskedLogRecord)
