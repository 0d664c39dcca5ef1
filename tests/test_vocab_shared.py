"""``korpus vocab`` on real Korean text from ../shared, against KR-BERT-MEDIUM's vocabulary."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tokenizers import BertWordPieceTokenizer, Tokenizer

from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.vocab import report, units
from korpus.vocab.layout import SPECIALS, check_layout, read_vocab
from korpus.vocab.train import VocabOptions, train_vocab

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
REFERENCE = SHARED / "reference" / "krbert-medium-vocab-20000.txt"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not (CORPORA.exists() and REFERENCE.exists()),
                       reason="../shared corpora or reference vocabulary absent"),
]


def real_lines() -> list[str]:
    paths = [CORPORA / "comments" / "hate_speech_unlabeled_comments_5.txt",
             CORPORA / "news" / "train.news_title.txt", CORPORA / "law" / "constitution.txt"]
    lines = []
    for path in paths:
        lines += [line.strip().strip('"') for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory) -> Path:
    """25,000 real lines (about 2.5 MB) shuffled into documents of 10, as a corpus Parquet file."""
    lines = real_lines()
    random.Random(0).shuffle(lines)
    lines = lines[:25_000]
    records = [Record(id=f"shared/{i}", source="shared", text=" ".join(lines[i:i + 10]),
                      sentences=lines[i:i + 10]) for i in range(0, len(lines), 10)]
    path = tmp_path_factory.mktemp("real") / "real.parquet"
    write_records(records, path)
    return path


def test_reference_vocabulary_has_the_layout_we_write():
    tokens = read_vocab(REFERENCE)
    check_layout(tokens, 20_000)
    comp = report.composition(tokens)
    assert comp["single_characters"] == 5_000  # hence our --limit-alphabet default
    assert comp["continuation_pieces"] == 7_010
    assert comp["tokens_with_conjoining_jamo"] == 0


def test_real_text_2000_vocab_against_krbert_medium(real_corpus, tmp_path):
    out = tmp_path / "v"
    rep = train_vocab(real_corpus, out, VocabOptions(size=2000, heldout=0.05),
                      compare_with=REFERENCE)
    tokens = read_vocab(out / "vocab.txt")
    assert len(tokens) == 2000 and tuple(tokens[:5]) == SPECIALS
    assert not any(units.is_conjoining_jamo(c) for t in tokens for c in t)
    held = rep["heldout"]
    assert held["sentences"] > 500
    assert held["unk_rate"] < 0.01
    cmp = rep["compare"]
    # frequent tokens of real Korean text are in KR-BERT-MEDIUM's vocabulary too
    assert cmp["share_of_ours"] > 0.6
    assert cmp["other_heldout"]["unk_rate"] < 0.01
    # a 20k vocabulary cuts words into fewer pieces than our 2k one
    assert cmp["other_heldout"]["tokens_per_word"] < held["tokens_per_word"]
    assert Tokenizer.from_file(str(out / "tokenizer.json")).get_vocab_size() == 2000


def test_reference_reads_through_plain_bert_wordpiece():
    bert = BertWordPieceTokenizer(str(REFERENCE), lowercase=False, strip_accents=False)
    enc = bert.encode("대한민국은 민주공화국이다.", add_special_tokens=False)
    assert "[UNK]" not in enc.tokens
    assert "".join(t.removeprefix("##") for t in enc.tokens) == "대한민국은민주공화국이다."


@pytest.mark.slow
def test_real_text_20000_vocab(real_corpus, tmp_path):
    rep = train_vocab(real_corpus, tmp_path / "v", VocabOptions(size=20_000, heldout=0.05),
                      compare_with=REFERENCE)
    assert len(read_vocab(tmp_path / "v" / "vocab.txt")) == 20_000
    assert rep["heldout"]["unk_rate"] < 0.01
    assert rep["vocab"]["hangul_syllable_share"] > 0.8
    assert rep["compare"]["share_of_other"] > 0.4
