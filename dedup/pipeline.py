"""The global steps of a build, in order, from the ``[dedup]`` options.

Decontamination first (every document is checked against the evaluation sets),
then exact: near-duplicate removal then ignores the rows exact removal
already dropped (and needs fewer comparisons); boilerplate sentences last,
counted only in the documents that stay.
"""

from __future__ import annotations

from korpus.dedup.config import DecontamSet, DedupConfig, NearOptions, SentenceOptions, options_of


def global_steps(config: DedupConfig, decontaminate: list[DecontamSet] | None = None) -> list:
    steps: list = []
    if decontaminate:
        from korpus.dedup.decontaminate import Decontaminate

        steps.append(Decontaminate(list(decontaminate)))
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
