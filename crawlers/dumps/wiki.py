"""Download and verify the kowiki ``pages-articles`` dump from a Wikimedia dumps mirror.

Layout (dumps.wikimedia.org and its mirrors)::

    <mirror>/kowiki/                       listing of dated folders
    <mirror>/kowiki/<date>/dumpstatus.json jobs -> status, files -> size/md5/sha1
    <mirror>/kowiki/<date>/kowiki-<date>-md5sums.txt, -sha1sums.txt
    <mirror>/kowiki/<date>/kowiki-<date>-pages-articles[-multistream].xml.bz2
    <mirror>/kowiki/latest/kowiki-latest-<file>-rss.xml   links to the dated folder

``--date latest`` resolves to the newest dated folder whose dumpstatus says the
jobs that made the wanted files are ``done`` (``latest/`` itself is filled file
by file while a run is in progress, so its files can mix two runs). Without a
listing, the ``latest/`` RSS feed names the folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from korpus.core.io import write_text_atomic
from korpus.crawlers.dumps.checksums import parse_sums
from korpus.crawlers.dumps.defaults import WIKI_MIRROR
from korpus.crawlers.dumps.errors import DownloadError
from korpus.crawlers.dumps.http import Fetched, RemoteFile, fetch_verified, get_small, new_session
from korpus.crawlers.dumps.progress import NullProgress, ProgressSink
from korpus.crawlers.dumps.retry import RetryPolicy
from korpus.crawlers.sniff import looks_like_html

VARIANTS = {
    "plain": ("pages-articles.xml.bz2",),
    "multistream": ("pages-articles-multistream.xml.bz2",
                    "pages-articles-multistream-index.txt.bz2"),
}
# jobs that write each variant (``recombine`` on wikis whose dump is split in parts)
JOBS = {
    "plain": ("articlesdumprecombine", "articlesdump"),
    "multistream": ("articlesmultistreamdumprecombine", "articlesmultistreamdump"),
}
LOOKBACK = 4  # dated folders tried for ``latest`` before giving up
_DATE = re.compile(r"^\d{8}$")


@dataclass
class WikiDump:
    wiki: str
    date: str
    variant: str
    files: list[Fetched] = field(default_factory=list)
    manifest: Path | None = None


@dataclass
class _Published:
    """What the mirror publishes for one dated folder."""

    date: str
    status: dict | None
    sums: dict[str, dict[str, str]]
    raw: dict[str, bytes]


def file_names(wiki: str, date: str, variant: str) -> list[str]:
    """The dump files of one variant.

    >>> file_names("kowiki", "20240101", "plain")
    ['kowiki-20240101-pages-articles.xml.bz2']
    """
    if variant not in VARIANTS:
        raise DownloadError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return [f"{wiki}-{date}-{suffix}" for suffix in VARIANTS[variant]]


def download_wiki_dump(out_dir: str | Path, *, date: str = "latest", variant: str = "multistream",
                       mirror: str = WIKI_MIRROR, wiki: str = "kowiki",
                       policy: RetryPolicy | None = None, progress: ProgressSink | None = None,
                       log: Callable[[str], None] = print) -> WikiDump:
    """Fetch the dump files of ``variant`` into ``out_dir`` and verify every published sum."""
    policy = policy or RetryPolicy()
    progress = progress or NullProgress()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = mirror.rstrip("/") + f"/{wiki}"
    session = new_session()
    published = _resolve(session, base, wiki, date, variant, policy)
    names = file_names(wiki, published.date, variant)
    _save_published(out_dir, wiki, published)
    result = WikiDump(wiki, published.date, variant)
    log(f"{wiki} {published.date} ({variant}): {', '.join(names)}")
    for name in names:
        remote = _remote_file(base, published, name, out_dir)
        fetched = fetch_verified(session, remote, policy, progress, extra_algos=("md5", "sha1"))
        how = "already verified" if fetched.reused else _how(fetched)
        log(f"verified {name} ({fetched.size} bytes, {how}): "
            + ", ".join(f"{a} {fetched.digests[a]}" for a in sorted(remote.sums)))
        result.files.append(fetched)
    result.manifest = _write_manifest(out_dir, result)
    return result


def _how(fetched: Fetched) -> str:
    how = f"downloaded in {fetched.seconds:.1f}s"
    if fetched.resumed_from:
        how += f", resumed from byte {fetched.resumed_from}"
    if fetched.interruptions:
        how += f", {fetched.interruptions} interruption(s) resumed"
    return how


# ---------------------------------------------------------------- which date


def _resolve(session, base: str, wiki: str, date: str, variant: str,
             policy: RetryPolicy) -> _Published:
    if date != "latest":
        if not _DATE.match(date):
            raise DownloadError(f"--date must be 'latest' or YYYYMMDD, not {date!r}")
        published = _published(session, base, wiki, date, policy)
        if problem := _not_ready(published, variant, file_names(wiki, date, variant)):
            raise DownloadError(f"{base}/{date}: {problem}")
        return published
    tried = []
    for candidate in _candidate_dates(session, base, wiki, variant, policy):
        published = _published(session, base, wiki, candidate, policy)
        problem = _not_ready(published, variant, file_names(wiki, candidate, variant))
        if problem is None:
            return published
        tried.append(f"{candidate}: {problem}")
    raise DownloadError(f"{base}: no finished {variant} dump among the newest folders ("
                        + "; ".join(tried or ["none listed"]) + ")")


def _candidate_dates(session, base: str, wiki: str, variant: str, policy: RetryPolicy) -> list[str]:
    listing = get_small(session, base + "/", policy, optional=True)
    dates = sorted(set(re.findall(rb'href="(?:\./)?(\d{8})/?"', listing or b"")), reverse=True)
    if dates:
        return [d.decode() for d in dates[:LOOKBACK]]
    first = VARIANTS[variant][0]
    rss = get_small(session, f"{base}/latest/{wiki}-latest-{first}-rss.xml", policy, optional=True)
    found = re.search(rb"<link>[^<]*/(\d{8})/?\s*</link>", rss or b"")
    if not found:
        raise DownloadError(f"{base}/: neither a listing of dated folders nor a latest/ RSS feed; "
                            "pass --date YYYYMMDD")
    return [found.group(1).decode()]


def _published(session, base: str, wiki: str, date: str, policy: RetryPolicy) -> _Published:
    folder = f"{base}/{date}"
    raw: dict[str, bytes] = {}
    sums: dict[str, dict[str, str]] = {}
    for algo in ("md5", "sha1"):
        name = f"{wiki}-{date}-{algo}sums.txt"
        body = get_small(session, f"{folder}/{name}", policy, optional=True)
        if body is None:
            continue
        _refuse_html(body, f"{folder}/{name}")
        raw[name] = body
        for fname, digests in parse_sums(body.decode("utf-8", "replace"), f"{folder}/{name}").items():
            sums.setdefault(fname, {}).update(digests)
    status = None
    body = get_small(session, f"{folder}/dumpstatus.json", policy, optional=True)
    if body is not None:
        _refuse_html(body, f"{folder}/dumpstatus.json")
        raw[f"{wiki}-{date}-dumpstatus.json"] = body
        try:
            status = json.loads(body)
        except ValueError as err:
            raise DownloadError(f"{folder}/dumpstatus.json: not JSON ({err})") from None
    return _Published(date, status, sums, raw)


def _not_ready(published: _Published, variant: str, names: list[str]) -> str | None:
    """Why the wanted files cannot be fetched from this folder yet, or ``None``."""
    if published.status is None:
        missing = [n for n in names if n not in published.sums]
        if not published.sums:
            return "no dumpstatus.json and no sums files"
        return f"not in the sums files: {', '.join(missing)}" if missing else None
    for name in names:
        job, info = _job_of(published.status, name)
        if job is None:  # a job lists its files only once it writes them
            job, info = _job_by_name(published.status, variant)
        if job is None:
            return f"{name} is in no job of dumpstatus.json"
        if info.get("status") != "done":
            return f"job {job} is {info.get('status', 'without status')!r}"
    return None


def _job_by_name(status: dict, variant: str) -> tuple[str | None, dict]:
    jobs = status.get("jobs") or {}
    for job in JOBS[variant]:
        if job in jobs and jobs[job].get("status") != "done":
            return job, jobs[job]
    return None, {}


def _job_of(status: dict, name: str) -> tuple[str | None, dict]:
    for job, info in (status.get("jobs") or {}).items():
        if name in (info.get("files") or {}):
            return job, info
    return None, {}


# ---------------------------------------------------------------- what to expect


def _remote_file(base: str, published: _Published, name: str, out_dir: Path) -> RemoteFile:
    sums = dict(published.sums.get(name, {}))
    size = None
    if published.status is not None:
        _, job = _job_of(published.status, name)
        entry = (job.get("files") or {}).get(name, {})
        size = entry.get("size")
        for algo in ("md5", "sha1"):
            if algo in entry and algo in sums and entry[algo].lower() != sums[algo]:
                raise DownloadError(f"{name}: the mirror contradicts itself: {algo}sums.txt says "
                                    f"{sums[algo]}, dumpstatus.json says {entry[algo]}")
            if algo in entry:
                sums.setdefault(algo, entry[algo].lower())
    if not sums:
        raise DownloadError(f"{base}/{published.date}: no published checksum for {name}")
    return RemoteFile(url=f"{base}/{published.date}/{name}", dest=out_dir / name,
                      size=int(size) if size is not None else None, sums=sums, magic=b"BZh")


def _refuse_html(body: bytes, url: str) -> None:
    if looks_like_html(body):
        raise DownloadError(f"{url}: the server sent an HTML page instead of the file")


def _save_published(out_dir: Path, wiki: str, published: _Published) -> None:
    """Keep the sums and status the download was checked against, beside the dump."""
    for name, body in published.raw.items():
        write_text_atomic(out_dir / name, body.decode("utf-8", "replace"))


def _write_manifest(out_dir: Path, dump: WikiDump) -> Path:
    path = out_dir / f"{dump.wiki}-{dump.date}-{dump.variant}.verified.json"
    data = {
        "wiki": dump.wiki, "date": dump.date, "variant": dump.variant,
        "files": {f.path.name: {"size": f.size, **f.digests} for f in dump.files},
    }
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path
