"""Build configuration: sources and step options, from TOML and flags.

Flags override the file. Every key is checked: a misspelt key or a value of the
wrong type is an error that names the file, the key, the value and what is
allowed, never silently ignored.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from types import NoneType, UnionType
from typing import Any

from korpus.build.writers import WRITERS
from korpus.cleaners.config import CleanConfig, FilterConfig, SplitConfig
from korpus.core.errors import ConfigError, did_you_mean
from korpus.crawlers.readers import check_kind, reader_for
from korpus.dedup.config import DecontamSet, DedupConfig


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
    keep_work: bool = False  # keep the work folder after a finished build (a re-run then skips every shard)
    clean: CleanConfig = field(default_factory=CleanConfig)
    filter: FilterConfig = field(default_factory=FilterConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    decontaminate: list[DecontamSet] = field(default_factory=list)

    def step_options(self) -> dict[str, Any]:
        """What changes the output: keys the work dir, so changed options rebuild."""
        options = {name: dataclasses.asdict(getattr(self, name)) for name in ("clean", "filter", "split", "dedup")}
        if self.decontaminate:  # an edited evaluation file changes the output too
            options["decontaminate"] = [[dataclasses.asdict(s), *_stat(s.path)] for s in self.decontaminate]
        return options


SECTIONS = {"clean": CleanConfig, "filter": FilterConfig, "split": SplitConfig, "dedup": DedupConfig}
SCALAR_KEYS = ("out", "work_dir", "workers", "engine", "ray_address", "export_txt", "format", "keep_work")
TOP_KEYS = {"source", "decontaminate", *SCALAR_KEYS, *SECTIONS}


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
    hints = typing.get_type_hints(BuildConfig)
    for key in SCALAR_KEYS:
        if key in data:
            check_type(data[key], hints[key], f"{where} {key}")
            setattr(cfg, key, data[key])
    if cfg.format is not None and cfg.format not in WRITERS:
        raise ConfigError(f"{where}: format {cfg.format!r}: unknown format (known: {', '.join(WRITERS)})")
    for name, cls in SECTIONS.items():
        if name in data:
            setattr(cfg, name, dataclass_from(cls, data[name], where, name))
    cfg.sources = [_source(s, f"{where} [[source]] #{i + 1}") for i, s in enumerate(data.get("source", []))]
    tables = data.get("decontaminate", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{where}: decontaminate: expected [[decontaminate]] tables (name, path, ...)")
    cfg.decontaminate = [_decontam(t, f"{where} [[decontaminate]] #{i + 1}") for i, t in enumerate(tables)]
    return cfg


def _decontam(entry: Any, where: str) -> DecontamSet:
    if not isinstance(entry, dict) or "name" not in entry or "path" not in entry:
        raise ConfigError(f"{where}: an evaluation set needs 'name' and 'path'")
    return dataclass_from(DecontamSet, entry, where, "decontaminate")


def parse_decontaminate_flag(value: str) -> DecontamSet:
    """``NAME=PATH`` from ``--decontaminate``."""
    from korpus.dedup.evalsets import parse_eval_flag

    return DecontamSet(*parse_eval_flag(value, "--decontaminate"))


def _stat(path: str) -> tuple[int, int]:
    try:
        st = Path(path).stat()
    except OSError:
        return (-1, -1)  # a missing file is reported before the build starts
    return st.st_size, st.st_mtime_ns


def _source(entry: Any, where: str) -> SourceSpec:
    if not isinstance(entry, dict) or "kind" not in entry or "path" not in entry:
        raise ConfigError(f"{where}: a source needs 'kind' and 'path'")
    kind = entry["kind"]
    check_kind(kind, where)
    options = {k: v for k, v in entry.items() if k not in ("kind", "path")}
    try:
        reader_for(kind, **options)  # an option the reader does not take fails here, naming the file
    except ConfigError as err:
        raise ConfigError(f"{where}: {err}") from None
    return SourceSpec(kind, str(entry["path"]), options)


def parse_source_flag(value: str) -> SourceSpec:
    """``KIND=PATH`` from ``--source``."""
    kind, sep, path = value.partition("=")
    if not sep or not path:
        raise ConfigError(f"--source {value!r}: expected KIND=PATH, e.g. comments=data/comments.txt")
    check_kind(kind)
    return SourceSpec(kind, path)


def dataclass_from(cls: type, data: Any, where: str, section: str):
    """A section's options from its TOML table: keys and types checked here, values by ``cls``."""
    head = f"{where} [{section}]"
    if not isinstance(data, dict):
        raise ConfigError(f"{head}: expected a table of options, got {data!r}")
    _check_keys(data, {f.name for f in dataclasses.fields(cls)}, head)
    hints = typing.get_type_hints(cls)
    for key, value in data.items():
        check_type(value, hints[key], f"{head} {key}")
    try:
        return cls(**data)
    except ConfigError as err:  # a bad value, found by the section's own checks ("[dedup] threshold: ...")
        message = str(err).removeprefix(f"[{section}] ")
        raise ConfigError(f"{head} {message}") from None


_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def check_type(value: Any, hint: Any, where: str) -> None:
    """A ConfigError naming ``where``, the value and the type wanted, unless ``value`` is a ``hint``.

    >>> check_type(0.7, float, "[dedup] threshold"); check_type(["a"], list[str], "[split] keep_whole")
    >>> check_type("0.7", float, "c.toml [dedup] threshold")
    Traceback (most recent call last):
    korpus.core.errors.ConfigError: c.toml [dedup] threshold: expected a number, got '0.7'
    """
    if not _is_a(value, hint):
        raise ConfigError(f"{where}: expected {describe_type(hint)}, got {value!r}")


def _is_a(value: Any, hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, UnionType):
        return any(_is_a(value, a) for a in args if a is not NoneType)
    if origin is list or origin is tuple:
        return isinstance(value, list | tuple) and all(_is_a(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(_is_a(k, args[0]) and _is_a(v, args[1]) for k, v in value.items())
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return hint is Any or isinstance(value, hint)


def describe_type(hint: Any) -> str:
    """What a type hint allows, in words.

    >>> describe_type(dict[str, str]), describe_type(list[str]), describe_type(str | None)
    ('a table of strings', 'a list of strings', 'a string')
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, UnionType):
        return " or ".join(describe_type(a) for a in args if a is not NoneType)
    if origin is list or origin is tuple:
        return "a list of " + describe_type(args[0]).removeprefix("a ") + "s"
    if origin is dict:
        return "a table of " + describe_type(args[1]).removeprefix("a ") + "s"
    return _TYPE_WORDS.get(hint, getattr(hint, "__name__", str(hint)))


def _check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(repr(k) for k in unknown)} (known: {', '.join(sorted(allowed))})"
            f"{did_you_mean(unknown[0], allowed)}"
        )
