"""Evaluation-set files: the examples a corpus must not contain.

Three layouts: JSONL (``.jsonl``/``.json``: one object per line), a TSV or CSV
with a header (``.csv``, or a first line with tabs naming the text column: the
NSMC layout ``id document label``, the Korean Hate Speech layout ``comments
...``), or plain lines (one example per line). Every problem is an
:class:`~korpus.core.errors.InputError` naming the file and the line.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from korpus.core.errors import ConfigError, InputError

# Header columns tried, in order, when no text field is given.
TEXT_FIELDS = ("document", "comments", "text", "sentence")
JSON_SUFFIXES = (".jsonl", ".json")


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set: its name, file and examples as ``(line number, text)``."""

    name: str
    path: str
    examples: list[tuple[int, str]]


def read_eval_set(name: str, path: str | Path, text_field: str | None = None,
                  encoding: str = "utf-8") -> EvalSet:
    """Read an evaluation file; missing, empty or without the text field is an error."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), f"evaluation set {name!r}: no such file")
    lines = _lines(path, encoding)
    if path.suffix.lower() in JSON_SUFFIXES:
        examples = _jsonl(path, lines, text_field or "text")
    else:
        examples = _table_or_lines(path, lines, text_field)
    if not examples:
        raise InputError(str(path), f"evaluation set {name!r}: no examples in this file")
    return EvalSet(name, str(path), examples)


def _lines(path: Path, encoding: str) -> list[str]:
    out = []
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, start=1):
            try:
                out.append(raw.decode(encoding).rstrip("\r\n"))
            except UnicodeDecodeError as err:
                raise InputError(str(path), f"not valid {encoding} ({err.reason})", line=n) from None
    return out


def _jsonl(path: Path, lines: list[str], field: str) -> list[tuple[int, str]]:
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(str(path), f"not JSON ({err.msg})", line=n) from None
        if not isinstance(obj, dict) or field not in obj:
            raise InputError(str(path), f"no field {field!r} (set text_field)", line=n)
        if not isinstance(obj[field], str):
            raise InputError(str(path), f"field {field!r} is not a string", line=n)
        out.append((n, obj[field]))
    return out


def _table_or_lines(path: Path, lines: list[str], text_field: str | None) -> list[tuple[int, str]]:
    if not lines:
        return []
    is_csv = path.suffix.lower() == ".csv"
    delimiter = "," if is_csv else "\t"
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    if not is_csv and len(header) < 2:
        if text_field is not None:
            raise InputError(str(path), f"no header with a {text_field!r} column (a plain-lines file?)", line=1)
        return [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    column = _column(path, header, text_field)
    out = []
    quoting = csv.QUOTE_MINIMAL if is_csv else csv.QUOTE_NONE
    rows = csv.reader(lines[1:], delimiter=delimiter, quoting=quoting)
    for row in rows:
        line = rows.line_num + 1  # the header is line 1
        if not row:
            continue
        if len(row) <= column:
            raise InputError(str(path), f"{len(row)} columns, the header has {len(header)}", line=line)
        out.append((line, row[column]))
    return out


def _column(path: Path, header: list[str], text_field: str | None) -> int:
    names = [h.strip() for h in header]
    wanted = [text_field] if text_field is not None else list(TEXT_FIELDS)
    for name in wanted:
        if name in names:
            return names.index(name)
    raise InputError(str(path), f"no column {' or '.join(map(repr, wanted))} in the header "
                                f"({', '.join(names)}); set text_field", line=1)


def parse_eval_flag(value: str, flag: str = "--against") -> tuple[str, str]:
    """``NAME=PATH`` from the command line.

    >>> parse_eval_flag("nsmc=data/ratings_test.txt")
    ('nsmc', 'data/ratings_test.txt')
    """
    name, sep, path = value.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise ConfigError(f"{flag} {value!r}: expected NAME=PATH, e.g. nsmc=data/ratings_test.txt")
    return name.strip(), path.strip()
