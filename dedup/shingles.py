"""Korean-aware shingles: character n-grams of the text with whitespace removed.

Eojeol (whitespace) shingles fail on Korean: spacing is inconsistent,
especially in comments, and a pure spacing variant shares no eojeol n-gram
with its original. Character n-grams of the text *without* whitespace make a
spacing variant identical to its original.

Each shingle is hashed to 32 bits by :func:`shingle_hash` (FNV-1a over the
code points, then the 64-bit MurmurHash3 finaliser, high half). The same hash
is computed for whole batches of documents with numpy (:func:`batch_hashes`;
:func:`batch_hashes64` keeps all 64 bits, for decontamination's lookups),
so signatures built here equal datasketch's ``MinHash(hashfunc=shingle_hash)``
fed with :func:`char_ngrams`.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
_FMIX64 = (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)


def shingle_form(text: str) -> str:
    """The text shingles are cut from: whitespace removed, case folded.

    >>> shingle_form("오늘 날씨가  좋네요\\n Good")
    '오늘날씨가좋네요good'
    """
    return "".join(text.split()).casefold()


def char_ngrams(text: str, n: int) -> list[str]:
    """Character n-grams of :func:`shingle_form`; a shorter text is one shingle.

    >>> char_ngrams("좋은 영화", 3)
    ['좋은영', '은영화']
    >>> char_ngrams("굳 ㅋ", 5)
    ['굳ㅋ']
    >>> char_ngrams("  ", 5)
    []
    """
    form = shingle_form(text)
    if len(form) <= n:
        return [form] if form else []
    return [form[i:i + n] for i in range(len(form) - n + 1)]


def _fmix64(h: int) -> int:
    s1, m1, s2, m2, s3 = _FMIX64
    h ^= h >> s1
    h = (h * m1) & MASK64
    h ^= h >> s2
    h = (h * m2) & MASK64
    return h ^ (h >> s3)


def shingle_hash(shingle: str) -> int:
    """32-bit hash of one shingle: pass it to datasketch as ``hashfunc``.

    >>> shingle_hash("좋은영") == shingle_hash("좋은영")
    True
    >>> 0 <= shingle_hash("좋은영") < 2**32
    True
    """
    h = FNV_OFFSET
    for ch in shingle:
        h = ((h ^ ord(ch)) * FNV_PRIME) & MASK64
    return _fmix64(h) >> 32


def fmix64(h: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_fmix64` on uint64 (multiplication wraps mod 2**64)."""
    s1, m1, s2, m2, s3 = (np.uint64(c) for c in _FMIX64)
    h = h ^ (h >> s1)
    h *= m1
    h ^= h >> s2
    h *= m2
    return h ^ (h >> s3)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as uint32 (lone surrogates kept, not lost)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def batch_hashes(texts: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit shingle hashes of many texts at once: the high half of :func:`batch_hashes64`."""
    h, offsets = batch_hashes64(texts, n)
    return (h >> np.uint64(32)).astype(np.uint32), offsets


def batch_hashes64(texts: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of many texts at once, all 64 bits of the finaliser.

    Returns ``(hashes, offsets)``: uint32 hashes of all shingles, document after
    document, and int64 ``offsets`` of length ``len(texts) + 1`` so that document
    ``i`` owns ``hashes[offsets[i]:offsets[i + 1]]``. Their high halves equal
    ``[shingle_hash(s) for s in char_ngrams(text, n)]`` for every text.
    """
    return point_hashes64(*shingle_points(texts), n)


def point_hashes64(cps: np.ndarray, lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`batch_hashes64` of texts given as the code points of their :func:`shingle_form` (all
    concatenated, and each one's length)."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    long = lengths > n
    short = (lengths > 0) & ~long
    counts = np.where(long, lengths - n + 1, short.astype(np.int64))
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    # One hash per position: the n-gram starting there (long documents) or the
    # whole text (short ones); then keep the positions that are shingles.
    h = _window_hashes(cps, n)
    for size in np.unique(lengths[short]):
        first = starts[short & (lengths == size)]
        h[first] = _window_hashes(cps, int(size), first)
    keep = np.ones(len(cps), dtype=bool)
    keep[_tails(starts + lengths, np.minimum(lengths, n) - 1)] = False
    return fmix64(h[keep]), offsets


def _tails(ends: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The last ``sizes[i]`` positions before each ``ends[i]``: where no shingle starts.

    >>> _tails(np.array([5, 9, 12]), np.array([2, 0, 1])).tolist()
    [4, 3, 11]
    """
    sizes = np.maximum(sizes, 0)
    back = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # 0, 1, .. within each
    return np.repeat(ends, sizes) - 1 - back


# Code points str.split() treats as whitespace (all at or below U+3000).
_SPACE_MAX = 0x3000
_IS_SPACE = np.array([chr(c).isspace() for c in range(_SPACE_MAX + 1)], dtype=bool)


def shingle_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of every :func:`shingle_form`, concatenated, and their lengths."""
    joined = "".join(texts)
    folded = joined.casefold()
    if len(folded) != len(joined):  # a few letters (ß, ŉ...) fold to two: fold one by one
        texts = [t.casefold() for t in texts]
        folded = "".join(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    cps = code_points(folded)
    kept = np.flatnonzero(~_IS_SPACE[np.minimum(cps, _SPACE_MAX)] | (cps > _SPACE_MAX))
    bounds = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    return cps[kept], np.diff(np.searchsorted(kept, bounds))  # kept positions before each text's start and end


def _window_hashes(cps: np.ndarray, n: int, at: np.ndarray | None = None) -> np.ndarray:
    """Unfinalised FNV-1a of the ``n`` code points starting at each position (or at ``at``)."""
    padded = np.zeros(len(cps) + n, dtype=np.uint64)
    padded[: len(cps)] = cps
    m = len(cps) if at is None else len(at)
    h = np.full(m, FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(FNV_PRIME)
    for k in range(n):
        h ^= padded[k:k + m] if at is None else padded[at + k]
        h *= prime
    return h
