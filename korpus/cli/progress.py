"""Build progress: rich bars on a terminal, a plain line at a steady interval in a log.

On a terminal each phase is a bar with shards done, docs/s and MB/s, elapsed
time and an ETA. When stderr is not a terminal (``> build.log 2>&1``, nohup,
CI) a line such as ``[0:00:30] map 3/12 shards, 2,400 docs/s, 1.20 MB/s, ETA
0:01:30`` is printed when a phase starts and ends and every
``KORPUS_PROGRESS_SECONDS`` (default 10) seconds between, so a log shows the
build moving from its first seconds.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from korpus.core.progress import clock, print_progress, progress_interval
from korpus.core.stats import Stats


@dataclass
class PhaseState:
    done: int
    total: int
    started: float
    done_at_start: int  # shards a resumed build had already: not part of this run's rate

    def eta(self, now: float) -> float | None:
        """Seconds left at this run's pace; None before the first shard of this run."""
        new = self.done - self.done_at_start
        if new <= 0:
            return None
        return (now - self.started) / new * (self.total - self.done)


class BuildProgress:
    def __init__(self, interval: float | None = None) -> None:
        self.console = Console(stderr=True)
        self.live = sys.stderr.isatty()
        self.interval = interval if interval is not None else progress_interval()
        self.progress = Progress(
            TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=self.console, disable=not self.live,
        )
        self.tasks: dict[str, int] = {}
        self.phases: dict[str, PhaseState] = {}
        self.current: str | None = None
        self.start = time.perf_counter()
        self.docs = 0
        self.bytes = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True, name="korpus-progress")

    def __enter__(self) -> BuildProgress:
        self.progress.__enter__()
        if not self.live:
            self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.progress.__exit__(*exc)

    def update(self, phase: str, done: int, total: int, shard_stats: Stats) -> None:
        now = time.perf_counter()
        with self._lock:
            starting = phase not in self.phases
            if starting:
                self.phases[phase] = PhaseState(done, total, now, done)
                self.tasks[phase] = self.progress.add_task(phase, total=total, rate="")
            state = self.phases[phase]
            state.done, state.total = done, total
            self.current = phase
            self.docs += shard_stats.total("read", "docs")
            self.bytes += shard_stats.total("read", "bytes")
        self.progress.update(self.tasks[phase], completed=done, total=total, rate=self.rate(phase, now))
        if not self.live and (starting or done == total):
            self._print(self.line(now))

    def rate(self, phase: str, now: float) -> str:
        if phase != "map":
            return ""
        elapsed = max(now - self.start, 1e-9)
        return f"{self.docs / elapsed:,.0f} docs/s, {self.bytes / elapsed / 1e6:,.2f} MB/s"

    def line(self, now: float) -> str:
        """The state of the current phase in one line."""
        with self._lock:
            state = self.phases[self.current]
            eta = state.eta(now)
            parts = [f"{self.current} {state.done}/{state.total} shards", self.rate(self.current, now),
                     "done" if state.done == state.total else f"ETA {clock(eta) if eta is not None else '?'}"]
        return ", ".join(p for p in parts if p)

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            if self.current is not None:
                self._print(self.line(time.perf_counter()))

    def _print(self, text: str) -> None:
        print_progress(time.perf_counter() - self.start, text)

    @staticmethod
    def summary(result) -> None:
        console = Console(stderr=True, soft_wrap=True)  # one line a figure, also in a log
        s = result.stats
        read, written = s.total("read", "docs"), s.total("write", "docs")
        mb = s.total("read", "bytes") / 1e6
        console.print(
            f"[green]built[/green] {result.out}: {written:,} documents, {s.total('write', 'sentences'):,} sentences "
            f"from {read:,} read ({mb:,.2f} MB) in {result.seconds:,.1f}s "
            f"({read / max(result.seconds, 1e-9):,.0f} docs/s, {mb / max(result.seconds, 1e-9):,.2f} MB/s); "
            f"{result.skipped_shards}/{result.shards} shards resumed"
        )
        for stage, drops in s.drops().items():
            console.print(f"  {stage}: " + ", ".join(f"{reason} {n:,}" for reason, n in sorted(drops.items())))
        if s.problems:
            console.print(f"[yellow]{len(s.problems) + s.problems_dropped} input problems[/yellow] (first ones):")
            for p in s.problems[:5]:
                where = p["path"] + (f", line {p['line']}" if p.get("line") else "") + (
                    f", byte offset {p['offset']}" if p.get("offset") is not None else "")
                console.print(f"  {where}: {p['message']}")
        console.print(f"  stats: {result.stats_path}")
        if result.reports_dir:
            console.print(f"  dedup reports: {result.reports_dir}")
        kept = result.work_dir.exists()
        console.print(f"  work folder: {'kept, ' + str(result.work_dir) if kept else 'removed (--keep-work keeps it)'}")

