"""Fetch the KcBERT comments dump: the split ``kcbert-train.tar.gz`` release, joined and
extracted while streaming.

The public release (GitHub, Beomi/KcBERT, tag ``TrainData_v1``) is one tar.gz cut
into ``kcbert-train.tar.gzaa``, ``…gzab``, ``…gzac``; together they hold
``20190101_20200611_v2.txt`` (12.7 GB, one comment per line). Each part is
downloaded with Range resume into ``DIR/parts/``; the parts are then read as one
stream through gzip and tar, so the archive is never written a second time.

The release publishes no checksums. What is checked: every part's size against
the server's Content-Length, the tar headers' own checksums, the gzip CRC-32
and length of the whole decompressed stream, and each member's size; with
``checksums=`` (a sums file, path or URL) each part's digest too. The sha256 of
every part is recorded in ``DIR/kcbert.manifest.json`` so a later run or another
machine can pin them.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
import tarfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from korpus.core.io import TMP_PREFIX, atomic_path, write_text_atomic
from korpus.crawlers.dumps.checksums import parse_sums
from korpus.crawlers.dumps.defaults import KCBERT_BASE
from korpus.crawlers.dumps.errors import ChecksumMismatch, DownloadError
from korpus.crawlers.dumps.http import (
    CHUNK,
    Fetched,
    RemoteFile,
    fetch_verified,
    get_small,
    new_session,
)
from korpus.crawlers.dumps.joined import JoinedReader
from korpus.crawlers.dumps.progress import NullProgress, ProgressSink
from korpus.crawlers.dumps.retry import RetryPolicy

PARTS = ("kcbert-train.tar.gzaa", "kcbert-train.tar.gzab", "kcbert-train.tar.gzac")
MEMBER = "20190101_20200611_v2.txt"
MANIFEST = "kcbert.manifest.json"


@dataclass
class Extracted:
    name: str
    path: Path
    size: int
    lines: int


@dataclass
class CommentsDump:
    parts: list[Fetched] = field(default_factory=list)
    files: list[Extracted] = field(default_factory=list)
    manifest: Path | None = None
    reused: bool = False
    seconds: float = 0.0


def download_comments(out_dir: str | Path, *, base_url: str = KCBERT_BASE,
                      parts: tuple[str, ...] = PARTS, member: str = MEMBER,
                      checksums: str | None = None, keep_parts: bool = True,
                      policy: RetryPolicy | None = None, progress: ProgressSink | None = None,
                      log: Callable[[str], None] = print) -> CommentsDump:
    """Download the parts, then stream them through gzip+tar into ``out_dir/<member>``."""
    started = time.monotonic()
    policy = policy or RetryPolicy()
    progress = progress or NullProgress()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if done := _already_done(out_dir, member):
        log(f"{done.files[0].path} is already extracted and checked ({MANIFEST}); nothing to do")
        return done
    session = new_session()
    expected = _load_checksums(session, checksums, policy)
    if checksums and (unlisted := [n for n in parts if n not in expected]):
        raise DownloadError(f"{checksums}: no checksum for {', '.join(unlisted)}")
    result = CommentsDump()
    for name in parts:
        remote = RemoteFile(url=f"{base_url.rstrip('/')}/{name}", dest=out_dir / "parts" / name,
                            sums=expected.get(name, {}))
        fetched = fetch_verified(session, remote, policy, progress)
        log(f"part {name}: {fetched.size} bytes, sha256 {fetched.digests['sha256']}"
            + (" (checked against the given sums)" if remote.sums else ""))
        result.parts.append(fetched)
    _clear_stale_temps(out_dir)
    result.files = extract_joined([f.path for f in result.parts], out_dir, progress)
    names = [f.name for f in result.files]
    if member not in names:
        raise DownloadError(f"{base_url}: the archive holds {names or 'no files'}, not {member}")
    result.seconds = time.monotonic() - started
    result.manifest = _write_manifest(out_dir, result)
    if not keep_parts:
        shutil.rmtree(out_dir / "parts", ignore_errors=True)
    for f in result.files:
        log(f"extracted {f.path} ({f.size} bytes, {f.lines} lines)")
    return result


def extract_joined(paths: list[Path], out_dir: Path, progress: ProgressSink | None = None,
                   ) -> list[Extracted]:
    """Stream the concatenation of ``paths`` (a split tar.gz) into files under ``out_dir``.

    Members are flattened to their base names; links, devices and unsafe names are
    refused. Each file appears only when complete (atomic rename).
    """
    progress = progress or NullProgress()
    total = sum(p.stat().st_size for p in paths)
    progress.start("extract", total, 0)
    joined = JoinedReader(paths, on_read=progress.advance)
    out: list[Extracted] = []
    try:
        # members stay temp files until the gzip trailer (CRC-32, length) has been checked
        with contextlib.ExitStack() as pending, gzip.GzipFile(fileobj=joined, mode="rb") as gz:
            stream = _Guarded(gz, joined, paths[0].parent)
            with tarfile.open(fileobj=stream, mode="r|", bufsize=CHUNK) as tar:
                for info in tar:
                    if extracted := _extract_member(tar, info, out_dir, paths[0].name, pending):
                        out.append(extracted)
            # tar stops at its end blocks: read on so gzip checks its CRC-32 and length
            while stream.read(CHUNK):
                pass
    except tarfile.TarError as err:
        raise _damaged(paths[0].parent, joined, err) from None
    finally:
        joined.close()
        progress.finish()
    return out


class _Guarded:
    """The decompressed stream, its read errors turned into a :class:`DownloadError`
    (not an OSError, so an atomic write around the copy does not report them as write errors)."""

    def __init__(self, gz: gzip.GzipFile, joined: JoinedReader, where: Path):
        self._gz = gz
        self._joined = joined
        self._where = where

    def read(self, size: int = -1) -> bytes:
        try:
            return self._gz.read(size)
        except (OSError, EOFError, zlib.error) as err:
            raise _damaged(self._where, self._joined, err) from None


def _damaged(where: Path, joined: JoinedReader, err: Exception) -> DownloadError:
    return DownloadError(f"{where}: the joined archive is damaged at compressed byte {joined.position} "
                         f"({type(err).__name__}: {err}); delete the parts folder to download "
                         "them again")


def _extract_member(tar: tarfile.TarFile, info: tarfile.TarInfo, out_dir: Path, archive: str,
                    pending: contextlib.ExitStack) -> Extracted | None:
    """Copy one member to a temp file that ``pending`` renames into place on success."""
    if info.isdir():
        return None
    name = PurePosixPath(info.name).name
    if not info.isfile() or not name or name.startswith(".") or "\\" in name:
        raise DownloadError(f"{archive}: refusing archive member {info.name!r} "
                            "(not a plain file with a safe name)")
    src = tar.extractfile(info)
    size = lines = 0
    tmp = pending.enter_context(atomic_path(out_dir / name))
    with open(tmp, "wb") as dst:
        while chunk := src.read(CHUNK):
            dst.write(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
    if size != info.size:
        raise ChecksumMismatch(name, "size", str(info.size), str(size))
    return Extracted(name, out_dir / name, size, lines)


def _load_checksums(session, checksums: str | None, policy: RetryPolicy) -> dict:
    if not checksums:
        return {}
    if checksums.startswith(("http://", "https://")):
        body = get_small(session, checksums, policy)
        text = body.decode("utf-8", "replace")
    else:
        try:
            text = Path(checksums).read_text(encoding="utf-8")
        except OSError as err:
            raise DownloadError(f"{checksums}: cannot read the checksums file ({err})") from None
    return parse_sums(text, checksums)


def _already_done(out_dir: Path, member: str) -> CommentsDump | None:
    """A finished earlier run: manifest present and the extracted file the recorded size."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    info = data.get("files", {}).get(member)
    path = out_dir / member
    if not info or not path.exists() or path.stat().st_size != info.get("size"):
        return None
    extracted = Extracted(member, path, info["size"], info.get("lines", 0))
    return CommentsDump(files=[extracted], manifest=out_dir / MANIFEST, reused=True)


def _clear_stale_temps(out_dir: Path) -> None:
    """Temp files of an extraction killed outright (SIGKILL leaves them behind)."""
    for stale in out_dir.glob(TMP_PREFIX + "*"):
        stale.unlink(missing_ok=True)


def _write_manifest(out_dir: Path, dump: CommentsDump) -> Path:
    data = {
        "parts": {p.path.name: {"size": p.size, **p.digests} for p in dump.parts},
        "files": {f.name: {"size": f.size, "lines": f.lines} for f in dump.files},
    }
    path = out_dir / MANIFEST
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path
