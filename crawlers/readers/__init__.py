"""Streaming readers, one per source kind, behind one registry.

``reader_for(kind, **options)`` returns a :class:`~crawlers.readers.base.Reader`.
Modules are imported on demand so a build loads only what its sources need.
"""

from __future__ import annotations

import importlib
from typing import Any

from crawlers.readers.base import InputShard, Reader
from korpus.errors import ConfigError

READERS: dict[str, str] = {
    "comments": "crawlers.readers.comments:CommentsReader",
    "text": "crawlers.readers.lines:TextReader",
    "jsonl": "crawlers.readers.lines:JsonlReader",
    "wiki": "crawlers.readers.wiki:WikiReader",
    "news": "crawlers.readers.news:NewsReader",
    "law": "crawlers.readers.law:LawReader",
    "parquet": "crawlers.readers.parquet:CorpusParquetReader",
}

__all__ = ["READERS", "InputShard", "Reader", "apply_reader_flags", "reader_class", "reader_for"]


def reader_class(kind: str) -> type[Reader]:
    try:
        target = READERS[kind]
    except KeyError:
        raise ConfigError(f"unknown source kind '{kind}' (known: {', '.join(sorted(READERS))})") from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)


def reader_for(kind: str, **options) -> Reader:
    return reader_class(kind)(**options)


def apply_reader_flags(sources: list, flags: dict[str, Any]) -> None:
    """Set each given flag (``{"text_field": "body"}``) on every source whose reader takes it.

    Sources are ``SourceSpec``-like (``kind``, ``options``); flags override their
    options. A flag that no source takes is a ConfigError naming it.
    """
    for name, value in flags.items():
        if value is None:
            continue
        takers = [s for s in sources if name in reader_class(s.kind).option_defaults]
        if not takers:
            kinds = sorted(k for k in READERS if name in reader_class(k).option_defaults)
            flag = "--" + name.replace("_", "-")
            raise ConfigError(f"{flag}: no source takes it (kinds that do: {', '.join(kinds)})")
        for spec in takers:
            spec.options[name] = value
