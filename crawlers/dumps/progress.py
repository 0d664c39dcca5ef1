"""Progress display for transfers: one rich bar per file with MB/s and time left."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    def start(self, label: str, total: int | None, completed: int) -> None: ...
    def advance(self, n: int) -> None: ...
    def finish(self) -> None: ...


LABEL_WIDTH = 30


def short_label(label: str, width: int = LABEL_WIDTH) -> str:
    """File names differ at the end; keep that part so bars fit a terminal.

    >>> short_label("kowiki-20240101-pages-articles-multistream.xml.bz2")
    '…-articles-multistream.xml.bz2'
    >>> short_label("extract")
    'extract'
    """
    return label if len(label) <= width else "…" + label[-(width - 1):]


class NullProgress:
    """Counts nothing, shows nothing (``--quiet``, library use)."""

    def __enter__(self) -> NullProgress:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def start(self, label: str, total: int | None, completed: int) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def finish(self) -> None:
        pass


class RichProgress:
    """A rich progress bar on stderr; use as a context manager around the downloads."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
        )
        self._task = None
        self._label = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def start(self, label: str, total: int | None, completed: int) -> None:
        if self._task is not None and label == self._label:
            self._progress.update(self._task, total=total, completed=completed)
            return
        self._label = label
        self._task = self._progress.add_task(short_label(label), total=total, completed=completed)

    def advance(self, n: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)

    def finish(self) -> None:
        if self._task is not None:
            task = next(t for t in self._progress.tasks if t.id == self._task)
            if task.total is None:
                self._progress.update(self._task, total=task.completed)
            self._progress.stop_task(self._task)
        self._task = None
        self._label = None
