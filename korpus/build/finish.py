"""After a build: the dedup reports moved beside the output, the work folder removed, an empty corpus explained.

The work folder (``.korpus-work/``) exists to resume a killed build; once the
corpus and its stats are written it is only disk, so it goes (``--keep-work``
keeps it, and then a re-run skips every shard). The reports a dedup step wrote
there move first to ``X.reports/<step>/`` beside the output.
"""

from __future__ import annotations

import contextlib
import shutil
from collections import Counter
from pathlib import Path

from korpus.core.layout import WORK_DIR_NAME
from korpus.core.stats import Stats
from korpus.crawlers.readers import READERS


def move_reports(work: Path, reports: Path) -> Path | None:
    """Move each step's ``report/`` folder to ``reports/<step>/``; the reports folder, or None if none."""
    found = sorted((work / "global").glob("*/report"))
    for report in found:
        target = reports / report.parent.name.split("-", 1)[-1]  # "1-near_dedup" -> near_dedup
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(report), str(target))
    return reports if found or reports.exists() else None


def remove_work(work: Path) -> None:
    """Remove this build's work folder, and the default ``.korpus-work/`` if that is left empty."""
    shutil.rmtree(work, ignore_errors=True)
    if work.parent.name == WORK_DIR_NAME:
        with contextlib.suppress(OSError):  # not empty: other builds' work
            work.parent.rmdir()


def empty_corpus_reason(stats: Stats, sources: list) -> str | None:
    """Why a build wrote no document, with the likely fix; None if it wrote some."""
    if stats.total("write", "docs"):
        return None
    read = stats.total("read", "docs")
    if read:
        drops = sum((Counter(reasons) for reasons in stats.drops().values()), Counter())
        top = ", ".join(f"{reason} {n:,}" for reason, n in drops.most_common(3))
        return (f"no documents kept: all {read:,} read were dropped ({top}); "
                "loosen the [filter] or [dedup] options in the config if they should stay")
    given = "; ".join(f"{s.kind}={s.path} (a {s.kind} source is {READERS[s.kind].what})" for s in sources)
    if stats.problems:
        first = stats.problems[0]
        n = len(stats.problems) + stats.problems_dropped
        return (f"no documents read: {n:,} input problems, the first {first['path']}: {first['message']}; "
                f"check the field options and the source kinds: {given}")
    return f"no documents read from {given}; is each source of that kind?"
