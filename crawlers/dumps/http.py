"""Streaming, resumable HTTP downloads with retries and back-off.

A file is written to ``<dest>.part`` (with a ``.part.json`` sidecar holding the
server's validator), continued with ``Range: bytes=<have>-`` after any
interruption, hashed as it arrives, and renamed to ``dest`` only after its size
and digests match what was published. Nothing here deletes a verified file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3

from korpus.crawlers.dumps.checksums import MultiHasher, check_digests
from korpus.crawlers.dumps.errors import ChecksumMismatch, DownloadError
from korpus.crawlers.dumps.progress import NullProgress, ProgressSink
from korpus.crawlers.dumps.retry import RetryPolicy
from korpus.crawlers.sniff import looks_like_html

CHUNK = 1 << 20
USER_AGENT = "korpus/0.1 (+https://github.com/korpus; dump downloader)"
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, 522, 524})


@dataclass
class RemoteFile:
    """What to fetch, where to put it, and what the publisher says it must be."""

    url: str
    dest: Path
    size: int | None = None
    sums: dict[str, str] = field(default_factory=dict)
    magic: bytes | None = None


@dataclass
class Fetched:
    path: Path
    size: int
    digests: dict[str, str]
    resumed_from: int = 0
    reused: bool = False
    seconds: float = 0.0
    interruptions: int = 0


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


# failures worth another try: dropped connections, time-outs, short bodies, 429/5xx
TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
             urllib3.exceptions.HTTPError, _Retryable)


def new_session() -> requests.Session:
    session = requests.Session()
    # identity: byte ranges must address the stored bytes, not a re-encoding
    session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    return session


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


# ---------------------------------------------------------------- small files


def get_small(session: requests.Session, url: str, policy: RetryPolicy, *,
              optional: bool = False, max_bytes: int = 64 << 20) -> bytes | None:
    """GET a small file (sums, status JSON) with retries; ``None`` for a 404 when ``optional``."""
    failures = 0
    while True:
        try:
            with session.get(url, stream=True, timeout=_timeouts(policy)) as resp:
                if resp.status_code == 404 and optional:
                    return None
                _raise_for_status(resp, url)
                body = resp.raw.read(max_bytes + 1, decode_content=True)
                if len(body) > max_bytes:
                    raise DownloadError(f"{url}: larger than {max_bytes} bytes; not a metadata file")
                return body
        except TRANSIENT as err:
            failures += 1
            _sleep_or_give_up(url, err, failures, policy)


# ---------------------------------------------------------------- big files


def fetch_verified(session: requests.Session, remote: RemoteFile, policy: RetryPolicy,
                   progress: ProgressSink | None = None, extra_algos: tuple[str, ...] = ("sha256",),
                   ) -> Fetched:
    """Download ``remote`` (resuming any ``.part``) and verify it, or re-verify a finished file."""
    progress = progress or NullProgress()
    algos = set(remote.sums) | set(extra_algos)
    if remote.dest.exists():
        return _reverify(remote, algos, progress)
    started = time.monotonic()
    size, digests, resumed_from, interruptions = _transfer(session, remote, algos, policy, progress)
    part = part_path(remote.dest)
    _verify_or_set_aside(remote, part, size, digests)
    _fsync(part)
    os.replace(part, remote.dest)
    with contextlib.suppress(FileNotFoundError):
        _sidecar(part).unlink()
    return Fetched(remote.dest, size, digests, resumed_from, seconds=time.monotonic() - started,
                   interruptions=interruptions)


def _reverify(remote: RemoteFile, algos: set[str], progress: ProgressSink) -> Fetched:
    """A finished file is hashed again; a mismatch is reported and the file left alone."""
    started = time.monotonic()
    size = remote.dest.stat().st_size
    if remote.size is not None and size != remote.size:
        raise ChecksumMismatch(remote.dest.name, "size", str(remote.size), str(size))
    hasher = MultiHasher(algos)
    progress.start(f"verify {remote.dest.name}", size, 0)
    _hash_file(remote.dest, hasher, progress)
    progress.finish()
    digests = hasher.hexdigests()
    check_digests(remote.dest.name, remote.sums, digests)
    return Fetched(remote.dest, size, digests, reused=True, seconds=time.monotonic() - started)


def _verify_or_set_aside(remote: RemoteFile, part: Path, size: int, digests: dict[str, str]) -> None:
    """On a mismatch the bytes move to ``<name>.mismatch`` (kept for inspection, never final)."""
    aside = remote.dest.with_name(remote.dest.name + ".mismatch")
    try:
        if remote.size is not None and size != remote.size:
            raise ChecksumMismatch(remote.dest.name, "size", str(remote.size), str(size), aside.name)
        check_digests(remote.dest.name, remote.sums, digests, aside.name)
    except ChecksumMismatch:
        os.replace(part, aside)
        with contextlib.suppress(FileNotFoundError):
            _sidecar(part).unlink()
        raise


class _Part:
    """The ``.part`` file, its byte count and the running digests, kept in step."""

    def __init__(self, path: Path, algos: set[str]):
        self.path = path
        self.algos = algos
        self.hasher = MultiHasher(algos)
        self.have = 0
        self.restarted = False

    def reset(self) -> None:
        self.path.write_bytes(b"")
        self.hasher = MultiHasher(self.algos)
        self.have = 0

    def rehash(self, progress: ProgressSink) -> None:
        """Continue an earlier run: hash the bytes already on disk."""
        self.have = self.path.stat().st_size
        if self.have:
            progress.start(f"rehash {self.path.name}", self.have, 0)
            _hash_file(self.path, self.hasher, progress)
            progress.finish()

    def append(self, chunks, progress: ProgressSink, first_check) -> None:
        with open(self.path, "ab") as out:
            for chunk in chunks:
                if self.have == 0:
                    first_check(chunk)
                out.write(chunk)
                self.hasher.update(chunk)
                self.have += len(chunk)
                progress.advance(len(chunk))


def _transfer(session, remote: RemoteFile, algos: set[str], policy: RetryPolicy,
              progress: ProgressSink) -> tuple[int, dict[str, str], int, int]:
    """Bring ``.part`` to the full size; returns (size, digests, resumed-from offset, failed tries)."""
    part = _Part(part_path(remote.dest), algos)
    part.path.parent.mkdir(parents=True, exist_ok=True)
    validator = _load_validator(part.path, remote.url)
    if validator is None:
        part.reset()
    else:
        part.rehash(progress)
    resumed_from = part.have
    total: int | None = remote.size
    failures = interruptions = 0
    try:
        while True:
            before = part.have
            try:
                total, complete = _one_request(session, remote, part, total, validator,
                                               policy, progress)
                if complete:
                    break
                if part.restarted:  # 416 for a stale .part: fetch it whole, no back-off
                    part.restarted = False
                    continue
                raise _Retryable(f"connection closed after {part.have} of {total} bytes")
            except TRANSIENT as err:
                interruptions += 1
                failures = 1 if part.have > before else failures + 1
                _sleep_or_give_up(remote.url, err, failures, policy, part.have)
                validator = _load_validator(part.path, remote.url) or {}
    finally:
        progress.finish()
    return part.have, part.hasher.hexdigests(), resumed_from, interruptions


def _one_request(session, remote: RemoteFile, part: _Part, total: int | None, validator,
                 policy: RetryPolicy, progress: ProgressSink) -> tuple[int | None, bool]:
    """One GET from byte ``part.have``; returns (total size, complete?)."""
    headers = {}
    if part.have:
        headers["Range"] = f"bytes={part.have}-"
        if tag := (validator or {}).get("if_range"):
            headers["If-Range"] = tag
    with session.get(remote.url, headers=headers, stream=True, timeout=_timeouts(policy)) as resp:
        if resp.status_code == 416 and part.have:
            return _range_not_satisfiable(resp, part, total)
        _raise_for_status(resp, remote.url)
        if part.have and resp.status_code != 206:
            part.reset()  # the server ignored the range, or the file changed (If-Range)
        elif part.have:
            _check_content_range(resp, remote.url, part.have)
        if "html" in resp.headers.get("Content-Type", "").lower():
            raise _html_error(remote, resp)
        total = _expected_total(resp, remote, part.have, total)
        progress.start(remote.dest.name, total, part.have)
        if not part.have:
            _save_validator(part.path, remote.url, resp)
        part.append(_body_chunks(resp), progress, lambda c: _check_start(c, remote, resp))
    return total, total is None or part.have >= total


def _body_chunks(resp):
    """Whatever has arrived, up to CHUNK at a time: a cut connection loses no received bytes
    (``iter_content`` waits for whole chunks and drops a partial one on error)."""
    read1 = getattr(resp.raw, "read1", None)  # urllib3 >= 2.3
    if read1 is None:
        yield from resp.iter_content(CHUNK)
        return
    while chunk := read1(CHUNK):
        yield chunk


def _check_start(chunk: bytes, remote: RemoteFile, resp) -> None:
    if looks_like_html(chunk):
        raise _html_error(remote, resp)
    if remote.magic and not chunk.startswith(remote.magic):
        raise DownloadError(f"{remote.url}: does not start like {remote.dest.name} "
                            f"(expected {remote.magic!r}, got {chunk[:8]!r})")


def _html_error(remote: RemoteFile, resp) -> DownloadError:
    return DownloadError(f"{remote.url}: the server sent an HTML page (HTTP {resp.status_code}, "
                         f"{resp.headers.get('Content-Type', 'no content type')}) instead of "
                         f"{remote.dest.name}")


def _range_not_satisfiable(resp, part: _Part, total: int | None) -> tuple[int | None, bool]:
    """416: either ``.part`` is already whole, or it is longer than the file and restarts."""
    full = _content_range_total(resp.headers.get("Content-Range", ""))
    if full is None:
        full = total
    if full is not None and part.have == full:
        return full, True
    part.reset()
    part.restarted = True
    return total, False


def _expected_total(resp, remote: RemoteFile, have: int, total: int | None) -> int | None:
    if resp.status_code == 206:
        served = _content_range_total(resp.headers.get("Content-Range", ""))
    else:
        length = resp.headers.get("Content-Length")
        served = int(length) + have if length and length.isdigit() else None
    if served is not None and remote.size is not None and served != remote.size:
        raise DownloadError(f"{remote.url}: server reports {served} bytes but the dump index "
                            f"says {remote.size}")
    return served if served is not None else total


def _check_content_range(resp, url: str, have: int) -> None:
    value = resp.headers.get("Content-Range", "")
    start = value.split()[-1].split("-")[0] if value.startswith("bytes ") else ""
    if not start.isdigit() or int(start) != have:
        raise DownloadError(f"{url}: asked for bytes from {have}, got Content-Range {value!r}")


def _content_range_total(value: str) -> int | None:
    """``bytes 0-9/100`` or ``bytes */100`` -> 100.

    >>> _content_range_total("bytes 10-99/100"), _content_range_total("bytes */7"), _content_range_total("")
    (100, 7, None)
    """
    tail = value.rpartition("/")[2].strip()
    return int(tail) if tail.isdigit() else None


def _raise_for_status(resp, url: str) -> None:
    code = resp.status_code
    if code in RETRY_STATUS:
        raise _Retryable(f"HTTP {code}", _retry_after(resp))
    if code >= 400:
        raise DownloadError(f"{url}: HTTP {code} {resp.reason or ''}".rstrip())


def _retry_after(resp) -> float | None:
    value = resp.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _sleep_or_give_up(url: str, err: Exception, failures: int, policy: RetryPolicy,
                      have: int | None = None) -> None:
    if failures >= policy.attempts:
        resume = f"; run again to resume from byte {have}" if have else ""
        raise DownloadError(f"{url}: giving up after {failures} failed attempts ({err}){resume}")
    time.sleep(policy.wait(failures, getattr(err, "retry_after", None)))


def _timeouts(policy: RetryPolicy) -> tuple[float, float]:
    return (policy.connect_timeout, policy.read_timeout)


# ---------------------------------------------------------------- .part state


def _sidecar(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _load_validator(part: Path, url: str) -> dict | None:
    """The sidecar of a ``.part`` that belongs to ``url``; ``None`` means start afresh."""
    if not part.exists():
        return None
    try:
        data = json.loads(_sidecar(part).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if data.get("url") == url else None


def _save_validator(part: Path, url: str, resp) -> None:
    etag = resp.headers.get("ETag", "")
    strong = etag if etag and not etag.startswith("W/") else ""
    data = {"url": url, "if_range": strong or resp.headers.get("Last-Modified", "")}
    tmp = _sidecar(part).with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, _sidecar(part))


def _hash_file(path: Path, hasher: MultiHasher, progress: ProgressSink) -> None:
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            hasher.update(view[:n])
            progress.advance(n)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
