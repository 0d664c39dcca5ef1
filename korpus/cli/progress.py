"""Rich progress for builds: shards done per phase, with docs/s and MB/s."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from korpus.core.stats import Stats


class BuildProgress:
    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
            console=self.console, disable=not sys.stderr.isatty(),
        )
        self.tasks: dict[str, int] = {}
        self.start = time.perf_counter()
        self.docs = 0
        self.bytes = 0

    def __enter__(self) -> BuildProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def update(self, phase: str, done: int, total: int, shard_stats: Stats) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total, rate="")
        self.docs += shard_stats.total("read", "docs")
        self.bytes += shard_stats.total("read", "bytes")
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = f"{self.docs / elapsed:,.0f} docs/s  {self.bytes / elapsed / 1e6:,.2f} MB/s" if phase == "map" else ""
        self.progress.update(self.tasks[phase], completed=done, total=total, rate=rate)

    @staticmethod
    def summary(result) -> None:
        console = Console(stderr=True)
        s = result.stats
        read, written = s.total("read", "docs"), s.total("write", "docs")
        mb = s.total("read", "bytes") / 1e6
        console.print(
            f"[green]built[/green] {result.out}: {written:,} documents, {s.total('write', 'sentences'):,} sentences "
            f"from {read:,} read ({mb:,.2f} MB) in {result.seconds:,.1f}s "
            f"({read / max(result.seconds, 1e-9):,.0f} docs/s, {mb / max(result.seconds, 1e-9):,.2f} MB/s); "
            f"{result.skipped_shards}/{result.shards} shards resumed"
        )
        for stage, per_source in s.counts.items():
            drops = {k: n for per in per_source.values() for k, n in per.items() if k.startswith("dropped:")}
            if drops:
                console.print(f"  {stage}: " + ", ".join(f"{k[8:]} {n:,}" for k, n in sorted(drops.items())))
        if s.problems:
            console.print(f"[yellow]{len(s.problems) + s.problems_dropped} input problems[/yellow] (first ones):")
            for p in s.problems[:5]:
                where = p["path"] + (f", line {p['line']}" if p.get("line") else "") + (
                    f", byte offset {p['offset']}" if p.get("offset") is not None else "")
                console.print(f"  {where}: {p['message']}")
        console.print(f"  stats: {result.stats_path}")
