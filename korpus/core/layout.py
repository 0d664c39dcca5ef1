"""Where a corpus keeps its files: the parts, and the stats written beside them."""

from __future__ import annotations

import os
from pathlib import Path

from korpus.core.io import TMP_PREFIX

COMPRESSION_SUFFIXES = (".gz", ".zst")  # those a corpus file may add after its format


def corpus_stem(out: Path) -> str:
    """A corpus file's name without its format and compression suffixes.

    >>> corpus_stem(Path("out/corpus.jsonl.gz")), corpus_stem(Path("c.v2.parquet")), corpus_stem(Path("corpus"))
    ('corpus', 'c.v2', 'corpus')
    """
    name = out.name
    for suffix in COMPRESSION_SUFFIXES:
        name = name.removesuffix(suffix)
    return Path(name).stem


def stats_file_for(out: Path, as_dir: bool) -> Path:
    """Where a build's stats go: ``DIR/_stats.json``, or ``X.stats.json`` beside file ``X.<format>``."""
    return out / "_stats.json" if as_dir else out.with_name(corpus_stem(out) + ".stats.json")


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
