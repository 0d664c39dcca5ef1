"""The local engine: tasks in this process (one worker) or in a pool of worker processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from korpus.core.engine import Task


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class LocalEngine:
    """One worker process per core (``workers=1`` runs in this process)."""

    name = "local"

    def __init__(self, workers: int = 0):
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        """Yield ``(task index, result)`` as tasks finish; the first error stops the run."""
        if not tasks:
            return
        if self.workers == 1 or len(tasks) == 1:
            for i, (fn, args) in enumerate(tasks):
                yield i, fn(*args)
            return
        pool = self._get_pool()
        pending = {pool.submit(fn, *args): i for i, (fn, args) in enumerate(tasks)}
        # No cancelling here when the caller stops: close() cancels what has not started
        # (shutdown(cancel_futures=True)). A future cancelled from outside the executor makes
        # Python 3.11's executor thread print an InvalidStateError traceback when killed
        # workers break the pool.
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                yield i, fut.result()

    def _get_pool(self) -> ProcessPoolExecutor:
        # One pool for every phase: worker start-up (imports) is paid once per build.
        if self._pool is None:
            # spawn, not fork: polars and pyarrow thread pools do not survive fork.
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_ignore_sigint)
        return self._pool

    def close(self, wait: bool = True) -> None:
        if self._pool is None:
            return
        if not wait:
            # ProcessPoolExecutor cannot stop a running task (3.14 adds terminate_workers); its processes can.
            for process in list((self._pool._processes or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=wait, cancel_futures=True)
        self._pool = None


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
