"""Options of the cleaning, filtering and splitting steps (TOML ``[clean]``, ``[filter]``, ``[split]``)."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAL_SOURCES = ("wiki", "news", "law", "text", "jsonl")


@dataclass
class CleanConfig:
    # Per-source profile: "formal" keeps text as written, "informal" adds the KcBERT treatment.
    profiles: dict[str, str] = field(default_factory=lambda: {"comments": "informal"})
    default_profile: str = "formal"

    def profile_for(self, source: str) -> str:
        return self.profiles.get(source, self.default_profile)


@dataclass
class FilterConfig:
    min_chars: int = 10
    max_chars: int = 1_000_000


@dataclass
class SplitConfig:
    splitter: str = "fast"
    # Sources whose documents stay one unit (KcBERT counted one comment per line).
    keep_whole: list[str] = field(default_factory=lambda: ["comments"])
