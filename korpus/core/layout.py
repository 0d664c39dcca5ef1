"""Where a corpus keeps its files: the parts, and the stats written beside them."""

from __future__ import annotations

import os
from pathlib import Path

from korpus.core.io import TMP_PREFIX


def is_dir_output(out: str) -> bool:
    return out.endswith(("/", "\\")) or Path(out).is_dir() or not out.endswith(".parquet")


def stats_file_for(out: Path, as_dir: bool) -> Path:
    return out / "_stats.json" if as_dir else out.with_suffix(".stats.json")


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
