"""Corpus-size targets: KR-BERT-MEDIUM's built in, others from a TOML file.

A targets file names totals and, optionally, per-source minimums::

    name = "my-corpus"              # optional; defaults to the file's stem
    sentences = 91_000_000
    words = 1_170_000_000
    gb = 12.37                      # UTF-8 text, 1 GB = 10**9 bytes (or: bytes = ...)

    [sources.comments]              # optional: a source's own minimums
    gb = 2.5

Metrics: ``documents``, ``sentences``, ``words`` (eojeol in the sentences),
``characters``, ``bytes`` (or ``gb``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from korpus.core.errors import ConfigError

METRICS = ("documents", "sentences", "words", "characters", "bytes")
GB = 10**9


@dataclass(frozen=True)
class Targets:
    name: str
    total: dict[str, int]
    sources: dict[str, dict[str, int]] = field(default_factory=dict)
    description: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "description": self.description, "total": dict(self.total),
                "sources": {s: dict(t) for s, t in self.sources.items()}}


# The corpus figures SNU published with KR-BERT-MEDIUM (Wikipedia, news, law, news comments).
KRBERT_MEDIUM = Targets(
    name="krbert-medium",
    description="KR-BERT-MEDIUM pretraining corpus: 12.37 GB, 91M sentences, 1.17B words",
    total={"sentences": 91_000_000, "words": 1_170_000_000, "bytes": 12_370_000_000},
)
BUILT_IN = {KRBERT_MEDIUM.name: KRBERT_MEDIUM}


def load_targets(spec: str | Path) -> Targets:
    """A built-in name (``krbert-medium``) or the path of a TOML file."""
    if str(spec) in BUILT_IN:
        return BUILT_IN[str(spec)]
    path = Path(spec)
    if not path.is_file():
        known = ", ".join(BUILT_IN)
        raise ConfigError(f"--targets {spec}: neither a built-in target ({known}) nor a TOML file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    return parse_targets(data, path)


def parse_targets(data: dict, path: Path) -> Targets:
    name = data.pop("name", path.stem)
    description = data.pop("description", "")
    sources = data.pop("sources", {})
    if not isinstance(sources, dict):
        raise ConfigError(f"{path}: 'sources' must be a table of [sources.<name>] tables")
    total = _metrics(data, path, "")
    per_source = {}
    for source, table in sources.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [sources.{source}] must be a table of metrics")
        per_source[source] = _metrics(dict(table), path, f"sources.{source}.")
    if not total and not any(per_source.values()):
        raise ConfigError(f"{path}: no targets; set one of {', '.join((*METRICS, 'gb'))}")
    return Targets(name=str(name), total=total, sources=per_source, description=str(description))


def _metrics(table: dict, path: Path, prefix: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, value in table.items():
        if key not in (*METRICS, "gb"):
            raise ConfigError(f"{path}: unknown key '{prefix}{key}' "
                              f"(known: name, description, sources, {', '.join((*METRICS, 'gb'))})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{path}: '{prefix}{key}' must be a positive number, not {value!r}")
        metric, n = ("bytes", round(value * GB)) if key == "gb" else (key, round(value))
        if metric in out:
            raise ConfigError(f"{path}: '{prefix}gb' and '{prefix}bytes' both set; keep one")
        out[metric] = n
    return out
