"""What a writer is: it turns record batches in the corpus schema into one output file.

The write phase owns everything around it (dropping rows, counting, the temp
name and the rename, resume), so a writer only encodes: a new format is one
small class with this shape, registered in :mod:`korpus.build.writers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pyarrow as pa


class Writer(Protocol):
    name: str  # the --format value
    suffix: str  # of each file it writes: ".parquet", ".jsonl.gz"...

    def write(self, batches: Iterable[pa.RecordBatch], path: Path) -> None:
        """Write every batch (corpus schema, rows in order) to ``path``, a temp name the caller renames."""
        ...
