"""Gold sentence splits and boundary precision/recall/F1.

A gold file holds one sentence per line and a blank line between documents;
a document's input text is its lines joined with ``""`` (the kss test-set
format). A boundary is the number of non-whitespace characters before the end
of a sentence, so a splitter is scored on where it cuts, whatever it does
with spaces. The end of the document is not a boundary: every splitter gets
it for free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from korpus.cleaners.boundary.corpus import halves, load_gold

__all__ = ["Score", "boundaries", "halves", "load_gold", "non_space", "score"]


def boundaries(sentences: Iterable[str]) -> set[int]:
    """Non-whitespace offsets where sentences end, without the end of the text.

    >>> sorted(boundaries(["가 나.", " 다", "라 "]))
    [3, 4]
    """
    out: set[int] = set()
    n = 0
    for sentence in sentences:
        n += sum(1 for ch in sentence if not ch.isspace())
        out.add(n)
    out.discard(n)
    return out


def non_space(text: str) -> str:
    """The text without whitespace: what a splitter must keep, in order.

    >>> non_space(" 가 나\\n다 ")
    '가나다'
    """
    return "".join(text.split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    chars: int = 0
    seconds: float = 0.0
    lost: int = 0  # documents whose non-whitespace text the splitter changed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def chars_per_second(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def merge(self, other: Score) -> None:
        """Add another score's boundary counts (pooling sets)."""
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def add(self, gold: list[str], predicted: list[str]) -> None:
        g, p = boundaries(gold), boundaries(predicted)
        self.tp += len(g & p)
        self.fp += len(p - g)
        self.fn += len(g - p)
        if non_space("".join(predicted)) != non_space("".join(gold)):
            self.lost += 1


def score(split: Callable[[str], list[str]], docs: list[list[str]]) -> Score:
    """Split each document's joined text and compare with its gold lines (timed)."""
    import time

    result = Score()
    for doc in docs:
        text = "".join(doc)
        t0 = time.perf_counter()
        predicted = split(text)
        result.seconds += time.perf_counter() - t0
        result.chars += len(text)
        result.add(doc, predicted)
    return result
