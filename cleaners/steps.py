"""Record steps: normalise, filter, split. Each counts what it drops, with the reason."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from korpus.cleaners.charstats import char_counts
from korpus.cleaners.config import CleanConfig, FilterConfig, SplitConfig
from korpus.cleaners.normalize import Normalizer
from korpus.cleaners.split import get_splitter, split_many, split_none
from korpus.core.schema import Record
from korpus.core.stats import Stats

_MIN_LINES = 3


class Normalize:
    """The profile chain of each record's source (``[clean] profiles``), on text and title."""

    name = "normalize"

    def __init__(self, config: CleanConfig):
        self.config = config
        self._chains: dict[str, Normalizer] = {}

    def chain_for(self, source: str) -> Normalizer:
        chain = self._chains.get(source)
        if chain is None:
            chain = self._chains[source] = Normalizer(self.config.profile_for(source),
                                                      **self.config.chain_options())
        return chain

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]:
        for rec in records:
            chain = self.chain_for(rec.source)
            before = len(rec.text)
            rec.text = chain(rec.text)
            if rec.title:
                rec.title = chain(rec.title) or None
            stats.add(self.name, rec.source, "chars_removed", before - len(rec.text))
            yield rec


class QualityFilter:
    """Drops too short, too long, non-Korean and spam texts, counting each reason.

    Records are judged a batch at a time (:func:`char_counts` counts a whole
    batch in a few numpy passes); each verdict depends on its own text only.
    """

    name = "filter"

    def __init__(self, config: FilterConfig):
        self.config = config

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]:
        for chunk in _chunks(records, FILTER_BATCH):
            for rec, reason in zip(chunk, self.reject_reasons([r.text for r in chunk]), strict=True):
                if reason:
                    stats.drop(self.name, rec.source, reason)
                    continue
                yield rec

    def reject_reason(self, text: str) -> str | None:
        """Why a text is dropped, or None to keep it.

        >>> f = QualityFilter(FilterConfig())
        >>> [f.reject_reason(t) for t in ("", "짧다", "이 정도면 충분히 긴 문장입니다", "This is English text only.")]
        ['empty', 'too_short', None, 'low_hangul']
        >>> f.reject_reason("ㅋ" * 30 + " 웃기다"), f.reject_reason("같은 줄입니다\\n" * 4)
        ('char_spam', 'line_spam')
        """
        return self.reject_reasons([text])[0]

    def reject_reasons(self, texts: list[str]) -> list[str | None]:
        """:meth:`reject_reason` of each text, the character counts done for the batch at once."""
        c = self.config
        # Only texts the length checks let through are counted.
        sized = [i for i, t in enumerate(texts) if c.min_chars <= len(t) <= c.max_chars and t]
        counts = char_counts([texts[i] for i in sized])
        low = (counts.hangul_ratio() < c.min_hangul_ratio).tolist()
        spam = (counts.top_char_share() > c.max_char_share).tolist()
        reasons: list[str | None] = [self._length_reason(t) for t in texts]
        for k, i in enumerate(sized):
            if low[k]:
                reasons[i] = "low_hangul"
            elif spam[k]:
                reasons[i] = "char_spam"
            elif dup_line_ratio(texts[i]) > c.max_dup_line_ratio:
                reasons[i] = "line_spam"
        return reasons

    def _length_reason(self, text: str) -> str | None:
        n = len(text)
        if n == 0:
            return "empty"
        if n < self.config.min_chars:
            return "too_short"
        return "too_long" if n > self.config.max_chars else None


def dup_line_ratio(text: str) -> float:
    """The share of lines that repeat an earlier line, or 0 for texts under 3 lines.

    >>> dup_line_ratio("가\\n나\\n가\\n가"), dup_line_ratio("가\\n가")
    (0.5, 0.0)
    """
    lines = text.split("\n")
    if len(lines) < _MIN_LINES:
        return 0.0
    return (len(lines) - len(set(lines))) / len(lines)


# Records filtered together (the counts of a batch are a few numpy passes).
FILTER_BATCH = 512
# Records split together: the learned splitter scores a batch at once (the cuts do not depend on it).
SPLIT_BATCH = 512


class SplitSentences:
    """Fills ``sentences``: the configured splitter, or the whole text for ``keep_whole`` sources."""

    name = "split"

    def __init__(self, config: SplitConfig):
        self.config = config

    def __call__(self, records: Iterable[Record], stats: Stats) -> Iterator[Record]:
        split = get_splitter(self.config.splitter)
        keep_whole = set(self.config.keep_whole)
        for chunk in _chunks(records, SPLIT_BATCH):
            to_split = [rec.text for rec in chunk if rec.source not in keep_whole]
            sentences = iter(split_many(split, to_split))
            for rec in chunk:
                rec.sentences = split_none(rec.text) if rec.source in keep_whole else next(sentences)
                if not rec.sentences:
                    stats.drop(self.name, rec.source, "no_sentences")
                    continue
                stats.add(self.name, rec.source, "sentences", len(rec.sentences))
                yield rec


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for rec in records:
        chunk.append(rec)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def record_steps(clean: CleanConfig, filters: FilterConfig, split: SplitConfig) -> list:
    """The per-shard steps of a build, in order."""
    return [Normalize(clean), QualityFilter(filters), SplitSentences(split)]
