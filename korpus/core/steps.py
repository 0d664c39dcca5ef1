"""What a pipeline step is.

A *record step* maps a stream of records to a stream of records for one shard:
``step(records, stats) -> records``. It holds only its options, never global
state, so the same object can run in a process pool or a Ray task (it must be
picklable). Steps count what they drop in ``stats`` under their ``name``.

A *global step* (exact or near-duplicate removal) needs the whole corpus. It
runs in two parts so that the heavy work stays parallel:

1. ``sidecar(shard_index, table_path)`` describes the step's sidecar for one
   shard (hashes, signatures...: schema, the columns it reads, and a function
   from a batch of rows to sidecar columns). The map task feeds it the rows it
   writes, so the text is read once; ``shard_pass(shard_index, table_path,
   out_path, stats)`` makes the same sidecar from a finished shard (Parquet in
   the corpus schema) on disk, where the map task did not;
2. ``resolve(sidecars, dropped_before, out_path, report_dir, stats)`` reads the
   sidecars and writes the rows to drop as Parquet with columns
   ``shard`` (int32), ``row`` (int32), ``reason`` (string); ``dropped_before``
   is the same kind of file from earlier global steps (or ``None``) so a
   step ignores rows already removed. A step that removes single sentences
   also writes ``sentence_drops.parquet`` beside ``out_path`` (``shard``,
   ``row``, ``sentence`` = index in the row's ``sentences``); the write phase
   removes them from the rows that stay.

Between the two, ``band_tasks(sidecars, dropped_before, band_dir)`` returns
picklable ``(function, args)`` tasks that do the parallel part of its resolve
(near-dup: one task per LSH band) and leave their results in ``band_dir``
(``<step dir>/bands``); the build runs them on its engine just before
``resolve``. A step whose resolve has no parallel part returns ``[]``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from korpus.core.engine import Task
from korpus.core.schema import Record
from korpus.core.stats import Stats


@runtime_checkable
class RecordStep(Protocol):
    name: str

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]: ...


@runtime_checkable
class GlobalStep(Protocol):
    name: str

    def sidecar(self, shard_index: int, table_path: Path) -> object: ...  # a korpus.dedup.sidecar.SidecarSpec

    def shard_pass(self, shard_index: int, table_path: Path, out_path: Path, stats: Stats) -> None: ...

    def band_tasks(self, sidecars: list[Path], dropped_before: Path | None, band_dir: Path) -> list[Task]: ...

    def resolve(self, sidecars: list[Path], dropped_before: Path | None, out_path: Path,
                report_dir: Path, stats: Stats) -> None: ...


DROP_COLUMNS = ("shard", "row", "reason")
SENTENCE_DROPS = "sentence_drops.parquet"


def run_steps(records: Iterable[Record], steps: list[RecordStep], stats: Stats) -> Iterator[Record]:
    """Chain steps, timing each one's own share (its time minus upstream's)."""
    stream: Iterable[Record] = records
    clocks: list[_Clock] = []
    upstream: _Clock | None = None
    for step in steps:
        clock = _Clock(step.name, upstream)
        stream = clock.wrap(step(stream, stats))
        clocks.append(clock)
        upstream = clock
    yield from stream
    for clock in clocks:
        stats.time(clock.name, clock.own_seconds())


class _Clock:
    """Cumulative time spent inside ``next()`` of one stage of a generator chain."""

    def __init__(self, name: str, upstream: _Clock | None):
        self.name = name
        self.upstream = upstream
        self.seconds = 0.0

    def wrap(self, it: Iterator[Record]) -> Iterator[Record]:
        it = iter(it)
        while True:
            t0 = time.perf_counter()
            try:
                rec = next(it)
            except StopIteration:
                self.seconds += time.perf_counter() - t0
                return
            self.seconds += time.perf_counter() - t0
            yield rec

    def own_seconds(self) -> float:
        inner = self.upstream.seconds if self.upstream else 0.0
        return max(0.0, self.seconds - inner)
