"""The corpus against its targets, and how much more input would meet them.

A projection assumes the yield stays what it was: if a source gave ``m``
sentences from ``r`` bytes of raw text (what the build's readers produced,
``counts.read.<source>.bytes``), then ``d`` more sentences need ``d * r / m``
more raw bytes of that source. Without build stats the corpus bytes stand in
for the raw bytes (a yield of 1: the figure is corpus text, not raw input).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from korpus.core.errors import KorpusError
from korpus.corpus_stats.build_stats import Funnel
from korpus.corpus_stats.scan import CorpusCounts, SourceCounts
from korpus.corpus_stats.targets import GB, Targets

ALL = "all sources"  # the projection that keeps the current mix of sources


@dataclass(frozen=True)
class Projection:
    source: str
    basis: str  # "raw": build stats gave raw bytes; "corpus": corpus bytes stood in
    yield_: float | None  # corpus bytes per raw byte
    more_gb: float | None  # more input of this source needed; None if it yields none

    def phrase(self) -> str:
        """``at this yield (61% kept), about 4.2 GB more raw comments``."""
        if self.more_gb is None:
            return f"{self.source} yields none"
        if self.basis == "raw":
            what = "raw input (current mix)" if self.source == ALL else f"raw {self.source}"
            kept = f" ({self.yield_:.0%} kept)" if self.yield_ is not None else ""
            return f"at this yield{kept}, about {self.more_gb:,.2f} GB more {what}"
        what = "corpus text in the current mix" if self.source == ALL else f"{self.source} corpus text"
        return f"about {self.more_gb:,.2f} GB more {what}"

    def to_dict(self) -> dict:
        return {"source": self.source, "basis": self.basis, "yield": self.yield_,
                "more_gb": self.more_gb}


@dataclass(frozen=True)
class TargetResult:
    scope: str  # "total" or a source name
    metric: str
    have: int
    target: int
    projections: list[Projection] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.have >= self.target

    @property
    def share(self) -> float:
        return self.have / self.target

    @property
    def missing(self) -> int:
        return max(0, self.target - self.have)

    @property
    def label(self) -> str:
        return self.metric if self.scope == "total" else f"{self.scope} {self.metric}"

    @property
    def headline(self) -> Projection | None:
        """The current-mix projection (or the only one, for a one-source target)."""
        return self.projections[-1] if self.projections else None

    def describe(self) -> str:
        return f"{self.label} {fmt_metric(self.metric, self.have)} of {fmt_metric(self.metric, self.target)} ({self.share:.1%})"

    def to_dict(self) -> dict:
        return {"scope": self.scope, "metric": self.metric, "have": self.have, "target": self.target,
                "share": self.share, "met": self.met, "missing": self.missing,
                "projections": [p.to_dict() for p in self.projections]}


class TargetsMissed(KorpusError):
    """``--check`` failed: names every target the corpus does not reach."""

    def __init__(self, targets: str, missed: list[TargetResult]):
        self.missed = missed
        listed = "; ".join(r.describe() for r in missed)
        super().__init__(f"{len(missed)} {targets} target(s) missed: {listed}")


def fmt_bytes(n: int) -> str:
    """Decimal units, as the targets are given.

    >>> fmt_bytes(12_370_000_000), fmt_bytes(2_500_000), fmt_bytes(1_387)
    ('12.37 GB', '2.50 MB', '1,387 B')
    """
    if n >= GB:
        return f"{n / GB:,.2f} GB"
    return f"{n / 10**6:,.2f} MB" if n >= 10**6 else f"{n:,} B"


def fmt_metric(metric: str, n: int) -> str:
    """Bytes in decimal units, other counts in full.

    >>> fmt_metric("sentences", 91_000_000), fmt_metric("bytes", 12_370_000_000)
    ('91,000,000', '12.37 GB')
    """
    return fmt_bytes(n) if metric == "bytes" else f"{n:,}"


def compare(counts: CorpusCounts, targets: Targets, funnel: Funnel | None = None) -> list[TargetResult]:
    raw = funnel.raw_bytes if funnel else {}
    results = [_result("total", metric, counts.total.get(metric), target, counts.sources, raw)
               for metric, target in targets.total.items()]
    for source, metrics in targets.sources.items():
        have = counts.sources.get(source, SourceCounts())
        results.extend(_result(source, metric, have.get(metric), target, {source: have}, raw)
                       for metric, target in metrics.items())
    return results


@dataclass(frozen=True)
class ProjectionRow:
    source: str
    basis: str
    yield_: float | None
    more_gb: dict[str, float | None]  # target label -> GB more input of this source


def projection_rows(results: list[TargetResult]) -> list[ProjectionRow]:
    """Per source, how much more of it alone would meet each missed total target."""
    missed = [r for r in results if r.scope == "total" and not r.met]
    rows: dict[str, ProjectionRow] = {}
    for r in missed:
        for p in r.projections:
            row = rows.setdefault(p.source, ProjectionRow(p.source, p.basis, p.yield_, {}))
            row.more_gb[r.label] = p.more_gb
    return list(rows.values())


def check(results: list[TargetResult], targets: Targets) -> None:
    """Raise :class:`TargetsMissed` naming every target not met."""
    missed = [r for r in results if not r.met]
    if missed:
        raise TargetsMissed(targets.name, missed)


def _result(scope: str, metric: str, have: int, target: int, sources: dict[str, SourceCounts],
            raw: dict[str, int]) -> TargetResult:
    projections = []
    if have < target:
        projections = [project(s, c, metric, target - have, raw.get(s)) for s, c in sources.items()]
        if len(sources) > 1:
            projections.append(_project_mix(sources, metric, target - have, raw))
    return TargetResult(scope, metric, have, target, projections)


def project(source: str, counts: SourceCounts, metric: str, deficit: int, raw_bytes: int | None) -> Projection:
    basis = "raw" if raw_bytes else "corpus"
    return _projection(source, basis, counts, metric, deficit, raw_bytes or counts.bytes)


def _project_mix(sources: dict[str, SourceCounts], metric: str, deficit: int, raw: dict[str, int]) -> Projection:
    mix = SourceCounts()
    for counts in sources.values():
        mix.add(counts)
    # A source without raw bytes counts with its corpus bytes: the basis says so.
    raw_total = sum(raw.get(s) or c.bytes for s, c in sources.items())
    basis = "raw" if all(raw.get(s) for s in sources) else "corpus"
    return _projection(ALL, basis, mix, metric, deficit, raw_total)


def _projection(source: str, basis: str, counts: SourceCounts, metric: str, deficit: int,
                raw: int) -> Projection:
    yield_ = counts.bytes / raw if raw else None
    per_raw_byte = counts.get(metric) / raw if raw else 0.0
    more = deficit / per_raw_byte / GB if per_raw_byte else None
    return Projection(source, basis, yield_, more)
