"""The decisions that are certain, whatever the model says.

Never a cut inside a decimal number, a URL or an e-mail address, after a list
marker that opens a line (``1.`` ``가)`` ``①``), after an abbreviation or an
initial (``Mr.`` ``J.``), after a quotation closed by ``라고 / 하고``, or after
a comma, colon or dash. (Line breaks always cut: :func:`.splitter.units`.)
"""

from __future__ import annotations

import re

import numpy as np

from korpus.cleaners.boundary.classes import (
    CLOSE,
    COLON,
    COMMA,
    DASH,
    DIGIT,
    LOWER,
    NEWLINE,
    PAD,
    QUOTE,
    QUOTE_CLOSE,
    SPACE,
    STOP,
    STOPS,
    UPPER,
)
from korpus.cleaners.boundary.features import Context

_URL = re.compile(r"(?:https?://|www\.)\S+", re.ASCII)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+", re.ASCII)
ABBREVIATIONS = frozenset("mr mrs ms dr prof st vs no co inc ltd jr sr e.g i.e cf fig vol pp ed".split())
_GANADA = np.array([ord(ch) for ch in "가나다라마바사아자차카타파하"])
# What follows a quotation that belongs to the same sentence: 라고 라며 라는 라면 하고 하며 하는 이라...
_TAIL_PAIRS = np.array([ord(a) * 0x110000 + ord(b) for a, b in
                        ("라고", "라며", "라는", "라면", "하고", "하며", "하는", "이라")], dtype=np.int64)
# ... and 고 / 며 glued to the quote as a word of their own (했다"고 밝혔다).
_TAIL_ALONE = np.array([ord("고"), ord("며")], dtype=np.int64)
_BLANKS = np.array([SPACE, NEWLINE, PAD])


def never_cut(ctx: Context) -> np.ndarray:
    """A mask over the candidates: where the model is overruled, no cut."""
    return (_decimal(ctx) | _in_link(ctx) | _list_marker(ctx) | _abbreviation(ctx) | _quoted_speech(ctx)
            | _joiner(ctx))


def _joiner(ctx: Context) -> np.ndarray:
    """A word that ends in a comma, a colon, a semicolon or a dash: what follows belongs to it."""
    k = ctx.batch.cls[ctx.at]
    return (k == COMMA) | (k == COLON) | (k == DASH)


def _decimal(ctx: Context) -> np.ndarray:
    k, at = ctx.batch.cls, ctx.at
    return (k[at] == STOP) & (k[at - 1] == DIGIT) & (k[at + 1] == DIGIT)


def _in_link(ctx: Context) -> np.ndarray:
    inside = np.zeros(len(ctx.batch.codes) + 1, dtype=np.int64)
    text = ctx.batch.joined
    found = []
    if "://" in text or "www." in text:  # the scans are slow; most batches have no link at all
        found += _URL.finditer(text)
    if "@" in text:
        found += _EMAIL.finditer(text)
    for m in found:
        inside[m.start()] += 1
        inside[m.end() - 1] -= 1  # a cut after the link's last character stays possible
    return np.cumsum(inside)[ctx.at] > 0


def _list_marker(ctx: Context) -> np.ndarray:
    """``1.`` ``12)`` ``가.`` ``a)`` ``(3)`` ``①`` as a word of its own that opens a line or follows a stop."""
    c, k, at, ws = ctx.batch.codes, ctx.batch.cls, ctx.at, ctx.word_start
    length = at - ws + 1
    mark = (k[at] == STOP) | (k[at] == CLOSE)
    first = c[ws]
    numberish = (k[ws] == DIGIT) | np.isin(first, _GANADA) | (k[ws] == UPPER) | (k[ws] == LOWER)
    circled = (length == 1) & (((first >= 0x2460) & (first <= 0x24FF)) | ((first >= 0x3251) & (first <= 0x32BF)))
    short = ((length == 2) & mark & numberish) | ((length == 3) & mark & (k[ws] == DIGIT) & (k[ws + 1] == DIGIT))
    paren = (length == 3) & (c[ws] == ord("(")) & (c[at] == ord(")"))
    # The last character before the word that is not a space: a line break, the document's edge or a stop.
    last = np.maximum.accumulate(np.where(k != SPACE, np.arange(len(k)), 0))
    before = k[last[np.maximum(ws - 1, 0)]]
    opens_line = (before == PAD) | (before == NEWLINE) | np.isin(before, STOPS)
    return (circled | short | paren) & opens_line


def _abbreviation(ctx: Context) -> np.ndarray:
    """A stop after an initial (``J.``) or a listed abbreviation (``Mr.`` ``e.g.``)."""
    k, at = ctx.batch.cls, ctx.at
    out = np.zeros(len(at), dtype=bool)
    latin = (k[at] == STOP) & ((k[at - 1] == UPPER) | (k[at - 1] == LOWER))
    for n in np.flatnonzero(latin):
        word = ctx.batch.joined[ctx.word_start[n]:at[n]].lower().strip("(\"'")
        out[n] = word in ABBREVIATIONS or (len(word) == 1 and k[at[n] - 1] == UPPER)
    return out


def _quoted_speech(ctx: Context) -> np.ndarray:
    """A closing quote, or a stop glued to the next word, followed by 라고 / 하고 / 라며 ...

    The quotation is part of the sentence: ``"간다."라고 했다``, ``했다면?라는 상상``.
    """
    c, k, at, j = ctx.batch.codes, ctx.batch.cls, ctx.at, ctx.next_solid
    quote = (k[at] == QUOTE) | (k[at] == QUOTE_CLOSE)
    glued_stop = (ctx.gap == 0) & np.isin(k[at], STOPS)
    first, second = c[j].astype(np.int64), c[np.minimum(j + 1, len(c) - 1)].astype(np.int64)
    pair = np.isin(first * 0x110000 + second, _TAIL_PAIRS)
    alone = np.isin(first, _TAIL_ALONE) & (ctx.gap == 0) & np.isin(k[np.minimum(j + 1, len(c) - 1)], _BLANKS)
    return (quote | glued_stop) & (pair | alone)
