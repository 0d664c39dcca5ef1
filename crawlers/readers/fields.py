"""Field mapping: records from JSON objects, CSV rows and Parquet rows with named fields.

A field option names the key to read (``text_field = "body"``); left empty,
the first of a few usual names that the row has is used.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from korpus.core.schema import Record, make_id

# Usual names, first match wins, for fields the user did not name.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article", "document", "contents"),
    "id": ("id", "doc_id", "article_id", "uid"),
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "pub_date", "datetime"),
    "url": ("url", "link", "source_url"),
}
FIELD_OPTIONS = {f"{name}_field": None for name in CANDIDATES}


@dataclass(frozen=True)
class FieldMap:
    """Which key holds each record field; ``None``: pick from :data:`CANDIDATES`."""

    text: str | None = None
    id: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> FieldMap:
        return cls(**{name: options.get(f"{name}_field") or None for name in CANDIDATES})

    def key(self, name: str, row: Mapping[str, Any]) -> str | None:
        """The key of field ``name`` in ``row``: the named one, else the first usual name present.

        >>> FieldMap().key("text", {"body": "x"}), FieldMap(text="본문").key("text", {"text": "x"})
        ('body', '본문')
        """
        given = getattr(self, name)
        if given:
            return given
        return next((k for k in CANDIDATES[name] if k in row), None)

    def for_columns(self, columns: list[str]) -> FieldMap:
        """Resolved once for a table whose columns are known.

        >>> FieldMap().for_columns(["id", "content", "headline"])
        FieldMap(text='content', id='id', title='headline', date=None, url=None)
        """
        present = dict.fromkeys(columns)
        return FieldMap(**{name: self.key(name, present) for name in CANDIDATES})


def mapped_record(row: Mapping[str, Any], fields: FieldMap, kind: str, source: str,
                  fallback_id: str) -> Record | None:
    """A record from one row, or None when the row has no text (string) in its text field."""
    keys = {name: fields.key(name, row) for name in CANDIDATES}
    text = row.get(keys["text"]) if keys["text"] else None
    if not isinstance(text, str):
        return None
    native = row.get(keys["id"]) if keys["id"] else None
    used = {k for k in keys.values() if k}
    return Record(
        id=make_id(kind, fallback_id if native in (None, "") else native),
        source=source,
        text=text,
        title=_str_or_none(row.get(keys["title"])) if keys["title"] else None,
        date=_str_or_none(row.get(keys["date"])) if keys["date"] else None,
        url=_str_or_none(row.get(keys["url"])) if keys["url"] else None,
        meta={k: plain(v) for k, v in row.items() if k not in used and v is not None},
    )


def missing_text(fields: FieldMap, row: Mapping[str, Any]) -> str:
    """Why a row has no text, for the problem message."""
    keys = ", ".join(map(str, row)) or "none"
    if fields.text:
        return f"no string field '{fields.text}' (keys: {keys}; name the text's with --text-field or text_field)"
    return (f"no text field (looked for {', '.join(CANDIDATES['text'])}; keys: {keys}; "
            "name the text's with --text-field or text_field)")


def plain(value: Any) -> Any:
    """A JSON-friendly value: dates as ISO text, decimals as floats, the rest as is."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    value = plain(value)
    return value if isinstance(value, str) else str(value)
