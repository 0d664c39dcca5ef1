"""News: NIKL (모두의 말뭉치) newspaper JSON, generic JSONL/CSV/Parquet, WARC and saved HTML pages.

The format is told by the file name: ``.json`` NIKL (or a JSON array of
article objects), ``.jsonl``, ``.csv``/``.tsv``, ``.parquet`` (korpus crawl
folders as they are, other Parquet through the field mapping), ``.warc``
and ``.html``; each has its own reading function (:data:`READ_FORMAT`).
Field options (``text_field``, ``id_field``, ``title_field``, ``date_field``,
``url_field``) name the keys of generic rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import InputShard, Reader, expand_path
from korpus.crawlers.readers.fields import FIELD_OPTIONS
from korpus.crawlers.readers.files import plan_line_ranges, stem_hint
from korpus.crawlers.readers.lines import TEXT_OPTIONS, LineReader, read_jsonl
from korpus.crawlers.readers.news_json import read_news_json
from korpus.crawlers.readers.news_pages import read_news_html, read_news_warc
from korpus.crawlers.readers.tabular import read_csv, read_parquet

FORMATS = {".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet",
           ".warc": "warc", ".html": "html", ".htm": "html"}


def format_of(path: str | Path) -> str | None:
    """The news format a file name says, compression suffix aside.

    >>> format_of("a/NIRW1900000001.json"), format_of("crawl.warc.gz"), format_of("x.txt")
    ('json', 'warc', None)
    """
    name = str(path).removesuffix(".gz").removesuffix(".bz2")
    return next((fmt for suffix, fmt in FORMATS.items() if name.endswith(suffix)), None)


def _read_news_parquet(reader: Reader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    stats.add("read", source, "files")
    yield from read_parquet(reader, shard, stats, source)


ReadFormat = Callable[[Reader, InputShard, Stats, str], Iterator[Record]]
# format -> reader of one shard: (reader, shard, stats, source kind) -> records
READ_FORMAT: dict[str, ReadFormat] = {
    "json": read_news_json, "jsonl": read_jsonl, "csv": read_csv, "parquet": _read_news_parquet,
    "warc": read_news_warc, "html": read_news_html,
}


class NewsReader(LineReader):
    kind = "news"
    suffixes = (*(s + c for s in (".json", ".jsonl", ".csv", ".tsv", ".html", ".htm") for c in ("", ".gz", ".bz2")),
                ".parquet", ".warc", ".warc.gz")
    option_defaults = {**TEXT_OPTIONS, **FIELD_OPTIONS}

    def plan(self, path: str) -> list[InputShard]:
        shards: list[InputShard] = []
        for f in expand_path(path, self.suffixes):
            if format_of(f) == "jsonl":  # byte ranges, like every line format
                shards.extend(plan_line_ranges(self, str(f), self.range_bytes,
                                               hints=lambda g: {**self.file_hints(g), **stem_hint(g, path)}))
            else:  # one shard per file, with the encoding found once
                shards.append(self.shard(f, hints={**self.file_hints(f), **stem_hint(f, path)}))
        return shards

    def file_hints(self, f: Path) -> dict[str, Any]:
        if format_of(f) in ("html", "warc", "parquet"):  # they say their encoding, or have none
            return {}
        return super().file_hints(f)

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        read_format = READ_FORMAT.get(format_of(shard.path))
        if read_format is not None:
            yield from read_format(self, shard, stats, self.kind)
