"""Union-find over integer ids, a whole batch of edges at a time, with numpy.

Invariant: ``parent[x] <= x``, and a root has ``parent[x] == x``. Each round
hooks the larger root of every unjoined edge under the smaller one
(``minimum.at``, so concurrent hooks of one root keep the smallest), which
keeps the forest acyclic and removes at least one root per round. Components
do not depend on the order of the edges.
"""

from __future__ import annotations

import numpy as np


def new_forest(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.int64)


MAX_HOPS = 8  # deeper than this, compress the whole forest instead of walking


def find(parent: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Roots of ``x``; compresses the paths it walked (every node to its root).

    Walks a few hops from ``x``; a deeper forest (a long chain joined in one
    batch) is compressed whole by pointer jumping, which takes log(depth) passes.

    >>> p = np.array([0, 0, 1, 2])
    >>> find(p, np.array([3])).tolist(), p.tolist()
    ([0], [0, 0, 0, 0])
    """
    walked = [x]
    cur = parent[x]
    for _ in range(MAX_HOPS):
        nxt = parent[cur]
        if np.array_equal(nxt, cur):
            for w in walked:
                parent[w] = cur
            return cur
        walked.append(cur)
        cur = nxt
    return roots(parent)[x]


def union(parent: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
    """Join the components of every pair ``(u[i], v[i])``.

    >>> p = new_forest(5)
    >>> union(p, np.array([4, 1]), np.array([1, 3]))
    >>> roots(p).tolist()
    [0, 1, 2, 1, 1]
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    while len(u):
        ru, rv = find(parent, u), find(parent, v)
        apart = ru != rv
        if not apart.any():
            return
        ru, rv = ru[apart], rv[apart]
        np.minimum.at(parent, np.maximum(ru, rv), np.minimum(ru, rv))
        u, v = u[apart], v[apart]


def roots(parent: np.ndarray) -> np.ndarray:
    """Root of every node (pointer jumping; ``parent`` is left fully compressed)."""
    while True:
        up = parent[parent]
        if np.array_equal(up, parent):
            return parent
        parent[:] = up
