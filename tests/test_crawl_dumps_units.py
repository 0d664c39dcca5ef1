"""Small pieces of the dump downloaders: sums files, back-off, the joined reader, doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

from korpus.crawlers.dumps.checksums import MultiHasher, check_digests, parse_sums
from korpus.crawlers.dumps.errors import ChecksumMismatch, DownloadError
from korpus.crawlers.dumps.joined import JoinedReader
from korpus.crawlers.dumps.retry import RetryPolicy


@pytest.mark.parametrize("module", ["korpus.crawlers.dumps.checksums", "korpus.crawlers.dumps.http",
                                    "korpus.crawlers.dumps.wiki", "korpus.crawlers.dumps.progress",
                                    "korpus.crawlers.dumps.retry", "korpus.crawlers.sniff"])
def test_doctests(module):
    assert doctest.testmod(importlib.import_module(module)).failed == 0


def test_parse_sums_reads_gnu_binary_and_bsd_lines():
    text = ("# comment\n"
            "d41d8cd98f00b204e9800998ecf8427e  kowiki-20240101-md5sums.txt\n"
            "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709 *./a.bz2\n"
            "SHA256 (b.tar.gzaa) = " + "ab" * 32 + "\n")
    sums = parse_sums(text)
    assert sums["kowiki-20240101-md5sums.txt"] == {"md5": "d41d8cd98f00b204e9800998ecf8427e"}
    assert sums["a.bz2"] == {"sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}
    assert sums["b.tar.gzaa"] == {"sha256": "ab" * 32}


def test_parse_sums_names_the_bad_line():
    with pytest.raises(DownloadError, match=r"sums.txt, line 2"):
        parse_sums("d41d8cd98f00b204e9800998ecf8427e  a\n<html>oops</html>\n", "sums.txt")


def test_check_digests_names_expected_and_actual():
    hasher = MultiHasher(["md5"])
    hasher.update(b"abc")
    with pytest.raises(ChecksumMismatch) as err:
        check_digests("f", {"md5": "0" * 32}, hasher.hexdigests())
    assert "0" * 32 in str(err.value) and "900150983cd24fb0d6963f7d28e17f72" in str(err.value)


def test_backoff_doubles_and_honours_retry_after():
    policy = RetryPolicy(backoff=1.0, max_wait=10.0)
    assert [policy.wait(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert policy.wait(1, retry_after=3.0) == 3.0 and policy.wait(1, retry_after=99.0) == 10.0


def test_joined_reader_is_the_concatenation(tmp_path):
    parts = [b"abc", b"", b"defgh", b"i"]
    paths = []
    for i, data in enumerate(parts):
        paths.append(tmp_path / f"p{i}")
        paths[-1].write_bytes(data)
    seen = []
    with JoinedReader(paths, on_read=seen.append) as reader:
        assert reader.read() == b"abcdefghi"
    assert sum(seen) == 9
