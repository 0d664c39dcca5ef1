"""Boilerplate sentences removed by a global step leave the documents that stay."""

import json

import polars as pl

from korpus.build.config import BuildConfig, SourceSpec
from korpus.build.run import build


def test_repeated_sentence_is_removed_from_documents_that_stay(tmp_path):
    src = tmp_path / "d.jsonl"
    boiler = "무단 전재 및 재배포를 금지합니다."
    rows = [{"id": f"n{i}", "text": f"{i}번째 기사의 본문 문장은 서로 다르게 씁니다. 둘째 문장도 {i * 13}번으로 다릅니다. {boiler}"}
            for i in range(6)]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    cfg = BuildConfig(sources=[SourceSpec("jsonl", str(src))], out=str(tmp_path / "c.parquet"), workers=1,
                      work_dir=str(tmp_path / "w"))
    cfg.dedup.sentences = True
    cfg.dedup.near = False  # the fixture documents are near duplicates by design
    build(cfg)
    df = pl.read_parquet(tmp_path / "c.parquet").sort("id")
    assert df.height == 6
    with_boiler = [s for s in df["sentences"].to_list() if boiler in s]
    assert len(with_boiler) == 1  # the first copy stays (copies kept: 1)
    assert sum(boiler in t for t in df["text"]) == 1
    assert all(len(s) >= 2 for s in df["sentences"].to_list())
