"""The exact and near-duplicate global steps on hand-made shards."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import polars as pl
import pytest

from korpus.core.errors import ConfigError
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.core.steps import DROP_COLUMNS, GlobalStep
from korpus.dedup.config import DedupConfig
from korpus.dedup.exact import ExactDedup
from korpus.dedup.near import NearDedup
from korpus.dedup.pipeline import global_steps

BASE = [
    "서울시는 내일부터 지하철과 버스 요금을 150원씩 올린다고 오늘 발표했다. 시민들의 반응은 엇갈렸다. "
    "출퇴근길 부담이 커진다는 목소리와 적자를 메우려면 어쩔 수 없다는 의견이 함께 나왔다.",
    "이 영화는 배우들의 연기가 정말 훌륭했고 음악도 아름다웠다. 다만 결말이 조금 아쉬웠다는 평이 많다. "
    "그래도 극장에서 한 번쯤 볼 만한 작품이라는 데에는 대부분의 관객이 동의했다.",
    "국회는 본회의를 열어 지방공무원법 일부개정법률안을 재석 의원 과반수의 찬성으로 통과시켰다고 밝혔다. "
    "개정안은 육아휴직 대상 자녀의 나이를 만 8세 이하로 넓히는 내용을 담았다.",
    "대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다. 이는 헌법 제1조 제2항의 내용이다. "
    "헌법은 또한 국민의 자유와 권리를 보장하고 그 한계를 법률로 정하도록 하고 있다.",
]


def near_copy(text: str) -> str:
    """A spacing change and one syllable substituted near the end."""
    return text.replace(" ", "", 2)[:-6] + "됬" + text[-5:]


def write_shards(tmp: Path, docs: list[tuple[str, str, str]], shards: int) -> list[Path]:
    paths = []
    for i in range(shards):
        path = tmp / f"map-{i}.parquet"
        write_records((Record(rid, src, text) for rid, src, text in docs[i::shards]), path)
        paths.append(path)
    return paths


def run(step: GlobalStep, tables: list[Path], work: Path, before: Path | None = None) -> tuple[pl.DataFrame, Stats]:
    stats = Stats()
    sidecars = [work / f"side-{i}.parquet" for i in range(len(tables))]
    for i, table in enumerate(tables):
        step.shard_pass(i, table, sidecars[i], stats)
    step.resolve(sidecars, before, work / "drops.parquet", work / "report", stats)
    return pl.read_parquet(work / "drops.parquet"), stats


def ids_at(tables: list[Path], drops: pl.DataFrame) -> set[str]:
    out = set()
    for shard, row in drops.select("shard", "row").iter_rows():
        out.add(pl.read_parquet(tables[shard], columns=["id"])["id"][row])
    return out


def corpus() -> list[tuple[str, str, str]]:
    docs = [(f"news/{i}", "news", t) for i, t in enumerate(BASE)]
    docs.append(("comments/0-copy", "comments", near_copy(BASE[0])))
    docs.append(("comments/1-copy", "comments", near_copy(BASE[1]) + "!!"))
    docs.append(("news/2-copy", "news", near_copy(BASE[2])))
    docs.append(("news/3-exact", "news", BASE[3].replace(" ", "  ")))
    return docs


def test_near_dedup_removes_near_copies_and_keeps_the_longest(tmp_path):
    docs = corpus()
    tables = write_shards(tmp_path, docs, 3)
    drops, stats = run(NearDedup(threshold=0.7, ngram=5), tables, tmp_path)
    assert drops.columns == list(DROP_COLUMNS)
    assert drops.schema["shard"] == pl.Int32 and drops.schema["row"] == pl.Int32
    assert set(drops["reason"]) == {"near_duplicate"}
    removed = ids_at(tables, drops)
    # news/1's copy is longer ("!!"), so it stays and the original goes; the
    # exact copy of news/3 (spacing only) is longer too, so news/3 goes.
    assert removed == {"comments/0-copy", "news/1", "news/2-copy", "news/3"}
    assert stats.get("near_dedup", "comments", "dropped:near_duplicate") == 1
    assert stats.get("near_dedup", "news", "dropped:near_duplicate") == 3


def test_near_dedup_report(tmp_path):
    tables = write_shards(tmp_path, corpus(), 2)
    run(NearDedup(threshold=0.7, ngram=5), tables, tmp_path)
    removed = pl.read_parquet(tmp_path / "report/removed.parquet")
    assert set(removed.columns) >= {"id", "source", "cluster", "kept_id", "kept_source", "cluster_size"}
    kept_of = dict(removed.select("id", "kept_id").iter_rows())
    assert kept_of["comments/0-copy"] == "news/0" and kept_of["news/1"] == "comments/1-copy"
    summary = json.loads((tmp_path / "report/clusters.json").read_text(encoding="utf-8"))
    assert summary["removed"] == 4 and summary["clusters"] == 4 and summary["docs_considered"] == 8
    assert summary["size_distribution"] == {"2": 4}
    assert summary["per_source"]["comments"] == {"considered": 2, "in_clusters": 2, "removed": 1}
    assert {"kept_source": "news", "removed_source": "comments", "removed": 1} in summary["cross_source"]
    pair = next(p for p in summary["sample_pairs"] if p["removed_id"] == "comments/0-copy")
    assert 0.7 <= pair["jaccard"] < 1 and 0.5 < pair["estimated_jaccard"] <= 1
    assert pair["kept_text"] == BASE[0]
    clusters = pl.read_parquet(tmp_path / "report/clusters.parquet")
    assert clusters.height == 4 and clusters["size"].to_list() == [2, 2, 2, 2]


@pytest.mark.parametrize("shards", [1, 2, 5])
def test_near_dedup_output_does_not_depend_on_order_or_sharding(tmp_path, shards):
    docs = corpus()
    reference = None
    for trial in range(3):
        random.Random(trial).shuffle(docs)
        work = tmp_path / f"{shards}-{trial}"
        work.mkdir()
        tables = write_shards(work, docs, shards)
        drops, _ = run(NearDedup(threshold=0.7), tables, work)
        removed = pl.read_parquet(work / "report/removed.parquet").select("id", "kept_id", "cluster").sort("id")
        assert ids_at(tables, drops) == set(removed["id"])
        if reference is None:
            reference = removed
        assert removed.equals(reference)


def test_near_dedup_ignores_rows_dropped_before(tmp_path):
    docs = corpus()
    tables = write_shards(tmp_path, docs, 1)
    before = tmp_path / "before.parquet"
    # news/0 was removed by an earlier step: its near copy has nothing left to match.
    pl.DataFrame({"shard": [0], "row": [0]}, schema={"shard": pl.Int32, "row": pl.Int32}).write_parquet(before)
    drops, _ = run(NearDedup(threshold=0.7), tables, tmp_path, before)
    assert "comments/0-copy" not in ids_at(tables, drops)
    assert 0 not in drops["row"].to_list()


def test_near_dedup_leaves_distinct_and_empty_documents(tmp_path):
    docs = [(f"d/{i}", "news", t) for i, t in enumerate(BASE)] + [("d/e1", "news", " "), ("d/e2", "news", "")]
    tables = write_shards(tmp_path, docs, 2)
    drops, _ = run(NearDedup(), tables, tmp_path)
    assert drops.height == 0


def test_empty_shards(tmp_path):
    tables = write_shards(tmp_path, [], 2)
    for step in (ExactDedup(), NearDedup()):
        work = tmp_path / step.name
        work.mkdir()
        drops, _ = run(step, tables, work)
        assert drops.height == 0 and drops.columns == list(DROP_COLUMNS)


def test_exact_dedup_keeps_one_by_rule_and_counts_per_source(tmp_path):
    docs = [("b/1", "news", "안녕하세요, 반갑습니다!"), ("a/1", "comments", "안녕하세요 반갑습니다"),
            ("c/1", "comments", "안녕 하세요 반갑 습니다 ~~"), ("x/1", "news", "👍"), ("x/2", "news", "😂"),
            ("d/1", "news", "다른 글입니다")]
    tables = write_shards(tmp_path, docs, 2)
    drops, stats = run(ExactDedup(), tables, tmp_path)
    # Longest first ("안녕 하세요 반갑 습니다 ~~" has the most characters), then smallest id.
    assert ids_at(tables, drops) == {"b/1", "a/1"}
    assert stats.get("exact_dedup", "comments", "dropped:exact_duplicate") == 1
    assert stats.get("exact_dedup", "news", "dropped:exact_duplicate") == 1
    removed = pl.read_parquet(tmp_path / "report/removed.parquet")
    assert set(removed["kept_id"]) == {"c/1"}


def test_steps_are_picklable_and_ordered():
    steps = global_steps(DedupConfig())
    assert [s.name for s in steps] == ["exact_dedup", "near_dedup"]
    for step in steps:
        assert isinstance(step, GlobalStep)
        clone = pickle.loads(pickle.dumps(step))
        assert clone == step
    near = steps[1]
    assert (near.bands, near.rows) == (14, 9)  # datasketch's optimum for 0.7 and 128 permutations
    assert global_steps(DedupConfig(exact=False, near=False)) == []
    assert [s.name for s in global_steps(DedupConfig(sentences=True))][-1] == "sentence_dedup"


@pytest.mark.parametrize("bad", [{"threshold": 1.5}, {"threshold": 0}, {"ngram": 0}, {"num_perm": 1},
                                 {"false_positive_weight": 0, "false_negative_weight": 0}])
def test_bad_options_are_config_errors(bad):
    with pytest.raises(ConfigError):
        DedupConfig(**bad)


BOILER = "무단 전재 및 재배포 금지, 저작권자 한국일보."


def test_sentence_dedup_marks_copies_beyond_k_and_drops_boilerplate_only_rows(tmp_path):
    from korpus.dedup.boilerplate import SentenceDedup

    rows = [
        Record("n/3", "news", "x", sentences=["첫 번째 기사 본문입니다 정말로요.", BOILER]),
        Record("n/1", "news", "x", sentences=[BOILER, "두 번째 기사 본문이 여기 있습니다."]),
        Record("n/2", "news", "x", sentences=["세 번째 기사의 본문 내용입니다.", BOILER, "네."]),
        Record("n/4", "news", "x", sentences=[BOILER.replace(" ", "")]),  # only boilerplate
        Record("c/1", "comments", "x", sentences=["네.", "네."]),  # too short to count
    ]
    tables = []
    for i, part in enumerate((rows[:2], rows[2:])):
        tables.append(tmp_path / f"map-{i}.parquet")
        write_records(part, tables[-1])
    drops, stats = run(SentenceDedup(sentence_copies=2), tables, tmp_path)
    assert ids_at(tables, drops) == {"n/4"} and set(drops["reason"]) == {"boilerplate_only"}
    marked = pl.read_parquet(tmp_path / "sentence_drops.parquet")  # beside drops.parquet
    # Copies ordered by id: n/1 and n/2 keep theirs, n/3 (shard 0 row 0, sentence 1) and n/4 lose it.
    assert sorted(marked.rows()) == [(0, 0, 1), (1, 1, 0)]
    assert stats.get("sentence_dedup", "news", "sentences_marked") == 2
    summary = json.loads((tmp_path / "report/sentences.json").read_text(encoding="utf-8"))
    assert summary["most_repeated"][0]["count"] == 4
    assert summary["most_repeated"][0]["sentence"] == BOILER
