"""Counters a shard collects and a build merges: read, kept, dropped by reason.

Counts are nested ``stage -> source -> key -> n`` so that every stage reports
per source; ``seconds`` is per stage; ``problems`` lists bad input with its
file and place (capped so a broken file cannot flood memory).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 200


def _nested() -> defaultdict:
    return defaultdict(lambda: defaultdict(int))


@dataclass
class Stats:
    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=lambda: defaultdict(_nested))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    problems: list[dict[str, Any]] = field(default_factory=list)
    problems_dropped: int = 0

    def add(self, stage: str, source: str, key: str, n: int = 1) -> None:
        self.counts[stage][source][key] += n

    def drop(self, stage: str, source: str, reason: str, n: int = 1) -> None:
        self.add(stage, source, f"dropped:{reason}", n)

    def problem(self, path: str, message: str, offset: int | None = None, line: int | None = None,
                source: str = "-", stage: str = "read") -> None:
        """Record bad input that was skipped (the first ``MAX_PROBLEMS`` in full), counted
        under the key ``problems``."""
        self.add(stage, source, "problems")
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems_dropped += 1
            return
        self.problems.append({"path": str(path), "offset": offset, "line": line, "message": message})

    def time(self, stage: str, seconds: float) -> None:
        self.seconds[stage] += seconds

    def get(self, stage: str, source: str, key: str) -> int:
        return self.counts.get(stage, {}).get(source, {}).get(key, 0)

    def total(self, stage: str, key: str) -> int:
        return sum(per.get(key, 0) for per in self.counts.get(stage, {}).values())

    def drops(self) -> dict[str, dict[str, int]]:
        """Stage -> reason -> documents dropped, summed over the sources."""
        out: dict[str, dict[str, int]] = {}
        for stage, per_source in self.counts.items():
            for keys in per_source.values():
                for key, n in keys.items():
                    if key.startswith("dropped:") and n:
                        reasons = out.setdefault(stage, {})
                        reason = key.removeprefix("dropped:")
                        reasons[reason] = reasons.get(reason, 0) + n
        return out

    def merge(self, other: Stats) -> Stats:
        for stage, per_source in other.counts.items():
            for source, keys in per_source.items():
                for key, n in keys.items():
                    self.counts[stage][source][key] += n
        for stage, s in other.seconds.items():
            self.seconds[stage] += s
        room = MAX_PROBLEMS - len(self.problems)
        self.problems.extend(other.problems[:room])
        self.problems_dropped += other.problems_dropped + max(0, len(other.problems) - room)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {st: {so: dict(k) for so, k in ps.items()} for st, ps in self.counts.items()},
            "seconds": dict(self.seconds),
            "problems": list(self.problems),
            "problems_dropped": self.problems_dropped,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stats:
        stats = cls()
        for stage, per_source in data.get("counts", {}).items():
            for source, keys in per_source.items():
                for key, n in keys.items():
                    stats.counts[stage][source][key] = n
        for stage, s in data.get("seconds", {}).items():
            stats.seconds[stage] = s
        stats.problems = list(data.get("problems", []))
        stats.problems_dropped = data.get("problems_dropped", 0)
        return stats

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
