"""Options of duplicate removal (TOML ``[dedup]``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DedupConfig:
    exact: bool = True
    near: bool = True
    threshold: float = 0.8
