"""Line-oriented sources: comments (one per line), plain text, JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from crawlers.readers.base import InputShard, Reader
from crawlers.readers.files import iter_lines, plan_line_ranges
from korpus.schema import Record, make_id
from korpus.stats import Stats


class CommentsReader(Reader):
    """One comment per line (the KcBERT dump layout). Id: ``comments/<file stem>:<line>``."""

    kind = "comments"
    suffixes = (".txt", ".txt.gz", ".txt.bz2", ".tsv")
    option_defaults = {"encoding": "utf-8"}

    def plan(self, path: str) -> list[InputShard]:
        return plan_line_ranges(self, path)

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        stem = _stem(shard.path)
        for lineno, line in iter_lines(shard, stats, self.kind):
            stats.add("read", self.kind, "lines")
            if not line.strip():
                continue
            yield Record(id=make_id(self.kind, f"{stem}:{lineno}"), source=self.kind, text=line)


class TextReader(Reader):
    """Plain text; documents separated by blank lines. Id: ``text/<file stem>:<first line>``."""

    kind = "text"
    suffixes = (".txt", ".txt.gz", ".txt.bz2")
    option_defaults = {"encoding": "utf-8"}

    # The base plan (one shard per file) keeps blank-line documents whole.

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        stem = _stem(shard.path)
        lines: list[str] = []
        first = 0
        for lineno, line in iter_lines(shard, stats, self.kind):
            if line.strip():
                if not lines:
                    first = lineno
                lines.append(line)
            elif lines:
                yield self._record(stem, first, lines)
                lines = []
        if lines:
            yield self._record(stem, first, lines)

    def _record(self, stem: str, first: int, lines: list[str]) -> Record:
        return Record(id=make_id(self.kind, f"{stem}:{first}"), source=self.kind, text="\n".join(lines))


class JsonlReader(Reader):
    """JSON Lines with a text field and optional id/title/date/url fields."""

    kind = "jsonl"
    suffixes = (".jsonl", ".jsonl.gz", ".jsonl.bz2", ".json")
    option_defaults = {
        "encoding": "utf-8",
        "text_field": "text",
        "id_field": "id",
        "title_field": "title",
        "date_field": "date",
        "url_field": "url",
        "source_name": "jsonl",
    }

    def plan(self, path: str) -> list[InputShard]:
        return plan_line_ranges(self, path)

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        o = self.options | dict(shard.options)
        stem = _stem(shard.path)
        for lineno, line in iter_lines(shard, stats, self.kind):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                stats.problem(shard.path, f"invalid JSON ({err.msg}); line skipped", line=lineno, source=self.kind)
                continue
            rec = self._record(obj, o, stem, lineno)
            if rec is None:
                stats.problem(shard.path, f"no string field '{o['text_field']}'; line skipped",
                              line=lineno, source=self.kind)
                continue
            yield rec

    def _record(self, obj: object, o: dict, stem: str, lineno: int) -> Record | None:
        if not isinstance(obj, dict) or not isinstance(obj.get(o["text_field"]), str):
            return None
        native = obj.get(o["id_field"])
        native = f"{stem}:{lineno}" if native in (None, "") else native
        known = {o["text_field"], o["id_field"], o["title_field"], o["date_field"], o["url_field"]}
        return Record(
            id=make_id(self.kind, native),
            source=o["source_name"],
            text=obj[o["text_field"]],
            title=_str_or_none(obj.get(o["title_field"])),
            date=_str_or_none(obj.get(o["date_field"])),
            url=_str_or_none(obj.get(o["url_field"])),
            meta={k: v for k, v in obj.items() if k not in known},
        )


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _stem(path: str) -> str:
    name = Path(path).name
    for suffix in (".gz", ".bz2", ".txt", ".tsv", ".jsonl", ".json"):
        name = name.removesuffix(suffix)
    return name
