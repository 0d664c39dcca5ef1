"""Hashed features of every candidate, computed for a whole batch with numpy.

Each template combines a few values around a candidate (the last syllables
of the word, its ending sound, the run of marks after it, the next word's
first characters and classes, bracket and quote depth, the distance from the
last stop...) into one 64-bit hash, folded into ``buckets`` weights. A
document's features depend only on that document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from korpus.cleaners.boundary.batch import Batch
from korpus.cleaners.boundary.classes import (
    ANGLE_CLOSE,
    ANGLE_OPEN,
    CLOSE,
    NEWLINE,
    OPEN,
    PAD,
    QUOTE,
    QUOTE_CLOSE,
    QUOTE_OPEN,
    SPACE,
    STOPS,
    WORDISH,
    class_table,
    jamo_parts,
)

_M2, _M3 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)  # splitmix64's
_PAD = np.uint64(0xFFFFFFFFFFFFFFFF)  # -1 as uint64: the value of a missing argument


_WORDISH, _STOPS = class_table(WORDISH), class_table(STOPS)
_BLANK = class_table((SPACE, NEWLINE, PAD))
_OPENS, _CLOSES = class_table((OPEN, ANGLE_OPEN, QUOTE_OPEN)), class_table((CLOSE, ANGLE_CLOSE, QUOTE_CLOSE))


@dataclass
class Context:
    """What the features and the rules read about each candidate."""

    batch: Batch
    at: np.ndarray  # candidate positions
    next_solid: np.ndarray  # first non-whitespace position after each candidate
    word_start: np.ndarray  # first position of the candidate's word
    last_letter: np.ndarray  # last letter of the word (word_start - 1 where it has none)
    gap: np.ndarray  # 0: the next character follows at once, 1: whitespace between (never a line break)

    @classmethod
    def of(cls, batch: Batch, at: np.ndarray, next_solid_all: np.ndarray) -> Context:
        k = batch.cls
        n = len(k)
        pos = np.arange(n)
        word_start = np.maximum.accumulate(np.where(_BLANK[k], pos, 0)) + 1
        letter = np.maximum.accumulate(np.where(_WORDISH[k] | _BLANK[k], pos, 0))
        nxt = next_solid_all[at]
        ws = word_start[at]
        lw = np.maximum(letter[at], ws - 1)
        gap = (nxt != at + 1).astype(np.int64)
        return cls(batch, at, nxt, ws, lw, gap)


def _bucket(x: np.ndarray, top: int) -> np.ndarray:
    """0 for 0, then floor(log2(x)) + 1, capped at ``top``."""
    x = np.maximum(x, 0).astype(np.float64)
    return np.minimum(np.where(x > 0, np.floor(np.log2(np.maximum(x, 1))) + 1, 0), top).astype(np.int64)


def _doc_depth(batch: Batch, up: np.ndarray, down: np.ndarray) -> np.ndarray:
    """Depth after each position of +1 ``up`` / -1 ``down`` marks, never below 0, per document.

    A closer at depth 0 is ignored. Uses depth = S - min(0, running min of S) with S
    offset per document so the running minimum restarts at each one.
    """
    step = up.astype(np.int64) - down.astype(np.int64)
    s = np.cumsum(step)
    base = s[batch.starts - 1] if len(batch.starts) else np.zeros(0, np.int64)
    s_doc = s - base[batch.doc] if len(base) else s
    big = 2 * len(s) + 2
    shifted = s_doc - batch.doc * big
    running_min = np.minimum.accumulate(shifted) + batch.doc * big
    return s_doc - np.minimum(running_min, 0)


def _remaining(batch: Batch, marks: np.ndarray) -> np.ndarray:
    """How many ``marks`` follow each position in its document."""
    c = np.cumsum(marks.astype(np.int64))
    ends = np.append(batch.starts[1:] - 1, len(c) - 1) if len(batch.starts) else np.zeros(0, np.int64)
    return c[ends][batch.doc] - c if len(ends) else np.zeros_like(c)


def _hash(template: int, *values: np.ndarray) -> np.ndarray:
    """One 64-bit hash per row of the values (splitmix64's mixing), seeded by the template."""
    seed = np.uint64((template + 1) * 0x9E3779B97F4A7C15 % (1 << 64))
    h = np.full(len(values[0]), seed, dtype=np.uint64)
    for v in values:
        h = (h ^ v.astype(np.uint64)) * _M2
        h ^= h >> np.uint64(31)
    h *= _M3
    return h ^ (h >> np.uint64(29))


def feature_values(ctx: Context) -> list[tuple[np.ndarray, ...]]:
    """The value tuples of each template, one array per value, one row per candidate."""
    b, at, j, ws, lw = ctx.batch, ctx.at, ctx.next_solid, ctx.word_start, ctx.last_letter
    c, k = b.codes.astype(np.int64), b.cls.astype(np.int64)
    n = len(c)
    has_word = lw >= ws

    def char(pos, valid):
        return np.where(valid, c[np.clip(pos, 0, n - 1)], -1)

    l1 = char(lw, has_word)
    l2 = char(lw - 1, lw - 1 >= ws)
    l3 = char(lw - 2, lw - 2 >= ws)
    ending_sound = jamo_parts(np.maximum(l1, 0).astype(np.uint32))
    run = at - lw  # marks after the last letter
    run_first = char(lw + 1, run >= 1)
    run_last = np.where(run >= 1, c[at], -1)
    run_sig = _hash(99, run_first, run_last, np.minimum(run, 4), has_word)
    stop_in_run = _STOPS[k[np.clip(lw + 1, 0, n - 1)]] | _STOPS[k[at]]
    n1 = c[j]
    n2 = np.where(_BLANK[k[np.minimum(j + 1, n - 1)]], -1, c[np.minimum(j + 1, n - 1)])
    n3 = np.where(_BLANK[k[np.minimum(j + 2, n - 1)]] | (n2 < 0), -1, c[np.minimum(j + 2, n - 1)])
    nk1, nk2 = k[j], k[np.minimum(j + 1, n - 1)]
    gap = ctx.gap

    opens, closes = _OPENS[b.cls], _CLOSES[b.cls]
    depth = _doc_depth(b, opens, closes)[at]
    closers_ahead = _remaining(b, closes)[at] > 0
    quotes = b.cls == QUOTE
    quote_odd = (np.cumsum(quotes) - np.cumsum(quotes)[b.starts - 1][b.doc])[at] % 2
    quotes_ahead = _remaining(b, quotes)[at] > 0
    brackets = _hash(98, np.minimum(depth, 2), closers_ahead, quote_odd, quotes_ahead, k[at])

    pos = np.arange(n)
    stop_or_edge = _STOPS[b.cls] | (b.cls == PAD) | (b.cls == NEWLINE)
    last_stop = np.maximum.accumulate(np.where(stop_or_edge, pos, 0))
    since = _bucket(ws - 1 - last_stop[np.maximum(ws - 1, 0)], 8)
    next_stop = np.minimum.accumulate(np.where(stop_or_edge, pos, n - 1)[::-1])[::-1]
    until = _bucket(next_stop[j] - j, 8)
    blank_next = np.minimum.accumulate(np.where(_BLANK[b.cls], pos, n - 1)[::-1])[::-1]
    next_len = np.minimum(blank_next[j] - j, 6)
    word_len = np.minimum(lw - ws + 1, 6)

    return [
        (np.zeros_like(at),),
        (c[at],),
        (l1,),
        (l2, l1),
        (l3, l2, l1),
        (ending_sound, run_sig),
        (run_sig,),
        (n1,),
        (nk1, nk2),
        (n1, n2),
        (n1, n2, n3),
        (gap, run_sig),
        (l1, nk1, gap),
        (run_sig, nk1),
        (run_sig, n1),
        (brackets,),
        (brackets, run_sig),
        (since, gap, stop_in_run),
        (until, stop_in_run),
        (word_len, l1),
        (l2, l1, nk1),
        (ending_sound, nk1),
        (l1, n1),
        (next_len, nk1, stop_in_run),
        (k[at], nk1, gap),
        (l1, run_sig),
        (l2, l1, run_sig),
        (ending_sound, n1, n2),
    ]


def feature_index(ctx: Context, buckets: int) -> np.ndarray:
    """(candidates, templates) indices into a weight table of ``buckets`` entries (a power of 2).

    Each template's hash runs over its values padded with -1 to the longest
    arity; one template at a time, in place, so the arrays stay in cache.
    """
    values = feature_values(ctx)
    arity = max(map(len, values))
    n = len(ctx.at)
    out = np.empty((len(values), n), dtype=np.uint64)
    shifted = np.empty(n, dtype=np.uint64)
    seeds = (np.arange(len(values), dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)  # wraps
    for t, vals in enumerate(values):
        h = out[t]
        h[:] = seeds[t]
        for a in range(arity):
            h ^= np.asarray(vals[a]).astype(np.int64).view(np.uint64) if a < len(vals) else _PAD
            h *= _M2
            h ^= np.right_shift(h, np.uint64(31), out=shifted)
        h *= _M3
        h ^= np.right_shift(h, np.uint64(29), out=shifted)
    out &= np.uint64(buckets - 1)
    return out.view(np.int64).T
