"""Streaming readers, one per source kind, behind one registry.

``reader_for(kind, **options)`` returns a :class:`~crawlers.readers.base.Reader`.
Modules are imported on demand so a build loads only what its sources need.
"""

from __future__ import annotations

import importlib

from crawlers.readers.base import InputShard, Reader
from korpus.errors import ConfigError

READERS: dict[str, str] = {
    "comments": "crawlers.readers.lines:CommentsReader",
    "text": "crawlers.readers.lines:TextReader",
    "jsonl": "crawlers.readers.lines:JsonlReader",
    "wiki": "crawlers.readers.wiki:WikiReader",
    "news": "crawlers.readers.news:NewsReader",
    "law": "crawlers.readers.law:LawReader",
    "parquet": "crawlers.readers.parquet:CorpusParquetReader",
}

__all__ = ["READERS", "InputShard", "Reader", "reader_for"]


def reader_for(kind: str, **options) -> Reader:
    try:
        target = READERS[kind]
    except KeyError:
        raise ConfigError(f"unknown source kind '{kind}' (known: {', '.join(sorted(READERS))})") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)(**options)
