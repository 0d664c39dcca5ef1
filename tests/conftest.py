"""Shared test helpers: repo paths, the shared corpora, and running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
REFERENCE = SHARED / "reference"
# bench/gold.py scores splitters on the gold sets; the splitter tests use it too.
sys.path.append(str(REPO / "bench"))  # last: its script names must not shadow a package
# Caches (the evaluation index) go to a folder of this run, never to the user's ~/.cache.
os.environ.setdefault("KORPUS_CACHE_DIR", tempfile.mkdtemp(prefix="korpus-test-cache-"))


def needs_shared(path: Path = CORPORA):
    """Skip where ../shared is absent (the core suite must pass without it)."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


def run_korpus(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300,
               check: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m korpus ARGS`` in a fresh process, capturing text output."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "korpus", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"korpus {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc
