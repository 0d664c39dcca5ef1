"""Where a corpus keeps its files: the parts, and the stats and reports written beside them.

A folder output holds only its part files, so ``pl.read_parquet("corpus/")``,
pyarrow datasets and ``datasets.load_dataset`` read it as it is; the stats and
reports go next to the folder (``corpus.stats.json``, ``corpus.reports/``),
as they go next to a file output (``c.stats.json`` for ``c.parquet``).
"""

from __future__ import annotations

import os
from pathlib import Path

from korpus.core.io import TMP_PREFIX

COMPRESSION_SUFFIXES = (".gz", ".zst")  # those a corpus file may add after its format
WORK_DIR_NAME = ".korpus-work"  # a build's default work folder, beside its output


def corpus_stem(out: Path) -> str:
    """A corpus file's name without its format and compression suffixes.

    >>> corpus_stem(Path("out/corpus.jsonl.gz")), corpus_stem(Path("c.v2.parquet")), corpus_stem(Path("corpus"))
    ('corpus', 'c.v2', 'corpus')
    """
    name = out.name
    for suffix in COMPRESSION_SUFFIXES:
        name = name.removesuffix(suffix)
    return Path(name).stem


def output_stem(out: Path, as_dir: bool) -> str:
    """A folder's name as it is, a file's without its format suffixes.

    >>> output_stem(Path("out/c.v2"), True), output_stem(Path("out/c.v2.parquet"), False)
    ('c.v2', 'c.v2')
    """
    return out.name if as_dir else corpus_stem(out)


def stats_file_for(out: Path, as_dir: bool) -> Path:
    """Where a build's stats go: ``X.stats.json`` beside folder ``X/`` or file ``X.<format>``."""
    return out.with_name(output_stem(out, as_dir) + ".stats.json")


def reports_dir_for(out: Path, as_dir: bool) -> Path:
    """Where a build's dedup reports go: ``X.reports/`` beside the output."""
    return out.with_name(output_stem(out, as_dir) + ".reports")


def corpus_files(path: str | os.PathLike) -> list[Path]:
    """The Parquet files of a corpus given as one file or a folder of shards."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.parquet") if not p.name.startswith(TMP_PREFIX))
        if not files:
            raise FileNotFoundError(f"{path}: no .parquet files in this folder")
        return files
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such corpus file or folder")
    return [path]
