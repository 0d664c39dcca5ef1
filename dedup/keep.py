"""Which copy of a duplicate group stays (the longest text, then the smallest id),
and the rows a step drops.

A content hash (``tiebreak``) settles the last tie (two inputs reusing one
id), so the choice depends on the documents only, never on shard order or
worker count. Clusters are numbered in the order of their kept ids.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from korpus.core.io import atomic_path

KEEP_ORDER = ["length", "id", "tiebreak"]
KEEP_DESCENDING = [True, False, False]


def assign_kept(members: pl.DataFrame, group: str) -> pl.DataFrame:
    """Add ``kept``, ``kept_id``, ``kept_source``, ``cluster_size`` and ``cluster``.

    ``members`` holds the documents of groups of two or more, with columns
    ``group``, ``id``, ``source``, ``length`` and ``tiebreak``.

    >>> m = pl.DataFrame({"g": [7, 7, 3, 3], "id": ["b", "a", "d", "c"], "source": ["s"] * 4,
    ...                   "length": [5, 5, 9, 2], "tiebreak": [0, 0, 0, 0]})
    >>> assign_kept(m, "g").select("id", "kept", "kept_id", "cluster").rows()
    [('a', True, 'a', 0), ('b', False, 'a', 0), ('d', True, 'd', 1), ('c', False, 'd', 1)]
    """
    ranked = members.sort([group, *KEEP_ORDER], descending=[False, *KEEP_DESCENDING])
    ranked = ranked.with_columns(
        (pl.int_range(pl.len()).over(group) == 0).alias("kept"),
        pl.col("id").first().over(group).alias("kept_id"),
        pl.col("source").first().over(group).alias("kept_source"),
        pl.len().over(group).cast(pl.Int64).alias("cluster_size"),
    )
    numbers = (ranked.filter("kept").sort(["id", "tiebreak"])
               .select(group, pl.int_range(pl.len(), dtype=pl.Int64).alias("cluster")))
    return ranked.join(numbers, on=group, how="left").sort(["cluster", "kept", "id", "tiebreak"],
                                                           descending=[False, True, False, False])


def write_drops(members: pl.DataFrame, out_path: Path, reason: str) -> None:
    drops = (members.filter(~pl.col("kept"))
             .select(pl.col("shard").cast(pl.Int32), pl.col("row").cast(pl.Int32), pl.lit(reason).alias("reason"))
             .sort("shard", "row"))
    with atomic_path(out_path) as tmp:
        drops.write_parquet(tmp)
