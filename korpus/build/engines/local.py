"""The local engine: tasks in this process (one worker) or in a pool of worker processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from korpus.core.engine import Task


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


SIGNAL_CHECK_S = 0.2


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
            # With a timeout: a Ctrl-C that another thread happens to receive is only acted on
            # when the main thread wakes, which an untimed wait leaves to the next finished task.
            done, _ = wait(pending, timeout=SIGNAL_CHECK_S, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                yield i, fut.result()

    def start(self, warm: Callable[[], None] | None = None) -> None:
        """Spawn every worker now, each running ``warm`` first, without waiting for them.

        A worker takes about a second to start (the interpreter, then the imports
        of its first task); started here, that overlaps with what the caller does
        before its first tasks. The pool spawns a process per task submitted while
        none is idle, so one trivial task per worker starts them all.
        """
        if self.workers == 1 or self._pool is not None:
            return
        pool = self._get_pool(warm)
        for _ in range(self.workers):
            pool.submit(_nothing)

    def _get_pool(self, warm: Callable[[], None] | None = None) -> ProcessPoolExecutor:
        # One pool for every phase: worker start-up (imports) is paid once per build.
        if self._pool is None:
            # spawn, not fork: polars and pyarrow thread pools do not survive fork.
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_start_worker,
                                             initargs=(warm,))
        return self._pool

    def close(self, wait: bool = True) -> None:
        if self._pool is None:
            return
        if not wait:
            # ProcessPoolExecutor cannot stop a running task (3.14 adds terminate_workers); its processes can.
            for process in list((self._pool._processes or {}).values()):
                process.terminate()
        # Waited for even after terminate, which is quick: an executor left running at exit makes
        # Python's atexit hook write to its closed wake-up pipe and print a traceback.
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None


def _start_worker(warm: Callable[[], None] | None) -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no traceback from each worker).

    ``warm`` only saves time: should it fail, the worker goes on (a failing
    initializer would break the pool), and the task that needs what it did
    meets the same error with its own message.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm is not None:
        with contextlib.suppress(Exception):
            warm()


def _nothing() -> None:
    """A task that only makes the pool spawn a worker."""
