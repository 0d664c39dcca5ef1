"""The report as rich tables for the terminal."""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table

from korpus.corpus_stats.build_stats import FUNNEL
from korpus.corpus_stats.compare import fmt_bytes, fmt_metric, projection_rows
from korpus.corpus_stats.contamination import COLUMNS, contamination_rows
from korpus.corpus_stats.distribution import Distribution
from korpus.corpus_stats.report import TOTAL, Report
from korpus.corpus_stats.scan import SourceCounts
from korpus.corpus_stats.scripts import SCRIPTS, shares

PCTS = (5, 25, 50, 75, 95, 99)


def print_report(report: Report, console: Console | None = None) -> None:
    (console or Console()).print(render(report))


def render(report: Report) -> Group:
    parts = [targets_table(report), projection_table(report), sources_table(report), scripts_table(report), lengths_table(report)]
    if report.funnel:
        parts += [funnel_table(report), drops_table(report)]
        problems = len(report.funnel.problems) + report.funnel.problems_dropped
        if problems:
            parts.append(f"[yellow]{problems:,} input problem(s) recorded by the build: "
                         f"see 'problems' in {report.funnel.path}[/yellow]")
    else:
        parts.append(f"[dim]No build stats at {report.build_stats}: no funnel; projections count "
                     "corpus text, not raw input.[/dim]")
    if report.contamination:
        parts.append(contamination_table(report))
    return Group(*parts)


def contamination_table(report: Report) -> Table:
    t = Table(title="Evaluation sets found and removed by the build (decontaminate)", title_justify="left")
    for col in COLUMNS:
        t.add_column(col, justify="left" if col == "set" else "right")
    for row in contamination_rows(report.contamination):
        t.add_row(*row)
    return t


def targets_table(report: Report) -> Table:
    t = Table(title=f"{report.corpus} against {report.targets.name}", title_justify="left")
    for col in ("target", "have", "of", "share", ""):
        t.add_column(col, justify="left" if col in ("target", "") else "right")
    t.add_column("to reach it")
    for r in report.results:
        mark = "[green]met[/green]" if r.met else "[red]missed[/red]"
        t.add_row(r.label, fmt_metric(r.metric, r.have), fmt_metric(r.metric, r.target),
                  f"{r.share:.1%}", mark, r.headline.phrase() if r.headline else "")
    return t


def projection_table(report: Report) -> Table | str:
    rows = projection_rows(report.results)
    if not rows:
        return ""
    labels = list(rows[0].more_gb)
    t = Table(title="GB more input to reach each missed target from one source alone, at its yield",
              title_justify="left")
    t.add_column("source")
    t.add_column("kept of raw", justify="right")
    for label in labels:
        t.add_column(label, justify="right")
    for row in rows:
        kept = f"{row.yield_:.1%}" if row.basis == "raw" and row.yield_ is not None else "no raw count"
        t.add_row(row.source, kept, *(_gb(row.more_gb.get(label)) for label in labels))
    return t


def _gb(value: float | None) -> str:
    return "never" if value is None else f"{value:,.2f}"


def sources_table(report: Report) -> Table:
    t = Table(title="By source", title_justify="left")
    t.add_column("source")
    for col in ("documents", "sentences", "words", "words in text", "characters", "text"):
        t.add_column(col, justify="right")
    rows = [*report.counts.sources.items(), (TOTAL, report.counts.total)]
    for name, c in rows:
        t.add_row(f"[bold]{name}[/bold]" if name == TOTAL else name, *_count_cells(c),
                  end_section=name == rows[-2][0] if len(rows) > 1 else False)
    return t


def _count_cells(c: SourceCounts) -> list[str]:
    return [f"{c.documents:,}", f"{c.sentences:,}", f"{c.words:,}", f"{c.text_words:,}",
            f"{c.characters:,}", fmt_bytes(c.bytes)]


def scripts_table(report: Report) -> Table:
    t = Table(title="Scripts (share of non-space characters)", title_justify="left")
    t.add_column("source")
    for name in SCRIPTS:
        t.add_column(name, justify="right")
    for name, c in [*report.counts.sources.items(), (TOTAL, report.counts.total)]:
        t.add_row(name, *(f"{v:.1%}" for v in shares(c.scripts).values()))
    return t


def lengths_table(report: Report) -> Table:
    t = Table(title="Lengths in characters", title_justify="left")
    for col in ("length of", "source", "mean", *(f"p{q}" for q in PCTS), "max"):
        t.add_column(col, justify="left" if col in ("length of", "source") else "right")
    for kind, dists in report.lengths().items():
        for name, dist in dists.items():
            t.add_row(kind.split("_")[0], name, *_dist_cells(dist), end_section=name == list(dists)[-1])
    return t


def _dist_cells(d: Distribution) -> list[str]:
    if not d.n:
        return ["-"] * (len(PCTS) + 2)
    return [f"{d.mean():.1f}", *(str(d.percentile(q)) for q in PCTS), str(int(d.values[-1]))]


def funnel_table(report: Report) -> Table:
    f = report.funnel
    t = Table(title=f"Build funnel (documents) from {f.path}", title_justify="left")
    t.add_column("source")
    for step in FUNNEL:
        t.add_column(step, justify="right")
    t.add_column("kept", justify="right")
    t.add_column("raw text read", justify="right")
    for source, steps in f.steps.items():
        docs = [steps[s]["documents"] for s in FUNNEL]
        kept = f"{docs[-1] / docs[0]:.1%}" if docs[0] and docs[-1] is not None else "-"
        raw = f.raw_bytes.get(source)
        t.add_row(source, *(_n(d) for d in docs), kept, fmt_bytes(raw) if raw else "-")
    totals = [f.step_total(s) for s in FUNNEL]
    kept = f"{totals[-1] / totals[0]:.1%}" if totals[0] and totals[-1] is not None else "-"
    raw_total = sum(f.raw_bytes.values())
    t.add_row(TOTAL, *(_n(d) for d in totals), kept, fmt_bytes(raw_total) if raw_total else "-")
    return t


def drops_table(report: Report) -> Table:
    f = report.funnel
    t = Table(title="Dropped, by stage and reason (documents)", title_justify="left")
    t.add_column("stage")
    t.add_column("reason")
    sources = sorted({s for d in f.drops for s in d.per_source})
    for s in sources:
        t.add_column(s, justify="right")
    t.add_column(TOTAL, justify="right")
    for d in f.drops:
        t.add_row(d.stage, d.reason, *(_n(d.per_source.get(s, 0)) for s in sources), _n(d.total))
    if not f.drops:
        t.add_row("-", "nothing dropped", *([""] * (len(sources) + 1)))
    return t


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
