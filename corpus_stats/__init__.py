"""Corpus statistics and the check against KR-BERT-MEDIUM's targets.

From Python::

    from corpus_stats import make_report, write_json, write_html
    report = make_report("corpus/", targets="krbert-medium")
    write_json(report, "stats.json")
    report.check()  # raises TargetsMissed naming every missed target

Modules: ``scan`` (the streaming polars count), ``scripts`` (character
classes), ``distribution`` (exact length distributions), ``targets``,
``build_stats`` (the build's funnel), ``compare`` (targets and projections),
``report``, and the renderers ``render_table``, ``render_html``, ``plots``.
"""

from korpus.corpus_stats.compare import TargetsMissed
from korpus.corpus_stats.report import Report, make_report, write_json
from korpus.corpus_stats.scan import CorpusCounts, SourceCounts, scan_corpus
from korpus.corpus_stats.targets import KRBERT_MEDIUM, Targets, load_targets


def write_html(report: Report, path) -> None:
    """The HTML report with its plots (imports matplotlib only when called)."""
    from korpus.corpus_stats.render_html import write_html as _write

    _write(report, path)


__all__ = ["KRBERT_MEDIUM", "CorpusCounts", "Report", "SourceCounts", "Targets", "TargetsMissed",
           "load_targets", "make_report", "scan_corpus", "write_html", "write_json"]
