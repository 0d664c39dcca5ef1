"""``BoundarySplitter``: texts in, sentences out, a batch at a time.

A document is cut at every line break first (a line break always ends a
sentence), and a line longer than ``MAX_UNIT`` characters at the first space
after every ``MAX_UNIT`` characters (hard at twice that in a line without a
space), so that memory stays bounded and no
unit's cuts depend on anything outside it. The units of many documents are
scored together (:mod:`.batch`, :mod:`.features`, :mod:`.model`); the
certain rules (:mod:`.rules`) override the model. Sentences are stripped
slices of the input: nothing but whitespace is ever lost.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator

import numpy as np

from korpus.cleaners.boundary.batch import Batch, candidates
from korpus.cleaners.boundary.features import Context, feature_index
from korpus.cleaners.boundary.model import MODEL_FILE, load_weights, scores
from korpus.cleaners.boundary.rules import never_cut

MAX_UNIT = 50_000
BATCH_CHARS = 200_000
_LINE_BREAK = re.compile("[\n\x0b\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACE_AFTER = re.compile(r"\s")


def units(text: str) -> list[str]:
    """The pieces of ``text`` that are split on their own: its lines, long ones cut at a space.

    A line longer than ``MAX_UNIT`` is cut at the first space after it, or at
    twice ``MAX_UNIT`` where no space comes (a blob, not prose), so no unit is
    ever longer than that.

    >>> units("가. 나\\n\\n다")
    ['가. 나', '', '다']
    """
    out = []
    for line in _LINE_BREAK.split(text):
        pieces = 0
        while len(line) > MAX_UNIT:
            m = _SPACE_AFTER.search(line, MAX_UNIT, 2 * MAX_UNIT)
            end = m.end() if m else 2 * MAX_UNIT
            out.append(line[:end])
            line = line[end:]
            pieces += 1
        if line or not pieces:  # a blank line is a unit; the empty rest of a cut line is not
            out.append(line)
    return out


def cuts(batch: Batch, weights: np.ndarray) -> np.ndarray:
    """Positions in ``batch.codes`` after which a sentence ends, in order."""
    next_solid = batch.next_non_space()
    at = candidates(batch, next_solid)
    if not len(at):
        return at
    ctx = Context.of(batch, at, next_solid)
    cut = (scores(feature_index(ctx, len(weights)), weights) > 0) & ~never_cut(ctx)
    return at[cut]


def slice_sentences(batch: Batch, ends: np.ndarray) -> list[list[str]]:
    """Each unit of the batch cut after ``ends``, stripped, without empty pieces."""
    out: list[list[str]] = []
    first = np.searchsorted(ends, batch.starts).tolist()
    ends_local = (ends + 1).tolist()
    first.append(len(ends_local))
    for n, (text, start) in enumerate(zip(batch.texts, batch.starts.tolist(), strict=True)):
        pieces, prev = [], 0
        for end in ends_local[first[n]:first[n + 1]]:
            piece = text[prev:end - start].strip()
            if piece:
                pieces.append(piece)
            prev = end - start
        last = text[prev:].strip()
        if last:
            pieces.append(last)
        out.append(pieces)
    return out


class BoundarySplitter:
    """The learned splitter: ``splitter(text)`` or ``splitter.split_many(texts)``.

    >>> split = BoundarySplitter()
    >>> split("좋았다. 또 가자")
    ['좋았다.', '또 가자']
    >>> split.split_many(["3.14는 원주율이다", "첫 줄\\n둘째 줄"])
    [['3.14는 원주율이다'], ['첫 줄', '둘째 줄']]
    """

    def __init__(self, model: str = str(MODEL_FILE)):
        self.model = model

    def __call__(self, text: str) -> list[str]:
        return self.split_many([text])[0]

    def split_many(self, texts: Iterable[str]) -> list[list[str]]:
        return list(self.iter_split(texts))

    def iter_split(self, texts: Iterable[str]) -> Iterator[list[str]]:
        """Sentences of each text, in order, scoring about ``BATCH_CHARS`` characters of units at a time.

        Batches are cut between units, inside a long text too, so a text of any
        size is scored in pieces of bounded size (and memory).
        """
        weights = load_weights(self.model)
        waiting: deque[int] = deque()  # unit counts of the texts not yet yielded, in order
        pending: list[str] = []  # units not yet scored
        scored: deque[list[str]] = deque()  # sentences of each scored unit, in order
        size = 0
        for text in texts:
            pieces = units(text)
            waiting.append(len(pieces))
            for unit in pieces:
                pending.append(unit)
                size += len(unit) + 1  # and its PAD: a text of many empty lines still flushes
                if size >= BATCH_CHARS:
                    scored.extend(_split_units(pending, weights))
                    pending, size = [], 0
            yield from _finished(waiting, scored)
        scored.extend(_split_units(pending, weights))
        yield from _finished(waiting, scored)


def _finished(waiting: deque[int], scored: deque[list[str]]) -> Iterator[list[str]]:
    """The sentences of each waiting text whose units have all been scored, in order."""
    while waiting and len(scored) >= waiting[0]:
        sentences: list[str] = []
        for _ in range(waiting.popleft()):
            sentences.extend(scored.popleft())
        yield sentences


def _split_units(flat: list[str], weights: np.ndarray) -> list[list[str]]:
    """The sentences of each unit."""
    if not flat:
        return []
    batch = Batch.of(flat)
    return slice_sentences(batch, cuts(batch, weights))
