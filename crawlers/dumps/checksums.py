"""Published checksum lists and the hashing that checks a download against them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from korpus.crawlers.dumps.errors import ChecksumMismatch, DownloadError

#: hex digest length -> hashlib name
ALGO_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}

_GNU_LINE = re.compile(r"^([0-9a-fA-F]{32,128})\s+\*?(.+?)\s*$")
_BSD_LINE = re.compile(r"^(MD5|SHA1|SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9a-fA-F]{32,128})\s*$")


def parse_sums(text: str, source: str = "sums file") -> dict[str, dict[str, str]]:
    """``<hex>  <name>`` lines (md5sum/sha1sum/sha256sum, or BSD style) -> name -> algo -> hex.

    >>> parse_sums("d41d8cd98f00b204e9800998ecf8427e  a.bz2\\n")
    {'a.bz2': {'md5': 'd41d8cd98f00b204e9800998ecf8427e'}}
    >>> parse_sums("SHA1 (b.txt) = da39a3ee5e6b4b0d3255bfef95601890afd80709")
    {'b.txt': {'sha1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709'}}
    """
    sums: dict[str, dict[str, str]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, digest = _split_sum_line(line)
        algo = ALGO_BY_LENGTH.get(len(digest)) if name else None
        if algo is None:
            raise DownloadError(f"{source}, line {number}: not a checksum line: {line[:80]!r}")
        sums.setdefault(name, {})[algo] = digest.lower()
    return sums


def _split_sum_line(line: str) -> tuple[str, str]:
    if m := _GNU_LINE.match(line):
        return m.group(2).lstrip("./"), m.group(1)
    if m := _BSD_LINE.match(line):
        return m.group(2).lstrip("./"), m.group(3)
    return "", ""


class MultiHasher:
    """Several digests of one byte stream, updated together."""

    def __init__(self, algos: Iterable[str]):
        self.algos = sorted(set(algos))
        self._hashes = {algo: hashlib.new(algo) for algo in self.algos}

    def update(self, data: bytes | memoryview) -> None:
        for h in self._hashes.values():
            h.update(data)

    def hexdigests(self) -> dict[str, str]:
        return {algo: h.hexdigest() for algo, h in self._hashes.items()}


def check_digests(name: str, expected: dict[str, str], actual: dict[str, str],
                  kept_as: str | None = None) -> None:
    """Raise :class:`ChecksumMismatch` naming both sums for the first digest that differs."""
    for algo in sorted(expected):
        want = expected[algo].lower()
        got = actual.get(algo)
        if got is None:
            raise DownloadError(f"{name}: {algo} was not computed")
        if got != want:
            raise ChecksumMismatch(name, algo, want, got, kept_as)
