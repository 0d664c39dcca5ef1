"""Resume state of a news crawl folder: what is stored, what was seen and is no article.

Stored articles are known from the shards themselves (their ids) plus
``_state/stored-urls.txt`` (hashes of the fetched URLs, appended after each shard
is renamed into place), so a run killed at any moment neither loses nor
duplicates an article: whatever was not yet in a shard is fetched again, and
an article already in a shard is recognised by its id. ``skipped-urls.txt``
lists pages that are structurally not articles, so a sitemap crawl does not
fetch them again (delete the file to retry them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyarrow.parquet as pq

from korpus.crawlers.news.items import url_hash

SHARD_GLOB = "part-*.parquet"
_SHARD_NUMBER = re.compile(r"^part-(\d+)\.parquet$")


class CrawlState:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.dir = self.out_dir / "_state"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.stored: set[int] = set()
        self.skipped: set[int] = set()
        self._load()
        self._skipped_log = open(self.dir / "skipped-urls.txt", "a", encoding="ascii")  # noqa: SIM115

    def _load(self) -> None:
        for shard in sorted(self.out_dir.glob(SHARD_GLOB)):
            ids = pq.read_table(shard, columns=["id"]).column("id").to_pylist()
            self.stored.update(int(i.rpartition("/")[2], 16) for i in ids)
        self.stored.update(_read_hashes(self.dir / "stored-urls.txt"))
        self.skipped.update(_read_hashes(self.dir / "skipped-urls.txt"))

    def is_stored(self, url: str) -> bool:
        return int(url_hash(url), 16) in self.stored

    def is_skipped(self, url: str) -> bool:
        return int(url_hash(url), 16) in self.skipped

    def next_shard(self) -> Path:
        numbers = [int(m.group(1)) for p in self.out_dir.glob(SHARD_GLOB)
                   if (m := _SHARD_NUMBER.match(p.name))]
        return self.out_dir / f"part-{max(numbers, default=-1) + 1:05d}.parquet"

    def mark_stored(self, urls: list[str]) -> None:
        """Called after a shard is in place: its fetched and canonical URLs."""
        hashes = [url_hash(u) for u in urls]
        with open(self.dir / "stored-urls.txt", "a", encoding="ascii") as fh:
            fh.write("".join(h + "\n" for h in hashes))
            fh.flush()
            os.fsync(fh.fileno())
        self.stored.update(int(h, 16) for h in hashes)

    def mark_skipped(self, url: str) -> None:
        h = url_hash(url)
        self.skipped.add(int(h, 16))
        self._skipped_log.write(h + "\n")

    def close(self) -> None:
        self._skipped_log.close()


def _read_hashes(path: Path) -> list[int]:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return []
    # a line cut by a kill is not 16 hex digits and is ignored
    return [int(line, 16) for line in text.split() if len(line) == 16 and _is_hex(line)]


def _is_hex(text: str) -> bool:
    """Whether ``text`` is a hexadecimal number.

    >>> _is_hex("00ff"), _is_hex("xyz")
    (True, False)
    """
    try:
        int(text, 16)
    except ValueError:
        return False
    return True
