"""Record steps: normalise, filter, split. Each counts what it drops."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cleaners.config import CleanConfig, FilterConfig, SplitConfig
from cleaners.normalize import normalize
from cleaners.split import get_splitter, split_none
from korpus.schema import Record
from korpus.stats import Stats


class Normalize:
    name = "normalize"

    def __init__(self, config: CleanConfig):
        self.config = config

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]:
        for rec in records:
            rec.text = normalize(rec.text)
            if rec.title:
                rec.title = normalize(rec.title)
            yield rec


class QualityFilter:
    name = "filter"

    def __init__(self, config: FilterConfig):
        self.config = config

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]:
        for rec in records:
            reason = self.reject_reason(rec.text)
            if reason:
                stats.drop(self.name, rec.source, reason)
                continue
            yield rec

    def reject_reason(self, text: str) -> str | None:
        n = len(text)
        if n < self.config.min_chars:
            return "too_short"
        if n > self.config.max_chars:
            return "too_long"
        return None


class SplitSentences:
    name = "split"

    def __init__(self, config: SplitConfig):
        self.config = config

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]:
        split = get_splitter(self.config.splitter)
        for rec in records:
            fn = split_none if rec.source in self.config.keep_whole else split
            rec.sentences = fn(rec.text)
            if not rec.sentences:
                stats.drop(self.name, rec.source, "no_sentences")
                continue
            stats.add(self.name, rec.source, "sentences", len(rec.sentences))
            yield rec


def record_steps(clean: CleanConfig, filters: FilterConfig, split: SplitConfig) -> list:
    """The per-shard steps of a build, in order."""
    return [Normalize(clean), QualityFilter(filters), SplitSentences(split)]
