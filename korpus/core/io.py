"""Atomic file writes.

Everything korpus writes goes to a temporary name in the same folder and is
renamed into place once complete, so a killed run never leaves a file that
looks finished.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from korpus.core.errors import OutputError

TMP_PREFIX = ".tmp-"
# Errors that mean "the output cannot be written"; others (a bad input read inside the block) pass through.
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temp path beside ``final``; rename it over ``final`` on success."""
    final = Path(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX + final.name + ".", dir=final.parent)
    except OSError as err:
        raise OutputError(f"cannot write {final}: {err.strerror or err}") from err
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        _fsync_file(tmp_path)
        os.replace(tmp_path, final)
        _fsync_dir(final.parent)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        if isinstance(err, OSError) and err.errno in WRITE_ERRNOS:
            raise OutputError(f"cannot write {final}: {err.strerror or err}") from err
        raise


def remove_temp_files(folder: str | os.PathLike, name: str = "", recursive: bool = False) -> None:
    """Delete the temp files :func:`atomic_path` left in ``folder`` when a run was killed.

    They are never complete, so deleting them before a rerun is safe. ``name``:
    only those of that final file name; ``recursive``: in the subfolders too.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    pattern = f"{TMP_PREFIX}{name}.*" if name else f"{TMP_PREFIX}*"
    for tmp in folder.rglob(pattern) if recursive else folder.glob(pattern):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


READ_THREADS = 4


def map_in_threads(fn: Callable, items: Iterable) -> list:
    """``[fn(x) for x in items]`` on a few threads, in order: for file reads, which release the GIL
    (Parquet decoding), where one process would otherwise leave the other cores idle.

    >>> map_in_threads(len, ["가", "나다"])
    [1, 2]
    """
    items = list(items)
    if len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(min(READ_THREADS, len(items))) as pool:
        return list(pool.map(fn, items))
