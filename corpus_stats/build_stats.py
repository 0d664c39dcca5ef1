"""The build's own counts (``X.stats.json`` beside ``X.parquet`` or folder ``X/``) as a funnel.

The file is ``korpus.core.stats.Stats.to_dict()``: ``counts[stage][source][key]``.
Stages and keys differ between builds and versions, so everything here is
lenient: a stage's documents are its ``kept`` (or ``docs``) count, drops are
the ``dropped:<reason>`` keys, and whatever else a stage counts is kept as is.
The funnel has three steps per source:

- **read**: documents the readers produced (stage ``read``);
- **cleaned**: stage ``cleaned`` if the build counted it, else read minus the
  drops of the cleaning stages;
- **deduplicated**: stage ``write`` if counted, else cleaned minus the
  duplicate drops.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from korpus.core.errors import InputError
from korpus.core.layout import stats_file_for

FUNNEL = ("read", "cleaned", "deduplicated")
STAGE_ORDER = ("read", "normalize", "filter", "split", "cleaned", "exact_dedup", "near_dedup", "dedup",
               "write")
DOC_KEYS = ("kept", "docs", "documents")
ALL_SOURCES = "*"  # counters of a whole stage, not of one source


def build_stats_path(corpus: str | Path) -> Path:
    """Where ``korpus build --out CORPUS`` put its stats."""
    corpus = Path(corpus)
    return stats_file_for(corpus, as_dir=corpus.is_dir())


@dataclass
class Drop:
    stage: str
    reason: str
    per_source: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.per_source.values())

    @property
    def is_duplicate(self) -> bool:
        return "dup" in self.stage or "dup" in self.reason


@dataclass
class Funnel:
    path: Path
    counts: dict[str, dict[str, dict[str, int]]]
    stages: list[str]
    steps: dict[str, dict[str, dict[str, int | None]]]  # source -> step -> {documents, bytes}
    drops: list[Drop]
    raw_bytes: dict[str, int]  # counts.read.<source>.input_bytes (on disk), else .bytes (text read)
    seconds: dict[str, float] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    problems_dropped: int = 0

    def step_total(self, step: str, key: str = "documents") -> int | None:
        values = [per[step][key] for per in self.steps.values()]
        return None if not values or any(v is None for v in values) else sum(values)

    def to_dict(self) -> dict:
        return {
            "path": str(self.path),
            "stages": self.stages,
            "funnel": {source: steps for source, steps in self.steps.items()},
            "funnel_total": {step: {"documents": self.step_total(step), "bytes": self.step_total(step, "bytes")}
                             for step in FUNNEL},
            "drops": [{"stage": d.stage, "reason": d.reason, "total": d.total, "per_source": d.per_source}
                      for d in self.drops],
            "raw_bytes": self.raw_bytes,
            "seconds": self.seconds,
            "problems": self.problems,
            "problems_dropped": self.problems_dropped,
            "counts": self.counts,
        }


def load_build_stats(path: str | Path) -> Funnel | None:
    """The funnel from a build stats file; ``None`` when there is no such file."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"not a build stats JSON file ({err})") from None
    counts = data.get("counts") if isinstance(data, dict) else None
    if not isinstance(counts, dict):
        raise InputError(str(path), "no 'counts' object: not a korpus build stats file")
    return funnel_from_counts(_clean_counts(counts), path, data)


def _clean_counts(counts: dict) -> dict[str, dict[str, dict[str, int]]]:
    """Only ``stage -> source -> key -> integer``; anything else is left out."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for stage, per_source in counts.items():
        if not isinstance(per_source, dict):
            continue
        for source, keys in per_source.items():
            if isinstance(keys, dict):
                ints = {k: int(v) for k, v in keys.items()
                        if isinstance(v, int | float) and not isinstance(v, bool)}
                out.setdefault(str(stage), {})[str(source)] = ints
    return out


def funnel_from_counts(counts: dict[str, dict[str, dict[str, int]]], path: Path,
                       data: dict | None = None) -> Funnel:
    data = data or {}
    stages = sorted(counts, key=_stage_rank)
    drops = _drops(counts, stages)
    sources = sorted({s for per in counts.values() for s in per if s != ALL_SOURCES})
    steps = {source: _steps(counts, drops, source) for source in sources}
    # Input size on disk where the build recorded it, else the text the readers produced.
    raw = {s: keys.get("input_bytes", keys["bytes"]) for s, keys in counts.get("read", {}).items()
           if s != ALL_SOURCES and "bytes" in keys}
    seconds = {str(k): float(v) for k, v in (data.get("seconds") or {}).items()
               if isinstance(v, int | float)}
    problems = data.get("problems") if isinstance(data.get("problems"), list) else []
    return Funnel(path=path, counts=counts, stages=stages, steps=steps, drops=drops, raw_bytes=raw,
                  seconds=seconds, problems=problems,
                  problems_dropped=int(data.get("problems_dropped") or 0))


def _stage_rank(stage: str) -> tuple[int, str]:
    if stage in STAGE_ORDER:
        return STAGE_ORDER.index(stage), ""
    # Unknown stages: cleaning ones before "cleaned", duplicate removal before "write".
    before = "write" if "dup" in stage else "cleaned"
    return STAGE_ORDER.index(before) - 1, stage


def _drops(counts: dict, stages: list[str]) -> list[Drop]:
    drops = []
    for stage in stages:
        reasons: dict[str, dict[str, int]] = {}
        for source, keys in counts[stage].items():
            for key, n in keys.items():
                if key.startswith("dropped:") and n:
                    reasons.setdefault(key.removeprefix("dropped:"), {})[source] = n
        drops.extend(Drop(stage, reason, per) for reason, per in sorted(reasons.items()))
    return drops


def _docs(counts: dict, stage: str, source: str) -> int | None:
    keys = counts.get(stage, {}).get(source, {})
    return next((keys[k] for k in DOC_KEYS if k in keys), None)


def _bytes(counts: dict, stage: str, source: str) -> int | None:
    return counts.get(stage, {}).get(source, {}).get("bytes")


def _steps(counts: dict, drops: list[Drop], source: str) -> dict[str, dict[str, int | None]]:
    def dropped(duplicates: bool) -> int:
        return sum(d.per_source.get(source, 0) for d in drops
                   if d.stage != "read" and d.is_duplicate == duplicates)

    read = _docs(counts, "read", source)
    cleaned = _docs(counts, "cleaned", source)
    if cleaned is None and read is not None:
        cleaned = read - dropped(duplicates=False)
    dedup = _docs(counts, "write", source)
    if dedup is None and cleaned is not None:
        dedup = cleaned - dropped(duplicates=True)
    return {
        "read": {"documents": read, "bytes": _bytes(counts, "read", source)},
        "cleaned": {"documents": cleaned, "bytes": _bytes(counts, "cleaned", source)},
        "deduplicated": {"documents": dedup, "bytes": _bytes(counts, "write", source)},
    }
