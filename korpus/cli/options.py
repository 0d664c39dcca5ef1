"""Options that more than one command takes, declared once.

Factories, not shared objects, because each command picks its default: ``korpus
build`` takes ``None`` so that an unset flag leaves the TOML's value alone.
"""

from __future__ import annotations

import typer

from korpus.build.engines import ENGINES


def workers_option(default: int | None):
    return typer.Option(default, "--workers", "-w", help="Worker processes (default: one per core).")


def engine_option(default: str | None):
    return typer.Option(default, "--engine", help=f"{' or '.join(ENGINES)} (default local: a process pool).")


def ray_address_option():
    return typer.Option(None, "--ray-address", help="Ray cluster address for --engine ray.")
