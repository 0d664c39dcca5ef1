"""The global steps of a build, in order, from the ``[dedup]`` options."""

from __future__ import annotations

from dedup.config import DedupConfig


def global_steps(config: DedupConfig) -> list:
    steps = []
    if config.exact:
        from dedup.exact import ExactDedup

        steps.append(ExactDedup())
    return steps
