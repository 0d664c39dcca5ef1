"""Readers inside ``korpus build``: hostile inputs beside good ones, reader flags, doctests."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import json

import polars as pl
import pytest
from hostile import make_hostile

from korpus.build.config import BuildConfig, SourceSpec
from korpus.build.run import build
from korpus.cleaners.config import FilterConfig
from korpus.core.errors import ConfigError
from korpus.crawlers.readers import apply_reader_flags
from korpus.dedup.config import DedupConfig

MODULES = ["encoding", "fields", "files", "news", "news_json", "wikitext"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"korpus.crawlers.readers.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def _lenient_filter() -> FilterConfig:
    """Short and non-Hangul fixtures pass (the filter's own tests are elsewhere)."""
    names = {f.name for f in dataclasses.fields(FilterConfig)}
    return FilterConfig(**{k: v for k, v in {"min_chars": 1, "min_hangul_ratio": 0.0}.items() if k in names})


def _hostile_build(tmp_path, workers: int):
    cases = make_hostile(tmp_path / "in")
    config = BuildConfig(
        sources=[SourceSpec(c.kind, str(c.path), dict(c.options)) for c in cases],
        out=str(tmp_path / "corpus.parquet"), workers=workers,
        # every good document must reach the output: lenient filters, no dedup of the repeated fixtures
        filter=_lenient_filter(), dedup=DedupConfig(exact=False, near=False))
    return cases, build(config)


def _check_hostile_build(cases, result):
    table = pl.read_parquet(result.out)
    ids = set(table["id"].to_list())
    assert len(ids) == table.height
    by_id = dict(zip(table["id"].to_list(), table["text"].to_list(), strict=True))
    everything = "\n".join(by_id.values())
    for case in cases:
        assert not [i for i in case.ids if i not in ids], case.name
        texts = "\n".join(by_id[i] for i in case.ids)
        assert not [t for t in case.texts if t not in texts], case.name
        assert not [a for a in case.absent if a in (texts if case.kind != "wiki" else everything)], case.name
        reported = [p for p in result.stats.problems if p["path"] == str(case.path)]
        assert bool(reported) == case.problem, (case.name, reported)
    read = result.stats.counts["read"]
    assert read["wiki"]["dropped:bad_page"] == 3 and read["wiki"]["empty_files"] == 1
    assert read["comments"]["files_cp949"] == 1 and read["comments"]["lines_with_nul"] == 1
    stats_file = json.loads(result.stats_path.read_text(encoding="utf-8"))
    assert {p["path"] for p in stats_file["problems"]} == {str(c.path) for c in cases if c.problem}


def test_build_over_hostile_inputs_keeps_every_good_document(tmp_path):
    _check_hostile_build(*_hostile_build(tmp_path, workers=1))


@pytest.mark.slow
def test_build_over_hostile_inputs_with_two_workers(tmp_path):
    _check_hostile_build(*_hostile_build(tmp_path, workers=2))


def test_reader_flags_reach_the_sources_that_take_them():
    sources = [SourceSpec("news", "a.jsonl"), SourceSpec("wiki", "w.xml"), SourceSpec("comments", "c.tsv")]
    apply_reader_flags(sources, {"text_field": "body", "title_field": "head", "encoding": "cp949", "id_field": None})
    assert sources[0].options == {"text_field": "body", "title_field": "head", "encoding": "cp949"}
    assert sources[1].options == {}
    assert sources[2].options == {"text_field": "body", "encoding": "cp949"}
    with pytest.raises(ConfigError, match="--date-field: no source takes it"):
        apply_reader_flags([SourceSpec("wiki", "w.xml")], {"date_field": "when"})


def test_build_cli_field_flags(tmp_path):
    from korpus.cli.main import main

    rows = [{"no": f"n{i}", "body": f"{i}번째 기사 본문입니다. 충분히 긴 문장이다.", "head": f"제목 {i}"} for i in range(3)]
    src = tmp_path / "articles.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    config = tmp_path / "korpus.toml"
    config.write_text("[dedup]\nexact = false\nnear = false\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    with pytest.raises(SystemExit) as done:
        main(["build", "--config", str(config), "--source", f"news={src}", "--text-field", "body",
              "--id-field", "no", "--title-field", "head", "--workers", "1", "--out", str(out)])
    assert done.value.code == 0
    table = pl.read_parquet(out).sort("id")
    assert table["id"].to_list() == ["news/n0", "news/n1", "news/n2"]
    assert table["title"].to_list() == ["제목 0", "제목 1", "제목 2"]
    with pytest.raises(SystemExit) as refused:
        main(["build", "--source", f"wiki={src}", "--text-field", "body", "--out", str(out)])
    assert refused.value.code == ConfigError.exit_code
