"""The bundled sample corpus: a few small files in each source format.

``korpus build`` with no sources builds from these, so the whole path runs
right after install. The text was written for korpus and ships under its licence.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from korpus.build.config import SourceSpec

SAMPLE_FILES = {
    "wiki": "kowiki-sample-pages-articles.xml",
    "news": "news",
    "comments": "comments.txt",
    "law": "law",
}


def sample_dir() -> Path:
    return Path(str(resources.files("korpus") / "sample"))


def sample_sources() -> list[SourceSpec]:
    root = sample_dir()
    return [SourceSpec(kind, str(root / name)) for kind, name in SAMPLE_FILES.items()]
