"""The writers, by ``--format`` name, and how an ``--out`` name picks one.

``--out X.parquet`` or ``X.jsonl[.gz|.zst]`` is one file in the format its name
says; any other name (or one ending in ``/``, or an existing folder) is a folder
of ``part-00000<suffix>``... files, Parquet unless ``--format`` says otherwise.
``--format jsonl`` takes any compression a file name adds (``c.jsonl.gz``); a
folder's compression is in the format name (``--format jsonl.gz``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from korpus.build.writers.base import Writer
from korpus.build.writers.jsonl import JsonlWriter
from korpus.build.writers.parquet import ParquetWriter
from korpus.core.errors import ConfigError
from korpus.core.layout import corpus_stem

WRITERS: dict[str, Writer] = {
    w.name: w for w in (ParquetWriter(), JsonlWriter(), JsonlWriter(".gz"), JsonlWriter(".zst"))
}
DEFAULT_FORMAT = "parquet"
# Longest first, so "c.jsonl.gz" is jsonl.gz and not a folder.
_BY_SUFFIX = sorted(WRITERS.values(), key=lambda w: -len(w.suffix))
_PART = re.compile(r"part-\d{5,}(" + "|".join(re.escape(w.suffix) for w in _BY_SUFFIX) + ")")

__all__ = ["DEFAULT_FORMAT", "WRITERS", "Output", "Writer", "format_of_name", "is_part_name", "resolve_output",
           "writer_for"]


@dataclass(frozen=True)
class Output:
    """Where a build writes its corpus, and with which writer."""

    path: Path
    writer: Writer
    as_dir: bool

    def part(self, index: int) -> Path:
        return self.path / f"part-{index:05d}{self.writer.suffix}"

    @property
    def stem(self) -> str:
        """The name without the writer's suffix: ``c`` for ``c.jsonl.gz``, a folder's name as it is."""
        return self.path.name.removesuffix(self.writer.suffix)


def writer_for(name: str) -> Writer:
    try:
        return WRITERS[name]
    except KeyError:
        raise ConfigError(f"--format {name!r}: unknown format (known: {', '.join(WRITERS)})") from None


def format_of_name(out: str) -> str | None:
    """The format a file name asks for, or None for a folder name.

    >>> format_of_name("corpus.jsonl.gz"), format_of_name("c.parquet"), format_of_name("corpus/")
    ('jsonl.gz', 'parquet', None)
    >>> format_of_name("corpus"), format_of_name("corpus.jsonl.bz2")
    (None, None)
    """
    if out.endswith(("/", "\\")):
        return None
    return next((w.name for w in _BY_SUFFIX if out.endswith(w.suffix)), None)


def is_part_name(name: str) -> bool:
    """A part file some writer writes in a folder output.

    >>> is_part_name("part-00003.jsonl.zst"), is_part_name("part-00003.parquet"), is_part_name("part-notes.txt")
    (True, True, False)
    """
    return _PART.fullmatch(name) is not None


def resolve_output(out: str, fmt: str | None = None) -> Output:
    """The output ``--out`` and ``--format`` name together; a ConfigError if they disagree."""
    named = None if Path(out).is_dir() else format_of_name(out)
    if fmt is not None:
        writer_for(fmt)
    if named is None:
        if Path(out).exists() and not Path(out).is_dir():
            suffixes = ", ".join(w.suffix for w in WRITERS.values())
            raise ConfigError(f"--out {out}: a file exists there, and a name without a corpus suffix ({suffixes}) "
                              f"means a folder; name a file ({corpus_stem(Path(out))}.parquet) or a new folder "
                              f"(sentences one per line: --export-txt {out})")
        return Output(Path(out), writer_for(fmt or DEFAULT_FORMAT), as_dir=True)
    if fmt is not None and named != fmt and not named.startswith(fmt + "."):
        raise ConfigError(f"--out {out} is a {named} file name but --format is {fmt}: "
                          f"change one (a folder, {corpus_stem(Path(out))}/, takes any format)")
    return Output(Path(out), writer_for(named), as_dir=False)
