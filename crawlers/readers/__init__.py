"""Streaming readers, one per source kind, behind one registry.

``reader_for(kind, **options)`` returns a :class:`~korpus.crawlers.readers.base.Reader`.
Modules are imported on demand so a build loads only what its sources need.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from korpus.core.errors import ConfigError, did_you_mean
from korpus.crawlers.readers.base import InputShard, Reader


@dataclass(frozen=True)
class SourceKind:
    target: str  # "module:Class", imported on demand
    what: str  # one line for help texts


# The one list of source kinds: config checks, `korpus build --help` and reader_for read it.
READERS: dict[str, SourceKind] = {
    "wiki": SourceKind("korpus.crawlers.readers.wiki:WikiReader", "kowiki XML dump (.bz2 too)"),
    "news": SourceKind("korpus.crawlers.readers.news:NewsReader",
                       "NIKL JSON, news JSONL/CSV/Parquet, WARC, saved HTML, a `korpus crawl news` folder"),
    "comments": SourceKind("korpus.crawlers.readers.comments:CommentsReader",
                           "one comment per line (the KcBERT dump; NSMC TSV)"),
    "law": SourceKind("korpus.crawlers.readers.law:LawReader",
                      "a `korpus crawl law` folder or saved lawService.do XML"),
    "jsonl": SourceKind("korpus.crawlers.readers.lines:JsonlReader", "one JSON object per line"),
    "text": SourceKind("korpus.crawlers.readers.lines:TextReader", "documents separated by blank lines"),
    "parquet": SourceKind("korpus.crawlers.readers.parquet:CorpusParquetReader",
                          "Parquet in the korpus record schema"),
}

__all__ = ["READERS", "InputShard", "Reader", "SourceKind", "apply_reader_flags", "check_kind", "reader_class",
           "reader_for"]


def check_kind(kind: str, where: str = "--source") -> None:
    if kind not in READERS:
        raise ConfigError(f"{where}: unknown source kind '{kind}' (known: {', '.join(READERS)})"
                          f"{did_you_mean(kind, READERS)}")


def reader_class(kind: str) -> type[Reader]:
    check_kind(kind, "source")
    module, cls = READERS[kind].target.split(":")
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
