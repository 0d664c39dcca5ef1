"""Errors korpus raises on purpose, each with a message a user can act on."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: object, known: Iterable[str]) -> str:
    """A hint naming the closest known word to a mistyped one, or "".

    >>> did_you_mean("fats", ["fast", "rules", "none"])
    "; did you mean 'fast'?"
    >>> did_you_mean("zzz", ["fast", "rules"])
    ''
    """
    close = difflib.get_close_matches(str(value), list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class KorpusError(Exception):
    """Base class: the CLI prints these as one clear line and exits non-zero."""

    exit_code = 1


class ConfigError(KorpusError):
    """A bad option or config key; names the key and the file."""

    exit_code = 2


class InputError(KorpusError):
    """A problem in an input file, with the file and the place in it."""

    def __init__(self, path: str, message: str, offset: int | None = None, line: int | None = None):
        self.path = str(path)
        self.offset = offset
        self.line = line
        self.detail = message
        super().__init__(self.describe())

    def describe(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.offset is not None:
            where += f", byte offset {self.offset}"
        return f"{where}: {self.detail}"


class OutputError(KorpusError):
    """An output could not be written (full disk, read-only folder...); nothing partial is left."""
