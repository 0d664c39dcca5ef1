"""Many documents as one array of code points, and the places a sentence could end.

Documents are joined with a PAD (code 0) between them and at both ends, so
every window a feature looks through stops at its own document's edge: the
features, and so the cuts, of a document do not depend on the batch it is in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from korpus.cleaners.boundary.classes import (
    ENDING,
    NEWLINE,
    OPENING,
    PAD,
    SPACE,
    STOPS,
    char_classes,
    class_table,
    mark_citations,
)

_ENDING, _STOPS, _OPENING = class_table(ENDING), class_table(STOPS), class_table(OPENING)


@dataclass
class Batch:
    texts: list[str]
    codes: np.ndarray  # uint32 code points, PAD-separated
    cls: np.ndarray  # uint8 class of each code point
    starts: np.ndarray  # index in ``codes`` of each document's first character
    doc: np.ndarray  # document number of each position (a PAD between two belongs to the second)
    joined: str  # the texts as one string, indexed like ``codes``

    @classmethod
    def of(cls, texts: list[str]) -> Batch:
        """Encode ``texts`` (a PAD inside a text is only ever an edge of its own document).

        >>> b = Batch.of(["가.", "나"])
        >>> b.codes.tolist(), b.starts.tolist(), b.doc.tolist()
        ([0, 44032, 46, 0, 45208, 0], [1, 4], [0, 0, 0, 1, 1, 1])
        """
        joined = "\0" + "\0".join(texts) + "\0"
        # surrogatepass: a lone surrogate (from a JSON escape) is a character like any other here.
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.cumsum(lengths + 1) - lengths if len(texts) else np.zeros(0, np.int64)
        doc = np.zeros(len(codes), dtype=np.int64)
        if len(texts) > 1:
            doc[starts[1:] - 1] = 1
        doc = np.cumsum(doc)
        classes = char_classes(codes)
        mark_citations(joined, classes)
        return cls(texts, codes, classes, starts, doc, joined)

    def next_non_space(self) -> np.ndarray:
        """For each position, the index of the first non-whitespace position after it (PAD counts)."""
        n = len(self.cls)
        solid = (self.cls != SPACE) & (self.cls != NEWLINE)
        idx = np.where(solid, np.arange(n), n - 1)
        after = np.minimum.accumulate(idx[::-1])[::-1]
        return np.append(after[1:], n - 1)


def candidates(batch: Batch, next_solid: np.ndarray) -> np.ndarray:
    """Positions after which a sentence could end, in order.

    A word before whitespace, the end of a run of end marks, quotes, closing
    brackets, citation marks, jamo or emoji (``다.그``, ``ㅋㅋ좋아``), or a stop
    glued to what may open the next sentence (``다.'바카라'``); never the end of
    a document.

    >>> b = Batch.of(["했다.그리고 좋아 ㅋㅋ"])
    >>> candidates(b, b.next_non_space()).tolist()
    [3, 6, 9]
    """
    cls = batch.cls
    here, after = cls[:-1], cls[1:]
    space_after = (after == SPACE) | (after == NEWLINE)
    solid = (here != SPACE) & (here != NEWLINE) & (here != PAD)
    run_end = (_ENDING[here] & ~_ENDING[after]) | (_STOPS[here] & _OPENING[after])
    is_candidate = solid & (space_after | run_end) & (cls[next_solid[:-1]] != PAD)
    return np.flatnonzero(is_candidate)
