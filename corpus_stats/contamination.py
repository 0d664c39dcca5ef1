"""The decontamination report a build wrote beside its stats, for ``korpus stats`` to show."""

from __future__ import annotations

import json
from pathlib import Path

from korpus.core.errors import InputError
from korpus.core.layout import reports_dir_for

REPORT = Path("decontaminate") / "decontamination.json"
COLUMNS = ("set", "examples", "too short", "found", "exact", "containment", "docs dropped", "docs cut",
           "sentences removed")


def contamination_path(corpus: str | Path) -> Path:
    """``X.reports/decontaminate/decontamination.json`` for corpus file or folder ``X``."""
    corpus = Path(corpus)
    return reports_dir_for(corpus, corpus.is_dir()) / REPORT


def load_contamination(corpus: str | Path) -> dict | None:
    """The report, or None when the build recorded none."""
    path = contamination_path(corpus)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"not a decontamination report ({err})") from None


def contamination_rows(report: dict) -> list[list[str]]:
    """One row of :data:`COLUMNS` per evaluation set."""
    rows = []
    for s in report.get("sets", []):
        f = s["found"]
        rows.append([s["name"], *(f"{v:,}" for v in (
            s["examples"], s["too_short_skipped"], f["total"], f["exact"], f["containment"],
            s["documents_dropped"], s["documents_cut"], s["sentences_removed"]))])
    return rows
