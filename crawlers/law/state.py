"""What a crawl folder already holds, read back from its own shards.

The shards are the only truth: each record's meta carries its target, stable
key and version, so after a kill (or a finished run) the next run knows
exactly which items are stored and skips them unless the list shows a new
version. A revised item is written to a new shard and then removed from the
older one; if a kill falls between the two steps, :meth:`CrawlState.open`
finishes the job (the newest shard wins). Items the API no longer serves are
remembered in ``_state/skipped.tsv`` so they are not asked for again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korpus.core.errors import KorpusError
from korpus.core.io import TMP_PREFIX, atomic_path
from korpus.core.parquet import parquet_writer

STATE_DIR = "_state"
RAW_DIR = "_raw"  # "_" keeps readers that walk the folder for *.xml away from it
SKIPPED_FILE = "skipped.tsv"
LOCK_FILE = "lock"
SHARD_GLOB = "part-*.parquet"
_SHARD_NAME = re.compile(r"^part-r(\d+)-(\d+)\.parquet$")


@dataclass(frozen=True, slots=True)
class Stored:
    version: str
    record_id: str
    shard: str


def shard_files(out: Path) -> list[Path]:
    """The finished shards of a crawl folder, oldest first."""
    return sorted(p for p in out.glob(SHARD_GLOB) if _SHARD_NAME.match(p.name) and p.is_file())


def remove_ids(shard: Path, ids: set[str]) -> int:
    """Rewrite ``shard`` without ``ids`` (atomically; deleted when emptied)."""
    table = pq.read_table(shard)
    keep = pc.invert(pc.is_in(table["id"], value_set=pa.array(sorted(ids), pa.string())))
    kept = table.filter(keep)
    removed = table.num_rows - kept.num_rows
    if removed == 0:
        return 0
    if kept.num_rows == 0:
        shard.unlink()
        return removed
    with atomic_path(shard) as tmp, parquet_writer(tmp, kept.schema) as writer:
        writer.write_table(kept)
    return removed


class CrawlState:
    """Stored versions by ``(target, key)``; one crawl at a time per folder."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.state_dir = self.out / STATE_DIR
        self.stored: dict[tuple[str, str], Stored] = {}
        self.skipped: dict[tuple[str, str], str] = {}
        self.repaired = 0
        self._run = 1
        self._seq = 0
        self._lock = None

    @classmethod
    def open(cls, out: str | Path) -> CrawlState:
        state = cls(Path(out))
        state.state_dir.mkdir(parents=True, exist_ok=True)
        state._acquire_lock()
        state._remove_stale_temps()
        state._load_shards()
        state._load_skipped()
        return state

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _acquire_lock(self) -> None:
        handle = open(self.state_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held for the crawl
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise KorpusError(f"{self.out}: another crawl is writing to this folder") from None
        self._lock = handle

    def _remove_stale_temps(self) -> None:
        for folder in (self.out, self.out / RAW_DIR):
            for tmp in folder.rglob(TMP_PREFIX + "*") if folder.exists() else ():
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()

    def _load_shards(self) -> None:
        superseded: dict[Path, set[str]] = defaultdict(set)
        for shard in shard_files(self.out):
            run = int(_SHARD_NAME.match(shard.name).group(1))
            self._run = max(self._run, run + 1)
            table = pq.read_table(shard, columns=["id", "meta"])
            for record_id, meta in zip(table["id"].to_pylist(), table["meta"].to_pylist(), strict=True):
                info = json.loads(meta) if meta else {}
                target, key = info.get("target"), info.get("key")
                if not target or not key:
                    raise KorpusError(f"{shard}: record {record_id} lacks target/key in meta; "
                                      "this folder was not written by `korpus crawl law`")
                old = self.stored.get((target, key))
                if old is not None:
                    superseded[self.out / old.shard].add(old.record_id)
                self.stored[(target, key)] = Stored(info.get("version", ""), record_id, shard.name)
        for shard, ids in superseded.items():
            self.repaired += remove_ids(shard, ids)

    def _load_skipped(self) -> None:
        path = self.state_dir / SKIPPED_FILE
        if not path.exists():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4:  # a torn last line from a kill is ignored
                self.skipped[(parts[0], parts[1])] = parts[2]

    def decide(self, target: str, key: str, version: str) -> str:
        """``new``, ``changed`` or ``unchanged`` for an item seen in a list."""
        stored = self.stored.get((target, key))
        if stored is not None:
            return "unchanged" if stored.version == version else "changed"
        if self.skipped.get((target, key)) == version:
            return "unchanged"
        return "new"

    def next_shard(self) -> Path:
        self._seq += 1
        return self.out / f"part-r{self._run:05d}-{self._seq:05d}.parquet"

    def commit(self, shard: Path, entries: list[tuple[str, str, str, str]]) -> int:
        """Note a written shard's ``(target, key, version, id)`` entries and drop
        the versions they replace from older shards; returns how many were dropped."""
        superseded: dict[Path, set[str]] = defaultdict(set)
        for target, key, version, record_id in entries:
            old = self.stored.get((target, key))
            if old is not None and old.shard != shard.name:
                superseded[self.out / old.shard].add(old.record_id)
            self.stored[(target, key)] = Stored(version, record_id, shard.name)
        return sum(remove_ids(path, ids) for path, ids in superseded.items())

    def note_skipped(self, target: str, key: str, version: str, reason: str) -> None:
        with open(self.state_dir / SKIPPED_FILE, "a", encoding="utf-8") as fh:
            fh.write(f"{target}\t{key}\t{version}\t{reason}\n")
        self.skipped[(target, key)] = version
