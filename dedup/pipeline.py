"""The global steps of a build, in order, from the ``[dedup]`` options.

Exact first: near-duplicate removal then ignores the rows exact removal
already dropped (and needs fewer comparisons); boilerplate sentences last,
counted only in the documents that stay.
"""

from __future__ import annotations

from korpus.dedup.config import DedupConfig


def global_steps(config: DedupConfig) -> list:
    steps: list = []
    if config.exact:
        from korpus.dedup.exact import ExactDedup

        steps.append(ExactDedup())
    if config.near:
        from korpus.dedup.near import NearDedup

        steps.append(NearDedup(threshold=config.threshold, num_perm=config.num_perm, seed=config.seed,
                               ngram=config.ngram, false_positive_weight=config.false_positive_weight,
                               false_negative_weight=config.false_negative_weight,
                               sample_pairs=config.sample_pairs))
    if config.sentences:
        from korpus.dedup.boilerplate import SentenceDedup

        steps.append(SentenceDedup(copies=config.sentence_copies, min_chars=config.sentence_min_chars))
    return steps
