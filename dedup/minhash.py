"""MinHash signatures for many documents at once, bit-identical to datasketch.

datasketch (>= 2.0, default ``scheme="affine32"``) pre-mixes each input hash
with the 32-bit MurmurHash3 finaliser, then applies ``a * h + b mod 2**32`` per
permutation, with ``a`` (odd) and ``b`` drawn from ``RandomState(seed)``. The
same arithmetic over a whole batch of shingles, with one ``minimum.reduceat``
per document, gives the same ``hashvalues`` about 10x faster than
``MinHash.update_batch`` (see docs/performance.md).

Band keys: the ``r`` values of each of the ``b`` bands folded into one 64-bit
key, so equal bands (datasketch's LSH bucket) mean equal keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from korpus.dedup.shingles import FNV_OFFSET, FNV_PRIME, batch_hashes, fmix64

MAX_HASH = np.uint32(0xFFFFFFFF)  # datasketch's "empty" value for affine32
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
CHUNK_SHINGLES = 8192  # rows of the (shingles x num_perm) work matrix: stays in cache


@dataclass(frozen=True)
class Permutations:
    a: np.ndarray
    b: np.ndarray

    @property
    def num_perm(self) -> int:
        return len(self.a)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> Permutations:
    """The ``(a, b)`` datasketch draws for ``MinHash(num_perm, seed)``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return Permutations(a, b)


def fmix32(h: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    h = h ^ (h >> s1)
    h *= m1
    h ^= h >> s2
    h *= m2
    return h ^ (h >> s3)


def signatures_from_hashes(hashes: np.ndarray, offsets: np.ndarray, perms: Permutations) -> np.ndarray:
    """``(docs, num_perm)`` uint32 signatures; a document without shingles gets all MAX_HASH."""
    docs = len(offsets) - 1
    out = np.full((docs, perms.num_perm), MAX_HASH, dtype=np.uint32)
    mixed = fmix32(hashes.astype(np.uint32, copy=False))
    a, b = perms.a[:, None], perms.b[:, None]
    # (num_perm, shingles) layout: each permutation's row is contiguous, which
    # makes the per-document reduceat several times faster than row-major.
    buf = np.empty((perms.num_perm, CHUNK_SHINGLES), dtype=np.uint32)
    for lo, hi, first, last in _chunks(offsets, CHUNK_SHINGLES):
        work = buf[:, : hi - lo]
        np.multiply(a, mixed[None, lo:hi], out=work)
        np.add(work, b, out=work)
        starts = np.clip(offsets[first:last + 1] - lo, 0, hi - lo - 1)
        mins = np.minimum.reduceat(work, starts, axis=1).T
        sizes = np.minimum(offsets[first + 1:last + 2], hi) - np.maximum(offsets[first:last + 1], lo)
        has = sizes > 0
        rows = np.arange(first, last + 1)[has]
        out[rows] = np.minimum(out[rows], mins[has])
    return out


def _chunks(offsets: np.ndarray, size: int):
    """``(lo, hi, first doc, last doc)`` windows of at most ``size`` shingles.

    A window cuts documents anywhere; a document spread over windows is
    folded in with ``minimum`` so the result does not depend on the cut.
    """
    total = int(offsets[-1])
    for lo in range(0, total, size):
        hi = min(lo + size, total)
        first = int(np.searchsorted(offsets, lo, side="right")) - 1
        last = int(np.searchsorted(offsets, hi - 1, side="right")) - 1
        yield lo, hi, first, last


def signatures(texts: list[str], ngram: int, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signatures of ``texts`` (see :mod:`korpus.dedup.shingles` for the shingles).

    Row ``i`` equals ``MinHash(num_perm, seed, hashfunc=shingle_hash)`` updated
    with ``char_ngrams(texts[i], ngram)``: ``.hashvalues``.
    """
    hashes, offsets = batch_hashes(texts, ngram)
    return signatures_from_hashes(hashes, offsets, permutations(num_perm, seed))


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(docs, bands)`` uint64 keys: band ``j`` covers values ``j*rows:(j+1)*rows``
    (datasketch's ``hashranges``), folded with FNV-1a and the 64-bit finaliser."""
    if bands * rows > sigs.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} values, signature has {sigs.shape[1]}")
    out = np.empty((sigs.shape[0], bands), dtype=np.uint64)
    prime = np.uint64(FNV_PRIME)
    for j in range(bands):
        h = np.full(sigs.shape[0], FNV_OFFSET, dtype=np.uint64)
        for k in range(j * rows, (j + 1) * rows):
            h ^= sigs[:, k]
            h *= prime
        out[:, j] = fmix64(h)
    return out


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal values: datasketch's ``MinHash.jaccard``."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)
