"""The report as one self-contained HTML file: tables plus PNG plots inlined as base64."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from korpus.core.io import write_text_atomic
from korpus.corpus_stats.build_stats import FUNNEL
from korpus.corpus_stats.compare import fmt_bytes, fmt_metric, projection_rows
from korpus.corpus_stats.contamination import COLUMNS, contamination_rows
from korpus.corpus_stats.fonts import CSS_FONT_STACK
from korpus.corpus_stats.plots import all_plots
from korpus.corpus_stats.report import TOTAL, Report
from korpus.corpus_stats.scripts import SCRIPTS, shares

PCTS = (5, 25, 50, 75, 95, 99)
CSS = """
body { font-family: FONTS; margin: 2em auto; padding: 0 1.5em; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: right; }
th:first-child, td:first-child, table.targets td:last-child, table.targets th:last-child { text-align: left; }
tr.total td { font-weight: bold; border-top: 2px solid #999; }
.met { color: #2a7d2a; } .missed { color: #c0392b; font-weight: bold; }
img { max-width: 100%; display: block; margin: 0.5em 0 2em; }
.note { color: #666; }
""".replace("FONTS", CSS_FONT_STACK)


def write_html(report: Report, path: str | Path) -> None:
    write_text_atomic(path, render_html(report))


def render_html(report: Report) -> str:
    plots = all_plots(report)
    body = [
        f"<h1>korpus stats: {escape(str(report.corpus))}</h1>",
        f"<p class=note>{len(report.counts.files)} Parquet file(s), "
        f"{fmt_bytes(report.counts.parquet_bytes)} on disk, counted in {report.counts.seconds:,.1f} s. "
        f"Targets: {escape(report.targets.name)}"
        + (f" ({escape(report.targets.description)})" if report.targets.description else "") + ".</p>",
        _targets(report),
        _sources(report),
        _scripts(report),
        _lengths(report),
        _funnel(report),
        _contamination(report),
        "<h2>Plots</h2>",
        *(f"<h3>{escape(title)}</h3>\n<img alt=\"{escape(title)}\" src=\"data:image/png;base64,"
          f"{base64.b64encode(data).decode('ascii')}\">" for title, data in plots.items()),
    ]
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            f"<title>korpus stats: {escape(report.corpus.name)}</title><style>{CSS}</style></head>\n"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")


def _contamination(report: Report) -> str:
    if not report.contamination:
        return ""
    rows = [[escape(cell) for cell in row] for row in contamination_rows(report.contamination)]
    return ("<h2>Decontamination</h2>\n<p class=note>Evaluation examples the build found and removed "
            "(docs/decontamination.md).</p>\n" + _table(list(COLUMNS), rows))


def _table(head: list[str], rows: list[list[str]], total_last: bool = False, css: str = "") -> str:
    opening = f'<table class="{css}">' if css else "<table>"
    out = [opening + "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for i, row in enumerate(rows):
        cls = " class=total" if total_last and i == len(rows) - 1 else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return "\n".join(out) + "</table>"


def _targets(report: Report) -> str:
    rows = []
    for r in report.results:
        status = "<span class=met>met</span>" if r.met else "<span class=missed>missed</span>"
        rows.append([escape(r.label), fmt_metric(r.metric, r.have), fmt_metric(r.metric, r.target),
                     f"{r.share:.1%}", status, escape(r.headline.phrase()) if r.headline else ""])
    head = ["target", "have", "of", "share", "", "to reach it"]
    return "<h2>Against the targets</h2>\n" + _table(head, rows, css="targets") + _projections(report)


def _projections(report: Report) -> str:
    rows = projection_rows(report.results)
    if not rows:
        return ""
    labels = list(rows[0].more_gb)
    cells = []
    for row in rows:
        kept = f"{row.yield_:.1%}" if row.basis == "raw" and row.yield_ is not None else "no raw count"
        more = ["never" if row.more_gb.get(x) is None else f"{row.more_gb[x]:,.2f}" for x in labels]
        cells.append([escape(row.source), kept, *more])
    return ("<h3>GB more input to reach each missed target from one source alone, at its yield</h3>\n"
            "<p class=note>Yield: corpus text per byte of text the build read (its <code>read</code> "
            "stage). Without build stats the corpus text stands in for the raw input.</p>\n"
            + _table(["source", "kept of raw", *labels], cells, total_last=True))


def _sources(report: Report) -> str:
    rows = []
    for name, c in [*report.counts.sources.items(), (TOTAL, report.counts.total)]:
        rows.append([escape(name), f"{c.documents:,}", f"{c.sentences:,}", f"{c.words:,}",
                     f"{c.text_words:,}", f"{c.characters:,}", fmt_bytes(c.bytes)])
    head = ["source", "documents", "sentences", "words", "words in text", "characters", "text"]
    return "<h2>By source</h2>\n" + _table(head, rows, total_last=True)


def _scripts(report: Report) -> str:
    rows = [[escape(name), *(f"{v:.2%}" for v in shares(c.scripts).values())]
            for name, c in [*report.counts.sources.items(), (TOTAL, report.counts.total)]]
    return ("<h2>Scripts</h2>\n<p class=note>Share of the non-space characters.</p>\n"
            + _table(["source", *SCRIPTS], rows, total_last=True))


def _lengths(report: Report) -> str:
    rows = []
    for kind, dists in report.lengths().items():
        for name, d in dists.items():
            cells = (["-"] * (len(PCTS) + 2) if not d.n else
                     [f"{d.mean():.1f}", *(str(d.percentile(q)) for q in PCTS), str(int(d.values[-1]))])
            rows.append([kind.split("_")[0], escape(name), *cells])
    head = ["length of", "source", "mean", *(f"p{q}" for q in PCTS), "max"]
    return "<h2>Lengths in characters</h2>\n" + _table(head, rows)


def _funnel(report: Report) -> str:
    f = report.funnel
    if f is None:
        return (f"<h2>Build funnel</h2>\n<p class=note>No build stats at "
                f"{escape(str(report.build_stats))}: projections count corpus text, not raw input.</p>")
    rows = []
    for source, steps in f.steps.items():
        rows.append([escape(source), *(_n(steps[s]["documents"]) for s in FUNNEL),
                     fmt_bytes(f.raw_bytes[source]) if source in f.raw_bytes else "-"])
    rows.append([TOTAL, *(_n(f.step_total(s)) for s in FUNNEL), fmt_bytes(sum(f.raw_bytes.values()))])
    sources = sorted({s for d in f.drops for s in d.per_source})
    drops = [[escape(d.stage), escape(d.reason), *(_n(d.per_source.get(s, 0)) for s in sources), _n(d.total)]
             for d in f.drops]
    problems = len(f.problems) + f.problems_dropped
    problems_note = (f" The build recorded {problems:,} input problem(s): see <code>problems</code> there."
                     if problems else "")
    return (f"<h2>Build funnel</h2>\n<p class=note>From {escape(str(f.path))} (documents).{problems_note}</p>\n"
            + _table(["source", *FUNNEL, "raw text read"], rows, total_last=True)
            + "\n<h3>Dropped, by stage and reason</h3>\n"
            + (_table(["stage", "reason", *sources, TOTAL], drops) if drops else "<p>Nothing dropped.</p>"))


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
