"""The streaming reader interface every source implements.

A reader *plans* a source path into input shards (whole files, or byte ranges
of one big file so every worker reads part of it), then *reads* one shard into
records. Shards are plain picklable data, so the same plan runs in a process
pool or on Ray, and the plan depends only on the inputs — never on the number
of workers — which keeps build output identical for any ``--workers``.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from korpus.core.errors import ConfigError, InputError, did_you_mean
from korpus.core.schema import Record
from korpus.core.stats import Stats

# Size of the byte ranges one big file is cut into (env override for tests and tuning).
# 16 MiB: small enough that a 100 MB input keeps two workers evenly busy, large enough
# that per-shard overhead stays negligible (a 12 GB file is about 770 shards).
RANGE_BYTES = int(os.environ.get("KORPUS_RANGE_BYTES", 16 * 1024 * 1024))


@dataclass(frozen=True)
class InputShard:
    kind: str
    path: str
    start: int = 0
    end: int | None = None  # None: to the end of the file
    first_line: int = 1  # 1-based number of the first line owned by this range
    options: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    # What the plan learned about the file (detected encoding, TSV header, page stride):
    # not reader options, so never passed back to the reader's constructor.
    hints: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)

    def hint(self, name: str, default: Any = None) -> Any:
        return dict(self.hints).get(name, default)

    def describe(self) -> str:
        where = self.path
        if self.start != 0 or self.end is not None:
            where += f"[{self.start}:{self.end if self.end is not None else ''}]"
        stride = self.hint("stride")
        return where + (f" (pages {stride[0]} mod {stride[1]})" if stride else "")


class Reader:
    """Base reader: one shard per matching file; subclasses override ``read``."""

    kind: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    # Reader options accepted from the CLI/TOML, with defaults.
    option_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any):
        unknown = sorted(set(options) - set(self.option_defaults))
        if unknown:
            raise ConfigError(
                f"source kind '{self.kind}' has no option {', '.join(repr(u) for u in unknown)}"
                f" (known: {', '.join(sorted(self.option_defaults)) or 'none'})"
                f"{did_you_mean(unknown[0], self.option_defaults)}"
            )
        self.options = {**self.option_defaults, **options}

    def plan(self, path: str) -> list[InputShard]:
        return [self.shard(f) for f in expand_path(path, self.suffixes)]

    def shard(self, path: Path, start: int = 0, end: int | None = None, first_line: int = 1,
              hints: dict[str, Any] | None = None) -> InputShard:
        opts = tuple(sorted(self.options.items()))
        return InputShard(self.kind, str(path), start, end, first_line, opts, tuple(sorted((hints or {}).items())))

    def read(self, shard: InputShard, stats: Stats) -> Iterator[Record]:
        raise NotImplementedError


def expand_path(path: str, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """A file, a glob or a folder (recursively, files with ``suffixes``), sorted.

    Hidden files and korpus' own temp/state files are skipped.
    """
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        found = [f for f in p.rglob("*") if f.is_file() and _wanted(f, p, suffixes)]
    else:
        found = [Path(f) for f in glob.glob(path, recursive=True) if os.path.isfile(f)]
    if not found:
        raise InputError(path, "no input files found" + (f" (looked for {', '.join(suffixes)})" if suffixes else ""))
    return sorted(found)


def _wanted(f: Path, root: Path, suffixes: tuple[str, ...]) -> bool:
    rel = f.relative_to(root).parts
    if any(part.startswith((".", "_")) for part in rel):
        return False
    return not suffixes or f.name.endswith(suffixes)
