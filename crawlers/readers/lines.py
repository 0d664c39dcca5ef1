"""Line-oriented sources: plain text and JSON Lines (comments live in ``comments.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from korpus.core.errors import ConfigError
from korpus.core.schema import Record, make_id
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import RANGE_BYTES, InputShard, Reader
from korpus.crawlers.readers.encoding import AUTO, check_encoding
from korpus.crawlers.readers.fields import FieldMap, mapped_record, missing_text
from korpus.crawlers.readers.files import (
    INVALID_BYTES,
    doc_stem,
    encoding_hint,
    file_stem,
    iter_lines,
    note_file,
    plan_line_ranges,
    shard_encoding,
)

TEXT_OPTIONS = {"encoding": AUTO, "invalid_bytes": "replace"}


class LineReader(Reader):
    """Common options of line readers: ``encoding`` (auto, utf-8, cp949...) and ``invalid_bytes``."""

    range_bytes: ClassVar[int] = RANGE_BYTES  # byte range per shard of a big plain file

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.options["encoding"] = check_encoding(self.options["encoding"], self.kind)
        if self.options["invalid_bytes"] not in INVALID_BYTES:
            raise ConfigError(f"source kind '{self.kind}': invalid_bytes must be one of {', '.join(INVALID_BYTES)}"
                              f" (got {self.options['invalid_bytes']!r})")

    def file_hints(self, f: Path) -> dict[str, Any]:
        return encoding_hint(self.options["encoding"], f)

    def lines(self, shard: InputShard, stats: Stats) -> Iterator[tuple[int, str]]:
        """The shard's lines, after counting the file and reporting it if empty."""
        encoding = shard_encoding(shard)
        if not note_file(shard, stats, self.kind, encoding):
            return iter(())
        return iter_lines(shard, stats, self.kind, encoding)


class TextReader(LineReader):
    """Plain text; documents separated by blank lines. Id: ``text/<file stem>:<first line>``."""

    kind = "text"
    suffixes = (".txt", ".txt.gz", ".txt.bz2")
    option_defaults = dict(TEXT_OPTIONS)

    # One shard per file keeps blank-line documents whole.
    def plan(self, path: str) -> list[InputShard]:
        return plan_line_ranges(self, path, range_bytes=1 << 62, hints=self.file_hints)

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        stem = doc_stem(shard)
        lines: list[str] = []
        first = 0
        for lineno, line in self.lines(shard, stats):
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


class JsonlReader(LineReader):
    """JSON Lines with a text field and optional id/title/date/url fields."""

    kind = "jsonl"
    suffixes = (".jsonl", ".jsonl.gz", ".jsonl.bz2", ".json")
    option_defaults = {
        **TEXT_OPTIONS,
        "text_field": "text",
        "id_field": "id",
        "title_field": "title",
        "date_field": "date",
        "url_field": "url",
        "source_name": "jsonl",
    }

    def plan(self, path: str) -> list[InputShard]:
        return plan_line_ranges(self, path, self.range_bytes, hints=self.file_hints)

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        yield from read_jsonl(self, shard, stats, self.options["source_name"])


def read_jsonl(reader: LineReader, shard: InputShard, stats: Stats, source: str) -> Iterator[Record]:
    """Records of a JSON Lines shard under ``reader``'s field options; bad lines skipped and reported."""
    fields = FieldMap.from_options(reader.options)
    stem = doc_stem(shard)
    for lineno, line in reader.lines(shard, stats):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            stats.problem(shard.path, f"invalid JSON ({err.msg}); line skipped", line=lineno, source=reader.kind)
            continue
        rec = mapped_record(obj, fields, reader.kind, source, f"{stem}:{lineno}") if isinstance(obj, dict) else None
        if rec is None:
            why = missing_text(fields, obj) if isinstance(obj, dict) else "not a JSON object"
            stats.problem(shard.path, f"{why}; line skipped", line=lineno, source=reader.kind)
            continue
        if not rec.text.strip():
            stats.drop("read", reader.kind, "empty_text")
            continue
        yield rec


__all__ = ["JsonlReader", "LineReader", "TextReader", "file_stem", "read_jsonl"]
