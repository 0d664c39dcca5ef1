"""The global steps of a build, in order, from the ``[dedup]`` options.

Exact first: near-duplicate removal then ignores the rows exact removal
already dropped (and needs fewer comparisons); boilerplate sentences last,
counted only in the documents that stay.
"""

from __future__ import annotations

from korpus.dedup.config import DedupConfig, NearOptions, SentenceOptions, options_of


def global_steps(config: DedupConfig) -> list:
    steps: list = []
    if config.exact:
        from korpus.dedup.exact import ExactDedup

        steps.append(ExactDedup())
    if config.near:
        from korpus.dedup.near import NearDedup

        steps.append(NearDedup(**options_of(NearOptions, config)))
    if config.sentences:
        from korpus.dedup.boilerplate import SentenceDedup

        steps.append(SentenceDedup(**options_of(SentenceOptions, config)))
    return steps
