"""Near-duplicate removal on real Korean comments (skips without ../shared/corpora)."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.core.stats import Stats
from korpus.dedup.keys import canonical
from korpus.dedup.near import NearDedup

REPO = Path(__file__).resolve().parents[1]
COMMENTS = REPO.parent / "shared" / "corpora" / "comments" / "hate_speech_unlabeled_comments_5.txt"

pytestmark = [pytest.mark.shared, pytest.mark.slow,
              pytest.mark.skipif(not COMMENTS.exists(), reason="../shared/corpora not present")]


def variant(text: str, rng: random.Random) -> str:
    kind = rng.choice(("spacing", "typo", "truncate"))
    if kind == "spacing":
        return "".join(c for c in text if c != " " or rng.random() < 0.5)
    if kind == "typo":
        i = rng.randrange(len(text))
        return text[:i] + "됬" + text[i + 1:]
    return text[: int(len(text) * 0.92)]


def test_planted_near_duplicates_in_real_comments(tmp_path):
    rng = random.Random(0)
    seen, originals = set(), []
    for line in COMMENTS.read_text(encoding="utf-8").splitlines():
        if len("".join(line.split())) >= 80 and canonical(line) not in seen:
            seen.add(canonical(line))
            originals.append(line.strip())
    originals = rng.sample(originals, 600)
    docs = [(f"o/{i}", t) for i, t in enumerate(originals)]
    docs += [(f"o/{i}-v", variant(t, rng)) for i, t in enumerate(originals[:300])]
    rng.shuffle(docs)
    table = tmp_path / "map.parquet"
    write_records((Record(rid, "comments", text) for rid, text in docs), table)
    step = NearDedup(threshold=0.7, ngram=5)
    step.shard_pass(0, table, tmp_path / "side.parquet", Stats())
    step.resolve([tmp_path / "side.parquet"], None, tmp_path / "drops.parquet", tmp_path / "report", Stats())
    removed = pl.read_parquet(tmp_path / "report" / "removed.parquet").select("id", "kept_id").rows()
    family = {rid: rid.split("-")[0] for rid, _ in docs}
    correct = sum(family[r] == family[k] for r, k in removed)
    assert correct / len(removed) >= 0.95  # precision
    assert correct / 300 >= 0.90  # recall
