"""Read several files as one stream: the split parts of an archive, never joined on disk."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path


class JoinedReader(io.RawIOBase):
    """A read-only stream over ``paths`` in order, as if they had been concatenated.

    ``on_read(n)`` is told of every ``n`` bytes handed out (for a progress bar).
    """

    def __init__(self, paths: Sequence[Path], on_read: Callable[[int], None] | None = None):
        super().__init__()
        self._paths = list(paths)
        self._index = 0
        self._current = None
        self._on_read = on_read
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._index < len(self._paths):
            if self._current is None:
                self._current = open(self._paths[self._index], "rb", buffering=0)  # noqa: SIM115
            n = self._current.readinto(buffer)
            if n:
                self.position += n
                if self._on_read:
                    self._on_read(n)
                return n
            self._current.close()
            self._current = None
            self._index += 1
        return 0

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()
