"""A length distribution kept as exact value counts (length -> how many).

Lengths are small integers with few distinct values, so counting each value
keeps percentiles exact while the memory stays at the number of distinct
lengths, whatever the corpus size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)
HIST_BINS = 40


@dataclass(frozen=True)
class Distribution:
    values: np.ndarray  # sorted distinct lengths (int64)
    counts: np.ndarray  # how many items have each length (int64)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, int]]) -> Distribution:
        """From ``(length, count)`` pairs, in any order, repeats allowed."""
        pairs = list(pairs)
        if not pairs:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64))
        values = np.array([v for v, _ in pairs], dtype=np.int64)
        counts = np.array([c for _, c in pairs], dtype=np.int64)
        uniq, inverse = np.unique(values, return_inverse=True)
        return cls(uniq, np.bincount(inverse, weights=counts, minlength=len(uniq)).astype(np.int64))

    @classmethod
    def merged(cls, parts: Iterable[Distribution]) -> Distribution:
        parts = list(parts)
        return cls.from_pairs((int(v), int(c)) for d in parts for v, c in zip(d.values, d.counts, strict=True))

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    @property
    def total(self) -> int:
        return int((self.values * self.counts).sum())

    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def percentile(self, q: float) -> int | None:
        """Nearest rank: the smallest length with at least ``q`` % of items at or below it.

        >>> Distribution.from_pairs([(1, 1), (2, 1), (10, 2)]).percentile(50)
        2
        """
        if not self.n:
            return None
        rank = max(1, int(np.ceil(q / 100 * self.n)))
        return int(self.values[np.searchsorted(np.cumsum(self.counts), rank)])

    def histogram(self, edges: np.ndarray) -> np.ndarray:
        """Counts per bin ``[edges[i], edges[i+1])``; the last bin also takes everything above."""
        if len(edges) < 2:
            return np.zeros(0, np.int64)
        idx = np.clip(np.searchsorted(edges, self.values, side="right") - 1, 0, len(edges) - 2)
        return np.bincount(idx, weights=self.counts, minlength=len(edges) - 1).astype(np.int64)

    def to_dict(self, edges: np.ndarray | None = None) -> dict:
        edges = histogram_edges(self) if edges is None else edges
        return {
            "n": self.n,
            "mean": self.mean(),
            "min": int(self.values[0]) if self.n else None,
            "max": int(self.values[-1]) if self.n else None,
            "percentiles": {f"p{q}": self.percentile(q) for q in PERCENTILES},
            "histogram": {"edges": [int(e) for e in edges], "counts": self.histogram(edges).tolist(),
                          "last_bin_open": True},
        }


def histogram_edges(dist: Distribution, bins: int = HIST_BINS) -> np.ndarray:
    """Integer bin edges from 0 up to the 99th percentile; the last bin is open-ended.

    >>> histogram_edges(Distribution.from_pairs([(v, 1) for v in range(100)]), bins=4).tolist()
    [0, 25, 50, 75, 100]
    """
    top = dist.percentile(99) or 0
    width = max(1, int(np.ceil((top + 1) / bins)))
    return np.arange(0, width * bins + 1, width, dtype=np.int64)
