"""News: NIKL (모두의 말뭉치) newspaper JSON, and korpus crawl folders (Parquet)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from crawlers.readers.base import InputShard, Reader, expand_path
from crawlers.readers.files import open_binary
from crawlers.readers.parquet import CorpusParquetReader
from korpus.schema import Record, make_id
from korpus.stats import Stats


class NewsReader(Reader):
    """``*.json`` in the NIKL newspaper layout; ``*.parquet`` from ``korpus crawl news``."""

    kind = "news"
    suffixes = (".json", ".json.gz", ".parquet")
    option_defaults = {"encoding": "utf-8"}

    def plan(self, path: str) -> list[InputShard]:
        return [self.shard(f) for f in expand_path(path, self.suffixes)]

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        if shard.path.endswith(".parquet"):
            yield from CorpusParquetReader(source_name=self.kind).read(shard, stats)
            return
        try:
            with open_binary(shard.path) as fh:
                data = json.loads(fh.read().decode(shard.option("encoding") or "utf-8"))
        except (ValueError, OSError, EOFError) as err:
            stats.problem(shard.path, f"unreadable NIKL JSON ({err}); file skipped", source=self.kind)
            return
        for doc in data.get("document", []) if isinstance(data, dict) else []:
            rec = nikl_record(doc, Path(shard.path).name)
            if rec is None:
                stats.problem(shard.path, "a document without id or paragraphs; skipped", source=self.kind)
                continue
            yield rec


def nikl_record(doc: dict, file_name: str) -> Record | None:
    paragraphs = [p.get("form", "") for p in doc.get("paragraph", []) if isinstance(p, dict)]
    paragraphs = [p for p in paragraphs if p and p.strip()]
    if not doc.get("id") or not paragraphs:
        return None
    meta = doc.get("metadata", {}) or {}
    return Record(
        id=make_id("news", doc["id"]),
        source="news",
        text="\n".join(paragraphs),
        title=meta.get("title"),
        date=_nikl_date(meta.get("date")),
        meta={k: meta[k] for k in ("author", "publisher", "topic") if meta.get(k)} | {"file": file_name},
    )


def _nikl_date(value: object) -> str | None:
    """NIKL dates are ``YYYYMMDD``; keep ISO ``YYYY-MM-DD``.

    >>> _nikl_date("20200131")
    '2020-01-31'
    """
    s = str(value or "")
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}" if len(s) == 8 and s.isdigit() else (s or None)
