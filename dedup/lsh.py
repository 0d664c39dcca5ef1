"""LSH banding: parameters from datasketch, buckets grouped with polars.

Documents whose signatures agree on all ``rows`` values of any one of the
``bands`` bands are candidates. Grouping runs one band at a time over a key
column read from disk, so memory holds one uint64 per document, not the
signatures.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int, false_positive_weight: float = 0.5,
               false_negative_weight: float = 0.5) -> tuple[int, int]:
    """``(bands, rows)`` datasketch's ``MinHashLSH`` picks for this threshold.

    >>> lsh_params(0.8, 128)
    (9, 13)
    """
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm,
                     weights=(false_positive_weight, false_negative_weight))
    return lsh.b, lsh.r


def bucket_edges(docs: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges ``(doc, anchor)`` joining each bucket of two or more to one of its documents.

    Polars sorts by key (multithreaded, faster than its hash group-by here);
    runs of equal keys are the buckets. Which member anchors a bucket does not
    matter: the components are the same.

    >>> u, v = bucket_edges(np.array([5, 7, 9, 11]), np.array([1, 2, 1, 1], dtype=np.uint64))
    >>> sorted(zip(u.tolist(), v.tolist())) in ([(9, 5), (11, 5)], [(5, 9), (11, 9)], [(5, 11), (9, 11)])
    True
    """
    if not len(docs):
        return docs, docs
    frame = pl.DataFrame({"doc": docs, "key": keys}).sort("key")
    key = frame["key"].to_numpy()
    doc = frame["doc"].to_numpy()
    del frame
    starts = np.empty(len(key), dtype=bool)
    starts[0] = True
    np.not_equal(key[1:], key[:-1], out=starts[1:])
    anchor = doc[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    joined = doc != anchor
    return doc[joined], anchor[joined]
