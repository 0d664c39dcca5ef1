"""Near-duplicate documents with MinHash LSH, as a global step of a build.

shard_pass (parallel): MinHash signatures of each document's character
n-grams (:mod:`korpus.dedup.minhash`), folded into one uint64 key per LSH band, written
to a sidecar with the document's id, source, length and a content hash.

band tasks (parallel, one per band): read that band's key column of every
sidecar, group equal keys with polars, save the bucket edges.
resolve: join the edges of every band with union-find (computing a band's
edges itself where no band task ran).
Each cluster keeps one document (:mod:`korpus.dedup.keep`); the others are dropped.
Memory is a few arrays of one number per document, never the signatures:
1.8 GB peak RSS for 20M documents (docs/performance.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from korpus.core.io import atomic_path, map_in_threads
from korpus.core.stats import Stats
from korpus.dedup import unionfind
from korpus.dedup.config import NearOptions
from korpus.dedup.keep import assign_kept, write_drops
from korpus.dedup.keys import content_hash
from korpus.dedup.lsh import bucket_edges, lsh_params
from korpus.dedup.minhash import (
    band_keys,
    estimated_jaccard,
    permutations,
    signatures,
    signatures_from_hashes,
)
from korpus.dedup.report import SNIPPET_CHARS, read_texts, sample_removed, write_report
from korpus.dedup.shingles import batch_hashes, char_ngrams
from korpus.dedup.sidecar import SidecarSpec, sidecar_schema, write_sidecar

REASON = "near_duplicate"
BAND_DIR = "bands"  # beside drops.parquet: one edges file per band, from the band tasks
BATCH_ROWS = 4096


def band_column(j: int) -> str:
    return f"band_{j:03d}"


@dataclass
class NearDedup(NearOptions):
    """Options only (:class:`NearOptions`; picklable); ``bands`` x ``rows`` come from the threshold."""

    name: str = "near_dedup"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.bands, self.rows = lsh_params(self.threshold, self.num_perm,
                                           self.false_positive_weight, self.false_negative_weight)

    # -- shard pass --------------------------------------------------------------

    def sidecar_schema(self, table_path: Path) -> pa.Schema:
        fields = [("shard", pa.int32()), ("row", pa.int32()), ("id", pa.string()), ("source", pa.string()),
                  ("length", pa.int64()), ("tiebreak", pa.uint64()), ("shingles", pa.int32())]
        fields += [(band_column(j), pa.uint64()) for j in range(self.bands)]
        return sidecar_schema(fields, table_path)

    def shard_pass(self, shard_index: int, table_path: Path, out_path: Path, stats: Stats) -> None:
        write_sidecar(table_path, out_path, self.sidecar(shard_index, table_path))

    def sidecar(self, shard_index: int, table_path: Path) -> SidecarSpec:
        """Per document: where it is, its length, content hash, shingle count and band keys."""
        perms = permutations(self.num_perm, self.seed)

        def columns(batch: pa.RecordBatch, row: int) -> dict:
            texts = batch.column(2).to_pylist()
            hashes, offsets = batch_hashes(texts, self.ngram)
            keys = band_keys(signatures_from_hashes(hashes, offsets, perms), self.bands, self.rows)
            n = len(texts)
            cols = {
                "shard": np.full(n, shard_index, dtype=np.int32),
                "row": np.arange(row, row + n, dtype=np.int32),
                "id": batch.column(0), "source": batch.column(1),
                "length": np.fromiter(map(len, texts), dtype=np.int64, count=n),
                "tiebreak": np.fromiter(map(content_hash, texts), dtype=np.uint64, count=n),
                "shingles": np.diff(offsets).astype(np.int32),
            }
            return cols | {band_column(j): keys[:, j] for j in range(self.bands)}

        return SidecarSpec(self.sidecar_schema(table_path), ["id", "source", "text"], columns, BATCH_ROWS)

    # -- resolve -----------------------------------------------------------------

    def resolve(self, sidecars: list[Path], dropped_before: Path | None, out_path: Path,
                report_dir: Path, stats: Stats) -> None:
        offsets = row_offsets(sidecars)
        alive = alive_mask(sidecars, offsets, dropped_before)
        parent = self.components(sidecars, alive, band_dir=out_path.parent / BAND_DIR)
        members = self.cluster_members(sidecars, offsets, parent)
        considered = considered_per_source(sidecars, alive)
        for source, n in members.filter(~pl.col("kept")).group_by("source").len().iter_rows():
            stats.drop(self.name, source, REASON, n)
        for source, n in considered.items():
            stats.add(self.name, source, "considered", n)
        samples = self.sample_pairs_of(sidecars, members)
        write_report(report_dir, members, self.summary(), considered, samples)
        write_drops(members, out_path, REASON)

    def band_tasks(self, sidecars: list[Path], dropped_before: Path | None, band_dir: Path) -> list[tuple]:
        """The parallel part of resolve: one task per band writes that band's bucket edges.

        The build runs these on its engine (process pool or Ray) before ``resolve``,
        which then only joins the edges with union-find. Tasks whose file exists
        (a resumed build) are left out.
        """
        return [(band_edges_task, (sidecars, dropped_before, j, band_file(band_dir, j)))
                for j in range(self.bands) if not band_file(band_dir, j).exists()]

    def components(self, sidecars: list[Path], alive: np.ndarray, band_dir: Path | None = None) -> np.ndarray:
        """Union-find forest over all documents, joined band after band.

        Each band's edges come from its band task's file when there is one,
        else they are computed here (a resolve called on its own).
        """
        parent = unionfind.new_forest(len(alive))
        docs = np.flatnonzero(alive)
        for j in range(self.bands):
            done = band_file(band_dir, j) if band_dir is not None else None
            if done is not None and done.exists():
                with np.load(done) as edges:
                    u, v = edges["u"], edges["v"]
            else:
                u, v = bucket_edges(docs, read_column(sidecars, band_column(j))[docs])
            unionfind.union(parent, u, v)
        return unionfind.roots(parent)

    def cluster_members(self, sidecars: list[Path], offsets: np.ndarray, roots: np.ndarray) -> pl.DataFrame:
        """Documents of clusters of two or more, with the kept copy marked."""
        sizes = np.bincount(roots, minlength=len(roots))
        in_cluster = sizes[roots] > 1

        def members_of(i: int) -> pl.DataFrame | None:
            lo, hi = int(offsets[i]), int(offsets[i + 1])
            rows = np.flatnonzero(in_cluster[lo:hi])
            if not len(rows):
                return None
            part = pq.ParquetFile(sidecars[i]).read(columns=["shard", "row", "id", "source", "length", "tiebreak"])
            return pl.from_arrow(part.take(rows)).with_columns(pl.Series("root", roots[lo + rows]))

        frames = [f for f in map_in_threads(members_of, range(len(sidecars))) if f is not None]
        if not frames:
            return assign_kept(_empty_members(), "root")
        return assign_kept(pl.concat(frames), "root")

    def summary(self) -> dict[str, Any]:
        return {"step": self.name, "method": "minhash-lsh", "shingles": f"char {self.ngram}-grams, whitespace removed",
                "threshold": self.threshold, "num_perm": self.num_perm, "seed": self.seed,
                "bands": self.bands, "rows": self.rows}

    def sample_pairs_of(self, sidecars: list[Path], members: pl.DataFrame) -> list[dict[str, Any]]:
        """(kept, removed) pairs with estimated (MinHash) and exact shingle Jaccard."""
        picked = sample_removed(members, self.sample_pairs)
        kept = members.filter("kept").select("cluster", pl.col("shard").alias("kept_shard"),
                                             pl.col("row").alias("kept_row"))
        picked = picked.join(kept, on="cluster", how="left")
        wanted = [(s, r) for s, r in picked.select("shard", "row").iter_rows()]
        wanted += [(s, r) for s, r in picked.select("kept_shard", "kept_row").iter_rows()]
        texts = read_texts(sidecars, wanted)
        pairs = []
        for rec in picked.iter_rows(named=True):
            a = texts.get((rec["kept_shard"], rec["kept_row"]))
            b = texts.get((rec["shard"], rec["row"]))
            pair = {"cluster": rec["cluster"], "cluster_size": rec["cluster_size"],
                    "kept_id": rec["kept_id"], "removed_id": rec["id"]}
            if a is not None and b is not None:
                sig = signatures([a, b], self.ngram, self.num_perm, self.seed)
                pair["estimated_jaccard"] = round(estimated_jaccard(sig[0], sig[1]), 4)
                pair["jaccard"] = round(shingle_jaccard(a, b, self.ngram), 4)
                pair["kept_text"] = a[:SNIPPET_CHARS]
                pair["removed_text"] = b[:SNIPPET_CHARS]
            pairs.append(pair)
        return pairs


def shingle_jaccard(a: str, b: str, n: int) -> float:
    """Exact Jaccard of the two shingle sets.

    >>> shingle_jaccard("가나다라", "가나 다라", 2)
    1.0
    """
    sa, sb = set(char_ngrams(a, n)), set(char_ngrams(b, n))
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def band_file(band_dir: Path, j: int) -> Path:
    return band_dir / f"edges-{j:03d}.npz"


def band_edges_task(sidecars: list[Path], dropped_before: Path | None, j: int, out_path: Path) -> dict:
    """One band: group equal keys of the documents still alive, save the bucket edges."""
    stats = Stats()
    t0 = time.perf_counter()
    alive = alive_mask(sidecars, row_offsets(sidecars), dropped_before)
    docs = np.flatnonzero(alive)
    u, v = bucket_edges(docs, read_column(sidecars, band_column(j))[docs])
    with atomic_path(out_path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, u=u, v=v)
    stats.time("near_dedup:bands", time.perf_counter() - t0)
    return stats.to_dict()


def row_offsets(sidecars: list[Path]) -> np.ndarray:
    """Global document number of each sidecar's first row (plus the total)."""
    counts = [pq.ParquetFile(p).metadata.num_rows for p in sidecars]
    return np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))


def read_column(sidecars: list[Path], name: str) -> np.ndarray:
    if not sidecars:
        return np.empty(0, dtype=np.uint64)
    return pl.scan_parquet([str(p) for p in sidecars]).select(name).collect()[name].to_numpy()


def alive_mask(sidecars: list[Path], offsets: np.ndarray, dropped_before: Path | None) -> np.ndarray:
    """Documents to consider: not removed by an earlier step, with at least one shingle."""
    alive = read_column(sidecars, "shingles") > 0 if sidecars else np.zeros(0, dtype=bool)
    if dropped_before is not None:
        gone = pl.read_parquet(dropped_before, columns=["shard", "row"])
        shard = gone["shard"].to_numpy().astype(np.int64)
        alive[offsets[shard] + gone["row"].to_numpy()] = False
    return alive


def considered_per_source(sidecars: list[Path], alive: np.ndarray) -> dict[str, int]:
    if not sidecars:
        return {}
    sources = pl.scan_parquet([str(p) for p in sidecars]).select("source").collect()
    counts = sources.filter(pl.Series(alive)).group_by("source").len()
    return {s: int(n) for s, n in sorted(counts.iter_rows())}


def _empty_members() -> pl.DataFrame:
    return pl.DataFrame(schema={"shard": pl.Int32, "row": pl.Int32, "id": pl.String, "source": pl.String,
                                "length": pl.Int64, "tiebreak": pl.UInt64, "root": pl.Int64})
