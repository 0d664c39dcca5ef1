"""Near-dup bands run as parallel engine tasks give the same drops as an inline resolve."""

import json
import random

import polars as pl

from korpus.build.config import BuildConfig, SourceSpec
from korpus.build.run import build
from korpus.core.stats import Stats
from korpus.core.steps import GlobalStep
from korpus.dedup.config import DedupConfig
from korpus.dedup.near import NearDedup
from korpus.dedup.pipeline import global_steps


def test_band_tasks_match_an_inline_resolve(tmp_path):
    rng = random.Random(11)
    words = ["오늘", "날씨", "정말", "좋네요", "기사", "잘", "봤습니다", "출근길", "버스", "도서관", "시장", "경제"]
    texts = [" ".join(rng.choices(words, k=30)) + f" 문서 {i}" for i in range(300)]
    texts += [t.replace(" ", "", 2) + " 덧붙임" for t in texts[:60]]  # near duplicates
    src = tmp_path / "d.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False)
                             for i, t in enumerate(texts)) + "\n", encoding="utf-8")
    work = tmp_path / "work"
    cfg = BuildConfig(sources=[SourceSpec("jsonl", str(src))], out=str(tmp_path / "c.parquet"),
                      workers=2, work_dir=str(work), keep_work=True)  # the test reads the band folders
    cfg.dedup.exact = False
    build(cfg)
    gdir = next(work.glob("*/global/*-near_dedup"))
    step = NearDedup(threshold=cfg.dedup.threshold)
    assert len(list((gdir / "bands").glob("edges-*.npz"))) == step.bands
    inline = tmp_path / "inline" / "drops.parquet"
    inline.parent.mkdir()
    step.resolve(sorted(gdir.glob("sidecar-*.parquet")), None, inline, tmp_path / "inline" / "report", Stats())
    ours = pl.read_parquet(gdir / "drops.parquet").sort("shard", "row")
    assert ours.height >= 50
    assert ours.equals(pl.read_parquet(inline).sort("shard", "row"))


def test_every_global_step_declares_its_band_tasks(tmp_path):
    steps = global_steps(DedupConfig(sentences=True))
    assert [s.name for s in steps] == ["exact_dedup", "near_dedup", "sentence_dedup"]
    assert all(isinstance(step, GlobalStep) for step in steps)
    tasks = {step.name: step.band_tasks([], None, tmp_path / "bands") for step in steps}
    assert tasks["exact_dedup"] == tasks["sentence_dedup"] == []
    assert len(tasks["near_dedup"]) == steps[1].bands
