"""The evaluation index, cached between builds and keyed by what it is made of.

Reading and indexing NSMC's 50,000 test reviews takes about a second, in the
build's main process before any worker starts, and evaluation sets seldom
change between builds. The key is a hash of each file's bytes with the set's
name, text field and encoding, the match options, and the source of the modules
that read and index the examples (a changed reader or index never reuses an old
file). The cache lives in ``$KORPUS_CACHE_DIR`` (``off`` turns it off), else
``$XDG_CACHE_HOME/korpus`` or ``~/.cache/korpus``, and keeps the ``KEEP`` indexes
used last (NSMC's is 33 MB). A cache that cannot be read or written is passed
over: caching never fails a build.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import xxhash

from korpus.core.errors import OutputError
from korpus.dedup import evalindex, evalsets, keys, shingles
from korpus.dedup.config import DecontamSet
from korpus.dedup.evalindex import EvalIndex, MatchOptions

_CODE = (evalindex, evalsets, keys, shingles)
KEEP = 8


def cache_dir() -> Path | None:
    """Where cached indexes go, or None when caching is off."""
    chosen = os.environ.get("KORPUS_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "korpus"


def index_key(sets: list[DecontamSet], options: MatchOptions) -> str | None:
    """Hex key of the index these sets give, or None if a file cannot be read (the reader says why)."""
    h = xxhash.xxh3_128()
    h.update(json.dumps([asdict(options), [[s.name, s.path, s.text_field, s.encoding] for s in sets]]).encode())
    try:
        for module in _CODE:
            h.update(Path(module.__file__).read_bytes())
        for s in sets:
            h.update(Path(s.path).read_bytes())
            h.update(b"\0")
    except OSError:
        return None
    return h.hexdigest()


def cached_index(sets: list[DecontamSet], build: Callable[[], EvalIndex]) -> EvalIndex:
    """The sets' index from the cache, else ``build()`` it and keep it there."""
    folder, key = cache_dir(), index_key(sets, MatchOptions())
    if folder is None or key is None:
        return build()
    path = folder / "evalindex" / f"{key}.npz"
    if path.is_file():
        try:
            index = EvalIndex.load(path)
            with contextlib.suppress(OSError):  # a read-only cache still serves
                os.utime(path)  # used now: the last to be pruned
            return index
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # damaged: build again, over it
            pass
    index = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        index.save(path)
        index.loaded_from = path
        _prune(path.parent, KEEP)
    except (OSError, OutputError):
        pass
    return index


def _prune(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` indexes used last."""
    def used(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:  # removed meanwhile by another build's prune
            return 0.0

    for old in sorted(folder.glob("*.npz"), key=used, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
