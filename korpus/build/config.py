"""Build configuration: sources and step options, from TOML and flags.

Flags override the file. Every key is checked: a misspelt key is an error that
names it and the file, never silently ignored.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from korpus.build.writers import WRITERS
from korpus.cleaners.config import CleanConfig, FilterConfig, SplitConfig
from korpus.core.errors import ConfigError
from korpus.crawlers.readers import check_kind
from korpus.dedup.config import DedupConfig


@dataclass
class SourceSpec:
    kind: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class BuildConfig:
    sources: list[SourceSpec] = field(default_factory=list)
    out: str = "corpus.parquet"
    work_dir: str | None = None
    workers: int = 0  # 0: one per core
    engine: str = "local"
    ray_address: str | None = None
    export_txt: str | None = None
    format: str | None = None  # writer (korpus.build.writers); None: from the --out name, else parquet
    clean: CleanConfig = field(default_factory=CleanConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)

    def step_options(self) -> dict[str, Any]:
        """What changes the output: keys the work dir, so changed options rebuild."""
        return {name: dataclasses.asdict(getattr(self, name)) for name in ("clean", "filter", "split", "dedup")}


SECTIONS = {"clean": CleanConfig, "filter": FilterConfig, "split": SplitConfig, "dedup": DedupConfig}
SCALAR_KEYS = ("out", "work_dir", "workers", "engine", "ray_address", "export_txt", "format")
TOP_KEYS = {"source", *SCALAR_KEYS, *SECTIONS}


def load_config(path: str | Path | None) -> BuildConfig:
    if path is None:
        return BuildConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    return config_from_mapping(data, str(path))


def config_from_mapping(data: dict[str, Any], where: str = "config") -> BuildConfig:
    _check_keys(data, TOP_KEYS, where)
    cfg = BuildConfig()
    for key in SCALAR_KEYS:
        if key in data:
            setattr(cfg, key, data[key])
    if cfg.format is not None and cfg.format not in WRITERS:
        raise ConfigError(f"{where}: format {cfg.format!r}: unknown format (known: {', '.join(WRITERS)})")
    for name, cls in SECTIONS.items():
        if name in data:
            setattr(cfg, name, dataclass_from(cls, data[name], f"{where} [{name}]"))
    cfg.sources = [_source(s, f"{where} [[source]] #{i + 1}") for i, s in enumerate(data.get("source", []))]
    return cfg


def _source(entry: Any, where: str) -> SourceSpec:
    if not isinstance(entry, dict) or "kind" not in entry or "path" not in entry:
        raise ConfigError(f"{where}: a source needs 'kind' and 'path'")
    kind = entry["kind"]
    check_kind(kind, where)
    options = {k: v for k, v in entry.items() if k not in ("kind", "path")}
    return SourceSpec(kind, str(entry["path"]), options)


def parse_source_flag(value: str) -> SourceSpec:
    """``KIND=PATH`` from ``--source``."""
    kind, sep, path = value.partition("=")
    if not sep or not path:
        raise ConfigError(f"--source {value!r}: expected KIND=PATH, e.g. comments=data/comments.txt")
    check_kind(kind)
    return SourceSpec(kind, path)


def dataclass_from(cls: type, data: Any, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table of options")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    _check_keys(data, set(fields), where)
    try:
        return cls(**data)
    except ConfigError as err:  # a bad value, found by the section's own checks
        raise ConfigError(f"{where}: {err}") from None
    except TypeError as err:
        raise ConfigError(f"{where}: {err}") from None


def _check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(repr(k) for k in unknown)} (known: {', '.join(sorted(allowed))})"
        )
