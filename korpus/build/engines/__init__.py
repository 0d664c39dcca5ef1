"""The engines a build (and ``korpus pretrain data``) runs its tasks on; see :mod:`korpus.core.engine`."""

from __future__ import annotations

from korpus.build.engines.local import LocalEngine, default_workers
from korpus.core.engine import Engine
from korpus.core.errors import ConfigError

ENGINES = ("local", "ray")

__all__ = ["ENGINES", "Engine", "LocalEngine", "default_workers", "make_engine"]


def make_engine(name: str, workers: int = 0, address: str | None = None) -> Engine:
    if name == "local":
        return LocalEngine(workers)
    if name == "ray":
        from korpus.build.engines.ray import RayEngine

        return RayEngine(workers, address)
    raise ConfigError(f"unknown engine '{name}' (known: {', '.join(ENGINES)})")
