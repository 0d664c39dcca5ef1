"""Options of duplicate removal (TOML ``[dedup]``)."""

from __future__ import annotations

from dataclasses import dataclass

from korpus.core.errors import ConfigError


@dataclass
class DedupConfig:
    exact: bool = True  # same text once whitespace, punctuation and case are ignored
    near: bool = True  # MinHash LSH near-duplicates
    threshold: float = 0.7  # Jaccard similarity of the shingle sets (bench/dedup.py)
    ngram: int = 5  # characters per shingle (whitespace removed)
    num_perm: int = 128
    seed: int = 1
    false_positive_weight: float = 0.5  # datasketch's weights for picking bands x rows
    false_negative_weight: float = 0.5
    sample_pairs: int = 50  # (kept, removed) pairs shown in the report
    sentences: bool = False  # boilerplate sentences (see dedup/sentences.py for what is applied)
    sentence_copies: int = 1  # copies of a repeated sentence kept
    sentence_min_chars: int = 10  # shorter sentences are never boilerplate

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
        if self.sentence_copies < 1:
            raise ConfigError(f"[dedup] sentence_copies: {self.sentence_copies} must be at least 1")
        if self.sample_pairs < 0:
            raise ConfigError(f"[dedup] sample_pairs: {self.sample_pairs} must be >= 0")
