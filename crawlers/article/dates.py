"""Publication dates as written on news pages, turned into ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime

_LOOSE = re.compile(
    r"(?P<y>\d{4})\s*[-./년]\s*(?P<m>\d{1,2})\s*[-./월]\s*(?P<d>\d{1,2})\s*[일.]?"
    r"(?:[T\s]*(?P<ampm>오전|오후|AM|PM)?\s*(?P<H>\d{1,2})\s*[:시]\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?)?"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 from the forms news sites use; ``None`` if there is no date in it.

    >>> normalize_date("2024-01-05T10:30:00+09:00")
    '2024-01-05T10:30:00+09:00'
    >>> normalize_date("2024-01-05T01:30:00Z")
    '2024-01-05T01:30:00+00:00'
    >>> normalize_date("입력 2024.01.05 10:30")
    '2024-01-05T10:30:00'
    >>> normalize_date("기사입력 2024.01.05. 오후 3:07")
    '2024-01-05T15:07:00'
    >>> normalize_date("2024년 1월 5일"), normalize_date("20240105"), normalize_date("어제")
    ('2024-01-05', '2024-01-05', None)
    """
    if not value:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).isoformat() if "T" in text or " " in text.strip() \
            else date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    if m := _COMPACT.match(text):
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _LOOSE.search(text):
        day = _valid(int(m["y"]), int(m["m"]), int(m["d"]))
        hour = int(m["H"]) if m["H"] is not None else None
        if hour is not None and m["ampm"] in ("오후", "PM") and hour < 12:
            hour += 12
        if day and hour is not None and hour < 24:
            return f"{day}T{hour:02d}:{m['M']}:{m['S'] or '00'}"
        return day
    return None


def day_of(iso: str | None) -> str | None:
    """The ``YYYY-MM-DD`` part, for comparing with ``--since``.

    >>> day_of("2024-01-05T10:30:00+09:00"), day_of(None)
    ('2024-01-05', None)
    """
    return iso[:10] if iso else None


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None
