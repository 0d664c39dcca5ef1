"""The report's plots as PNG bytes (matplotlib ``Figure`` objects, no pyplot state).

Building ``Figure`` directly renders with Agg and never touches a display or a
GUI backend, so the report works headless and in threads.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib import colormaps, rc_context
from matplotlib.figure import Figure

from korpus.corpus_stats.build_stats import FUNNEL
from korpus.corpus_stats.compare import fmt_metric
from korpus.corpus_stats.distribution import histogram_edges
from korpus.corpus_stats.fonts import plot_settings
from korpus.corpus_stats.report import TOTAL, Report
from korpus.corpus_stats.scripts import SCRIPTS, shares

DPI = 100
SCRIPT_COLORS = {"hangul": "#1f77b4", "latin": "#ff7f0e", "hanja": "#d62728", "digit": "#2ca02c",
                 "other": "#7f7f7f"}


def source_colors(sources: list[str]) -> dict[str, tuple]:
    cmap = colormaps["tab10"]
    return {s: cmap(i % 10) for i, s in enumerate(sources)}


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def all_plots(report: Report) -> dict[str, bytes]:
    """Title -> PNG for every plot the report has data for, Korean drawn in a Korean font."""
    with rc_context(plot_settings()):
        plots = {
            "Against the targets": targets_plot(report),
            "Composition by source": composition_plot(report),
            "Sentence length by source": lengths_plot(report, "sentence_characters", "sentence"),
            "Document length by source": lengths_plot(report, "document_characters", "document"),
            "Scripts by source": scripts_plot(report),
        }
        if report.funnel:
            plots["Build funnel: read, cleaned, deduplicated"] = funnel_plot(report)
        return {title: png(fig) for title, fig in plots.items() if fig is not None}


def targets_plot(report: Report) -> Figure | None:
    results = report.results
    if not results:
        return None
    fig = Figure(figsize=(8, 0.5 + 0.45 * len(results)))
    ax = fig.subplots()
    labels = [r.label for r in results]
    values = [min(r.share, 1.5) * 100 for r in results]
    colors = ["#2ca02c" if r.met else "#d62728" for r in results]
    y = np.arange(len(results))
    ax.barh(y, values, color=colors)
    ax.axvline(100, color="black", linewidth=1)
    for yi, r in zip(y, results, strict=True):
        ax.text(min(r.share, 1.5) * 100 + 1, yi, f"{r.share:.1%}", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 160)
    ax.set_xlabel(f"% of the {report.targets.name} target")
    return fig


def composition_plot(report: Report) -> Figure | None:
    sources = list(report.counts.sources)
    if not sources:
        return None
    colors = source_colors(sources)
    metrics = {"documents": "documents", "sentences": "sentences", "words": "words", "bytes": "text (GB)"}
    fig = Figure(figsize=(8, 3))
    ax = fig.subplots()
    total = report.counts.total
    for y, metric in enumerate(metrics):
        left = 0.0
        whole = total.get(metric) or 1
        for s in sources:
            share = report.counts.sources[s].get(metric) / whole
            ax.barh(y, share * 100, left=left, color=colors[s], label=s if y == 0 else None)
            if share > 0.06:
                ax.text(left + share * 50, y, f"{share:.0%}", ha="center", va="center", fontsize=8,
                        color="white")
            left += share * 100
        amount = fmt_metric(metric, total.get(metric))
        ax.text(101, y, amount, va="center", fontsize=8)
    ax.set_yticks(range(len(metrics)), list(metrics.values()))
    ax.invert_yaxis()
    ax.set_xlim(0, 125)
    ax.set_xlabel("% of the corpus")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=min(len(sources), 6), frameon=False)
    return fig


def lengths_plot(report: Report, kind: str, noun: str) -> Figure | None:
    dists = report.lengths()[kind]
    if not dists[TOTAL].n:
        return None
    edges = histogram_edges(dists[TOTAL], bins=60)
    colors = source_colors(list(report.counts.sources))
    fig = Figure(figsize=(8, 3.5))
    ax = fig.subplots()
    for name, dist in dists.items():
        if name == TOTAL or not dist.n:
            continue
        share = dist.histogram(edges) / dist.n * 100
        ax.stairs(share, edges, color=colors[name], linewidth=1.5,
                  label=f"{name} (median {dist.percentile(50)})")
    ax.set_xlabel(f"characters per {noun} (last bin: {edges[-2]} and more)")
    ax.set_ylabel(f"% of the source's {noun}s")
    ax.legend(fontsize=8, frameon=False)
    return fig


def scripts_plot(report: Report) -> Figure | None:
    rows = [*report.counts.sources.items(), (TOTAL, report.counts.total)]
    if not report.counts.total.characters:
        return None
    fig = Figure(figsize=(8, 0.8 + 0.45 * len(rows)))
    ax = fig.subplots()
    for y, (_, counts) in enumerate(rows):
        left = 0.0
        for script, share in shares(counts.scripts).items():
            ax.barh(y, share * 100, left=left, color=SCRIPT_COLORS[script],
                    label=script if y == 0 else None)
            if share > 0.05:
                ax.text(left + share * 50, y, f"{share:.0%}", ha="center", va="center", fontsize=8,
                        color="white")
            left += share * 100
    ax.set_yticks(range(len(rows)), [name for name, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of non-space characters")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=len(SCRIPTS), frameon=False)
    return fig


def funnel_plot(report: Report) -> Figure | None:
    funnel = report.funnel
    sources = list(funnel.steps)
    if not sources:
        return None
    colors = source_colors(list(dict.fromkeys([*report.counts.sources, *sources])))
    reasons = funnel.drops
    fig = Figure(figsize=(8, 3.5 + 0.3 * len(reasons)))
    ax, ax_drops = fig.subplots(2, 1, height_ratios=[3, max(1, 0.4 * len(reasons))])
    x = np.arange(len(FUNNEL))
    bottom = np.zeros(len(FUNNEL))
    for s in sources:
        docs = np.array([funnel.steps[s][step]["documents"] or 0 for step in FUNNEL], dtype=float)
        ax.bar(x, docs, bottom=bottom, color=colors[s], label=s)
        bottom += docs
    for xi, n in zip(x, bottom, strict=True):
        ax.text(xi, n, f"{int(n):,}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, list(FUNNEL))
    ax.set_ylabel("documents")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if reasons:
        y = np.arange(len(reasons))
        ax_drops.barh(y, [d.total for d in reasons], color="#d62728")
        ax_drops.set_yticks(y, [f"{d.stage}: {d.reason}" for d in reasons], fontsize=8)
        ax_drops.invert_yaxis()
        ax_drops.set_xlabel("documents dropped")
    else:
        ax_drops.set_axis_off()
    fig.tight_layout()
    return fig
