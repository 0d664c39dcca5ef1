"""Everything ``korpus stats`` reports, gathered once and rendered three ways."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from korpus.core.errors import InputError
from korpus.core.io import write_text_atomic
from korpus.corpus_stats.build_stats import Funnel, build_stats_path, load_build_stats
from korpus.corpus_stats.compare import TargetResult, check, compare
from korpus.corpus_stats.contamination import load_contamination
from korpus.corpus_stats.distribution import Distribution, histogram_edges
from korpus.corpus_stats.scan import COUNTS, CorpusCounts, SourceCounts, scan_corpus
from korpus.corpus_stats.scripts import shares
from korpus.corpus_stats.targets import GB, Targets, load_targets

REPORT_SCHEMA = "korpus-stats/1"
TOTAL = "total"


@dataclass
class Report:
    corpus: Path
    counts: CorpusCounts
    targets: Targets
    results: list[TargetResult]
    funnel: Funnel | None
    build_stats: Path  # where the build stats were looked for
    contamination: dict | None = None  # the build's decontamination report, if it recorded one

    @property
    def missed(self) -> list[TargetResult]:
        return [r for r in self.results if not r.met]

    def check(self) -> None:
        """Raise ``TargetsMissed`` naming every target the corpus misses."""
        check(self.results, self.targets)

    def lengths(self) -> dict[str, dict[str, Distribution]]:
        """``{"sentence_characters": {source|"total": dist}, "document_characters": ...}``."""
        return {
            "sentence_characters": {TOTAL: self.counts.all_sentence_lengths(), **self.counts.sentence_lengths},
            "document_characters": {TOTAL: self.counts.all_document_lengths(), **self.counts.document_lengths},
        }

    def to_dict(self) -> dict:
        lengths = {}
        for kind, dists in self.lengths().items():
            edges = histogram_edges(dists[TOTAL])  # shared, so the sources' histograms line up
            lengths[kind] = {name: dist.to_dict(edges) for name, dist in dists.items()}
        return {
            "schema": REPORT_SCHEMA,
            "corpus": str(self.corpus),
            "files": [str(f) for f in self.counts.files],
            "parquet_bytes": self.counts.parquet_bytes,
            "scan_seconds": round(self.counts.seconds, 3),
            "total": counts_dict(self.counts.total),
            "sources": {name: counts_dict(c) for name, c in self.counts.sources.items()},
            "lengths": lengths,
            "targets": self.targets.to_dict(),
            "results": [r.to_dict() for r in self.results],
            "missed": [r.label for r in self.missed],
            "build_stats": str(self.build_stats),
            "build": self.funnel.to_dict() if self.funnel else None,
            "contamination": self.contamination,
        }


def counts_dict(c: SourceCounts) -> dict:
    out: dict = {name: c.get(name) for name in COUNTS}
    out["gb"] = c.bytes / GB
    out["scripts"] = dict(c.scripts)
    out["script_shares"] = shares(c.scripts)
    return out


def make_report(corpus: str | Path, targets: str | Path | Targets = "krbert-medium",
                build_stats: str | Path | None = None) -> Report:
    """Scan ``corpus`` and compare it with ``targets`` (a built-in name, a TOML path or ``Targets``).

    ``build_stats`` defaults to the file the build wrote beside the corpus; when
    there is none the report has no funnel and projections use corpus bytes.
    """
    corpus = Path(corpus)
    targets = targets if isinstance(targets, Targets) else load_targets(targets)
    stats_path = Path(build_stats) if build_stats else build_stats_path(corpus)
    if build_stats and not stats_path.is_file():
        raise InputError(str(stats_path), "no such build stats file")
    funnel = load_build_stats(stats_path)
    counts = scan_corpus(corpus)
    return Report(corpus=corpus, counts=counts, targets=targets,
                  results=compare(counts, targets, funnel), funnel=funnel, build_stats=stats_path,
                  contamination=load_contamination(corpus))


def write_json(report: Report, path: str | Path) -> None:
    write_text_atomic(path, json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
