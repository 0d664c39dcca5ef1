"""Options of duplicate removal (TOML ``[dedup]``).

Each option is declared once, with its default and its check: the steps are
built on their options (:class:`korpus.dedup.near.NearDedup` on
:class:`NearOptions`, :class:`korpus.dedup.boilerplate.SentenceDedup` on
:class:`SentenceOptions`), and the ``[dedup]`` section is all of them plus the
switches that choose the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from korpus.core.errors import ConfigError


def options_of(cls: type, config: object) -> dict[str, object]:
    """The ``cls`` options of ``config`` (an instance of a subclass), as keyword arguments."""
    return {f.name: getattr(config, f.name) for f in fields(cls)}


@dataclass
class NearOptions:
    """MinHash LSH near-duplicates."""

    threshold: float = 0.7  # Jaccard similarity of the shingle sets (bench/dedup.py)
    num_perm: int = 128
    seed: int = 1
    ngram: int = 5  # characters per shingle (whitespace removed)
    false_positive_weight: float = 0.5  # datasketch's weights for picking bands x rows
    false_negative_weight: float = 0.5
    sample_pairs: int = 50  # (kept, removed) pairs shown in the report

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"[dedup] threshold: {self.threshold} is not between 0 and 1")
        if self.ngram < 1:
            raise ConfigError(f"[dedup] ngram: {self.ngram} must be at least 1")
        if not 2 <= self.num_perm <= 1024:
            raise ConfigError(f"[dedup] num_perm: {self.num_perm} must be between 2 and 1024")
        if self.false_positive_weight < 0 or self.false_negative_weight < 0 or \
                self.false_positive_weight + self.false_negative_weight <= 0:
            raise ConfigError("[dedup] false_positive_weight, false_negative_weight: must be >= 0, not both 0")
        if self.sample_pairs < 0:
            raise ConfigError(f"[dedup] sample_pairs: {self.sample_pairs} must be >= 0")


@dataclass
class SentenceOptions:
    """Boilerplate sentences (see dedup/boilerplate.py for what is applied)."""

    sentence_copies: int = 1  # copies of a repeated sentence kept
    sentence_min_chars: int = 10  # shorter sentences ("네.", "감사합니다.") are never boilerplate

    def __post_init__(self) -> None:
        if self.sentence_copies < 1:
            raise ConfigError(f"[dedup] sentence_copies: {self.sentence_copies} must be at least 1")


@dataclass
class DedupConfig(SentenceOptions, NearOptions):
    exact: bool = True  # same text once whitespace, punctuation and case are ignored
    near: bool = True  # MinHash LSH near-duplicates
    sentences: bool = False  # boilerplate sentences

    def __post_init__(self) -> None:
        NearOptions.__post_init__(self)
        SentenceOptions.__post_init__(self)


ACTIONS = ("sentence", "document")


@dataclass
class DecontamSet:
    """One ``[[decontaminate]]`` table (or ``--decontaminate NAME=PATH``): an evaluation set to keep out."""

    name: str
    path: str
    text_field: str | None = None  # default: document, comments, text or sentence (tables), text (JSONL)
    encoding: str = "utf-8"
    action: str = "sentence"  # remove the sentences that carry a match; "document": drop the whole document

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ConfigError(f"[[decontaminate]] {self.name} action: {self.action!r} (expected one of "
                              f"{', '.join(ACTIONS)})")
