"""Comments: the KcBERT dump (one comment per line) and TSV layouts with a header.

TSV layouts are told by their header: NSMC ``id<TAB>document<TAB>label``,
korean-hate-speech ``comments<TAB>contain_gender_bias<TAB>bias<TAB>hate``
(its unlabeled files are one comment per line, like KcBERT). The plan reads
the header once and hands it to every byte range of the file, so a 12 GB file
is read by all workers at once whatever its layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from korpus.core.errors import ConfigError
from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.crawlers.readers.base import InputShard
from korpus.crawlers.readers.files import doc_stem, plan_line_ranges
from korpus.crawlers.readers.lines import TEXT_OPTIONS, LineReader
from korpus.crawlers.readers.streams import read_prefix

LAYOUTS = ("auto", "lines", "tsv")
TEXT_COLUMNS = ("document", "comments", "comment", "text", "content", "sentence", "review")
ID_COLUMNS = ("id",)


class CommentsReader(LineReader):
    """Ids: ``comments/<file stem>:<line>``, or ``comments/<file stem>:<id column>`` for TSV with ids."""

    kind = "comments"
    suffixes = (".txt", ".txt.gz", ".txt.bz2", ".tsv", ".tsv.gz", ".tsv.bz2")
    option_defaults = {**TEXT_OPTIONS, "layout": "auto", "text_field": None, "id_field": None}

    def __init__(self, **options: Any):
        super().__init__(**options)
        if self.options["layout"] not in LAYOUTS:
            raise ConfigError(f"source kind 'comments': layout must be one of {', '.join(LAYOUTS)}"
                              f" (got {self.options['layout']!r})")

    def plan(self, path: str) -> list[InputShard]:
        return plan_line_ranges(self, path, self.range_bytes, hints=self.file_hints)

    def file_hints(self, f: Path) -> dict[str, Any]:
        hints = super().file_hints(f)
        if self.options["layout"] == "lines":
            return hints
        columns = self._header(f, hints.get("encoding") or self.options["encoding"])
        if columns is not None:
            hints["columns"] = columns
        elif self.options["layout"] == "tsv":
            raise ConfigError(f"{f}: layout 'tsv' needs a header line with a text column"
                              f" ({', '.join(TEXT_COLUMNS)}) or text_field set")
        return hints

    def _header(self, f: Path, encoding: str) -> tuple[str, ...] | None:
        """The TSV header of ``f`` if its first line is one (has a text column), else None."""
        try:
            first = read_prefix(f, 4096).split(b"\n", 1)[0]
        except OSError:
            return None
        columns = tuple(c.strip() for c in first.removeprefix(b"\xef\xbb\xbf").decode(
            "utf-8" if encoding == "auto" else encoding, errors="replace").rstrip("\r").split("\t"))
        tsv = f.name.removesuffix(".gz").removesuffix(".bz2").endswith(".tsv")
        if len(columns) < 2 and not (tsv and columns[0] in TEXT_COLUMNS):  # test.no_label.tsv: "comments"
            return None
        for option in ("text_field", "id_field"):
            wanted = self.options[option]
            if wanted and wanted not in columns:
                raise ConfigError(f"{f}: {option} {wanted!r} is not a column (header: {', '.join(columns)})")
        if self.options["text_field"] or set(TEXT_COLUMNS) & set(columns):
            return columns
        return None

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        columns = shard.hint("columns")
        rows = self._tsv(shard, stats, columns) if columns else self._lines(shard, stats)
        empty = 0
        try:
            for rec in rows:
                if rec is None:
                    empty += 1
                else:
                    yield rec
        finally:
            if empty:
                stats.drop("read", self.kind, "empty_line", empty)

    def _lines(self, shard: InputShard, stats: Stats) -> Iterator[Record | None]:
        prefix = f"{self.kind}/{doc_stem(shard)}:"
        for lineno, line in self.lines(shard, stats):
            if not line or line.isspace():
                yield None
                continue
            yield Record(id=f"{prefix}{lineno}", source=self.kind, text=line)

    def _tsv(self, shard: InputShard, stats: Stats, columns: tuple[str, ...]) -> Iterator[Record | None]:
        text_i = columns.index(self.options["text_field"] or next(c for c in TEXT_COLUMNS if c in columns))
        id_name = self.options["id_field"] or next((c for c in ID_COLUMNS if c in columns), None)
        id_i = columns.index(id_name) if id_name else None
        others = [(i, c) for i, c in enumerate(columns) if i not in (text_i, id_i)]
        prefix = f"{self.kind}/{doc_stem(shard)}:"
        for lineno, line in self.lines(shard, stats):
            if lineno == 1:
                continue  # the header
            fields = line.split("\t")
            if len(fields) != len(columns):
                stats.problem(shard.path, f"{len(fields)} fields, header has {len(columns)}; line skipped",
                              line=lineno, source=self.kind)
                continue
            text = fields[text_i]
            if not text or text.isspace():
                yield None
                continue
            native = fields[id_i] if id_i is not None and fields[id_i] else lineno
            yield Record(id=f"{prefix}{native}", source=self.kind, text=text,
                         meta={c: fields[i] for i, c in others if fields[i]})

