"""The corpus record: one document per row, in one explicit Arrow schema.

Every reader yields :class:`Record`; every writer writes :data:`CORPUS_SCHEMA`.
Ids are ``<kind>/<native id>`` so a row traces back to its input
(``wiki/<page id>``, ``law/<target>/<MST>``, ``comments/<file>:<line>``,
``jsonl/<id field>``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

SCHEMA_VERSION = "1"

CORPUS_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("url", pa.string()),
        pa.field("date", pa.string()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("sentences", pa.list_(pa.string()), nullable=False),
        pa.field("meta", pa.string()),
    ],
    metadata={b"korpus.schema_version": SCHEMA_VERSION.encode()},
)

COLUMNS = tuple(CORPUS_SCHEMA.names)


@dataclass(slots=True)
class Record:
    """One document. ``meta`` holds everything that has no column of its own."""

    id: str
    source: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    sentences: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "url": self.url,
            "date": self.date,
            "text": self.text,
            "sentences": self.sentences,
            "meta": json.dumps(self.meta, ensure_ascii=False, sort_keys=True) if self.meta else None,
        }


def records_to_table(records: Iterable[Record]) -> pa.Table:
    """Columns built directly (faster than a list of row dicts)."""
    cols: dict[str, list] = {name: [] for name in COLUMNS}
    for rec in records:
        for name, value in rec.as_row().items():
            cols[name].append(value)
    return pa.Table.from_pydict(cols, schema=CORPUS_SCHEMA)


def table_to_records(table: pa.Table) -> Iterator[Record]:
    for row in table.to_pylist():
        meta = row.get("meta")
        yield Record(
            id=row["id"],
            source=row["source"],
            text=row["text"],
            title=row.get("title"),
            url=row.get("url"),
            date=row.get("date"),
            sentences=list(row.get("sentences") or []),
            meta=json.loads(meta) if meta else {},
        )


def make_id(kind: str, native_id: object) -> str:
    """``make_id("wiki", 42)`` -> ``"wiki/42"``.

    >>> make_id("jsonl", "a-1")
    'jsonl/a-1'
    """
    return f"{kind}/{native_id}"
