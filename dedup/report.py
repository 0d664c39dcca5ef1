"""What a dedup step removed, for people to inspect: Parquet lists and a JSON summary.

In the step's report folder:

- ``removed.parquet``: every removed document with its cluster and the kept copy;
- ``clusters.parquet``: one row per cluster (kept id, size, sources);
- ``clusters.json``: counts per source, the cluster size distribution, the
  largest clusters and sample (kept, removed) pairs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from korpus.core.io import atomic_path, map_in_threads, write_text_atomic

TABLE_PATH_KEY = b"korpus.table_path"
SNIPPET_CHARS = 300


def write_report(report_dir: Path, members: pl.DataFrame, summary: dict[str, Any],
                 considered: dict[str, int], samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Write the three report files; returns the JSON summary."""
    report_dir.mkdir(parents=True, exist_ok=True)
    removed = members.filter(~pl.col("kept")).select(
        "id", "source", "shard", "row", "cluster", "cluster_size", "kept_id", "kept_source")
    with atomic_path(report_dir / "removed.parquet") as tmp:
        removed.write_parquet(tmp, compression="zstd")
    clusters = cluster_table(members)
    with atomic_path(report_dir / "clusters.parquet") as tmp:
        clusters.write_parquet(tmp, compression="zstd")
    summary = {
        **summary,
        "docs_considered": int(sum(considered.values())),
        "clusters": clusters.height,
        "removed": removed.height,
        "per_source": per_source(members, considered),
        "cross_source": cross_source(removed),
        "size_distribution": size_distribution(clusters["size"].to_numpy()),
        "largest_clusters": clusters.sort(["size", "cluster"], descending=[True, False]).head(10)
        .select("cluster", "size", "kept_id", "sources").to_dicts(),
        "sample_pairs": samples,
    }
    write_text_atomic(report_dir / "clusters.json", json.dumps(summary, ensure_ascii=False, indent=2))
    return summary


def cluster_table(members: pl.DataFrame) -> pl.DataFrame:
    return (members.group_by("cluster")
            .agg(pl.col("kept_id").first(), pl.col("kept_source").first(), pl.len().alias("size"),
                 pl.col("source").unique().sort().alias("sources"))
            .sort("cluster"))


def per_source(members: pl.DataFrame, considered: dict[str, int]) -> dict[str, dict[str, int]]:
    counts = members.group_by("source").agg(
        pl.len().alias("in_clusters"), (~pl.col("kept")).sum().alias("removed"))
    out = {s: {"considered": n, "in_clusters": 0, "removed": 0} for s, n in sorted(considered.items())}
    for source, in_clusters, removed in counts.iter_rows():
        out.setdefault(source, {"considered": 0})
        out[source].update(in_clusters=int(in_clusters), removed=int(removed))
    return out


def cross_source(removed: pl.DataFrame) -> list[dict[str, Any]]:
    """How many removals kept a copy from which source (e.g. news kept over comments)."""
    pairs = removed.group_by("kept_source", "source").len().sort(["len", "kept_source", "source"],
                                                                   descending=[True, False, False])
    return [{"kept_source": k, "removed_source": s, "removed": int(n)} for k, s, n in pairs.iter_rows()]


def size_distribution(sizes: np.ndarray) -> dict[str, int]:
    """Cluster counts by size bucket: 2, 3-4, 5-8, 9-16, ...

    >>> size_distribution(np.array([2, 2, 3, 9]))
    {'2': 2, '3-4': 1, '9-16': 1}
    """
    out: dict[str, int] = {}
    if not len(sizes):
        return out
    top = int(np.ceil(np.log2(sizes.max())))
    lo = 2
    for power in range(1, top + 1):
        hi = 2 ** power
        n = int(np.count_nonzero((sizes >= lo) & (sizes <= hi)))
        if n:
            out[str(lo) if lo == hi else f"{lo}-{hi}"] = n
        lo = hi + 1
    return out


def sample_removed(members: pl.DataFrame, k: int) -> pl.DataFrame:
    """Up to ``k`` removed rows, one per cluster, from clusters spread evenly."""
    removed = members.filter(~pl.col("kept")).unique("cluster", keep="first", maintain_order=True)
    if removed.height <= k:
        return removed
    picks = np.linspace(0, removed.height - 1, k).round().astype(np.int64)
    return removed[picks]


def table_path_of(sidecar: Path) -> Path | None:
    meta = pq.read_schema(sidecar).metadata or {}
    raw = meta.get(TABLE_PATH_KEY)
    return Path(raw.decode()) if raw else None


def read_texts(sidecars: list[Path], wanted: list[tuple[int, int]], column: str = "text") -> dict[tuple[int, int], Any]:
    """Values of ``column`` at ``(shard, row)`` from the map shards the sidecars came from.

    Reads only the row groups holding wanted rows; a shard that is gone (a
    moved work folder) leaves its rows out rather than failing the report.
    """
    by_shard: dict[int, list[int]] = {}
    for shard, row in wanted:
        by_shard.setdefault(shard, []).append(row)
    values: dict[tuple[int, int], Any] = {}
    for found in map_in_threads(lambda item: _shard_values(sidecars[item[0]], *item, column), by_shard.items()):
        values.update(found)
    return values


def _shard_values(sidecar: Path, shard: int, rows: list[int], column: str) -> dict[tuple[int, int], Any]:
    """:func:`read_texts` of one shard."""
    path = table_path_of(sidecar)
    if path is None or not path.exists():
        return {}
    values = {}
    pf = pq.ParquetFile(path)
    starts = np.cumsum([0] + [pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)])
    for g in sorted({int(np.searchsorted(starts, r, side="right")) - 1 for r in rows}):
        cells = pf.read_row_group(g, columns=[column]).column(column)
        for r in rows:
            if starts[g] <= r < starts[g + 1]:
                values[(shard, r)] = cells[r - int(starts[g])].as_py()
    return values
