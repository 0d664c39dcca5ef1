"""Errors of the dump downloaders; the CLI prints each as one line and exits non-zero."""

from __future__ import annotations

from korpus.core.errors import KorpusError


class DownloadError(KorpusError):
    """A transfer that failed for good: HTTP error, HTML instead of data, retries spent."""


class ChecksumMismatch(KorpusError):
    """A file whose size or digest differs from the published one."""

    exit_code = 3

    def __init__(self, name: str, algo: str, expected: str, actual: str, kept_as: str | None = None):
        self.name = name
        self.algo = algo
        self.expected = expected
        self.actual = actual
        where = f"; the download is kept as {kept_as}" if kept_as else ""
        super().__init__(f"{name}: {algo} mismatch: expected {expected}, got {actual}{where}")
