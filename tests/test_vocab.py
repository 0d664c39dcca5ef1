"""``korpus vocab``: layout, loading, units, sampling, report, errors (offline fixtures)."""

from __future__ import annotations

import doctest
import itertools
import json
import random
import re
import unicodedata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tokenizers import BertWordPieceTokenizer, Tokenizer

from korpus.cli.main import main
from korpus.core.errors import ConfigError, InputError, KorpusError
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.vocab import layout, report, train, units
from korpus.vocab import training_text as sentences
from korpus.vocab.layout import SPECIALS, check_layout, read_vocab
from korpus.vocab.train import VocabOptions, train_vocab
from korpus.vocab.training_text import Sampling, SentenceStream, estimate_text_bytes

# --- a synthetic Korean corpus: Zipf-distributed stems, particles and endings ---

SYLLABLES = ("가각간강개거건게결경계고공과관광교구국군권규그근금기길김나남내넌노논농누뉴능다단담당대"
             "더데도동두드득들등디라락란람랑래러력련령로론료루류률르른를름리린림마만말망매메면명모목무"
             "문물미민밀바박반발방배백버번법변별병보복본부북분불비빈사산상새생서석선설성세소속손송수숙"
             "순술스습승시식신실심아악안알암압앙애야약양어언업없에여역연열영예오온올와완왕외요용우운울원"
             "위유육윤은을음응의이인일임입자작장재저전점정제조종주준중즈지직진질집차찰참창책처천철청체초"
             "총최추축출충취치친칙카타탈태택터토통투트특파판패편평포표품프피필하학한할함합항해행향허험현"
             "형호혼화확환활황회효후훈휴흐희히")
PARTICLES = ("은", "는", "이", "가", "을", "를", "에", "에서", "으로", "의", "도", "와", "과", "만", "")
ENDINGS = ("하다", "했다", "한다", "합니다", "하는", "하고", "해서", "되었다", "입니다", "이다", "했습니다")
EXTRAS = ("2024년", "3월", "AI", "韓國", "ㅋㅋ", "OECD", "10%", "(주)")
NFD_WORD = unicodedata.normalize("NFD", "꽃뿔")  # syllables only ever written decomposed
OLD_HANGUL = "말ᄊᆞ미"  # arae-a: stays decomposed even after NFC


def make_lexicon(seed: int = 7, n: int = 600) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3)))) for _ in range(n)]


LEXICON = make_lexicon()
CUM_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(LEXICON))))


def make_sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(4, 10)):
        stem = rng.choices(LEXICON, cum_weights=CUM_WEIGHTS)[0]
        if rng.random() < 0.25:
            words.append(stem + rng.choice(ENDINGS))
        elif rng.random() < 0.05:
            words.append(rng.choice(EXTRAS))
        else:
            words.append(stem + rng.choice(PARTICLES))
    if rng.random() < 0.05:
        words.insert(0, NFD_WORD + "은")
    if rng.random() < 0.02:
        words.append(OLD_HANGUL)
    return " ".join(words) + rng.choice((".", ".", "?", "!"))


def make_records(n_docs: int, seed: int = 0, prefix: str = "doc") -> list[Record]:
    rng = random.Random(seed)
    records = []
    for i in range(n_docs):
        sents = [make_sentence(rng) for _ in range(rng.randint(3, 12))]
        records.append(Record(id=f"test/{prefix}{i}", source="test", text=" ".join(sents),
                              sentences=sents))
    return records


def run_cli(*argv: str) -> None:
    """The CLI entry point; a success exits 0, anything else propagates."""
    try:
        main(["vocab", *argv])
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.parquet"
    write_records(make_records(2500), path)
    return path


@pytest.fixture(scope="module")
def char_vocab(corpus, tmp_path_factory) -> Path:
    """The issue's acceptance run: ``korpus vocab --size 2000 --from corpus.parquet --out DIR``."""
    out = tmp_path_factory.mktemp("char") / "vocab"
    run_cli("--size", "2000", "--from", str(corpus), "--out", str(out), "--heldout", "0.05")
    return out


def heldout_like(n: int = 400) -> list[str]:
    """Fresh sentences from the same distribution, never seen in training."""
    rng = random.Random(12345)
    return [make_sentence(rng) for _ in range(n)]


# --- the acceptance checks of the issue ---


def test_vocab_txt_has_exactly_size_lines_specials_first(char_vocab):
    lines = (char_vocab / "vocab.txt").read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # newline-terminated, nothing after
    tokens = lines[:-1]
    assert len(tokens) == 2000
    assert tokens[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert not any(t.startswith("[unused") for t in tokens)
    assert len(set(tokens)) == 2000
    assert any(t.startswith("##") for t in tokens)


def test_folder_files_and_cased_config(char_vocab):
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                 "report.json"):
        assert (char_vocab / name).is_file(), name
    config = json.loads((char_vocab / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["do_lower_case"] is False
    assert config["strip_accents"] is False
    assert config["tokenizer_class"] == "BertTokenizer"
    assert not list(char_vocab.glob(".tmp-*"))


def test_tokenizers_loads_tokenizer_json_consistent_with_vocab_txt(char_vocab):
    tok = Tokenizer.from_file(str(char_vocab / "tokenizer.json"))
    tokens = read_vocab(char_vocab / "vocab.txt")
    assert tok.get_vocab_size() == len(tokens)
    assert all(tok.token_to_id(t) == i for i, t in enumerate(tokens))
    enc = tok.encode("대한민국은 민주공화국이다.")
    assert enc.ids[0] == 2 and enc.ids[-1] == 3  # [CLS] ... [SEP]
    pair = tok.encode("가나다", "라마바")
    assert pair.type_ids[-1] == 1 and pair.type_ids[0] == 0
    text = heldout_like(1)[0]
    decoded = tok.decode(tok.encode(text).ids)
    assert decoded.replace(" ", "") == unicodedata.normalize("NFC", text).replace(" ", "")


def test_no_conjoining_jamo_in_char_vocab(char_vocab):
    tokens = read_vocab(char_vocab / "vocab.txt")
    jamo = [t for t in tokens if any(units.is_conjoining_jamo(c) for c in t)]
    assert jamo == []
    # the syllables written only in NFD were learnt composed
    assert "꽃" in tokens and ("##뿔" in tokens or "꽃뿔" in tokens)
    rep = json.loads((char_vocab / "report.json").read_text(encoding="utf-8"))
    assert rep["vocab"]["tokens_with_conjoining_jamo"] == 0
    dropped = rep["stats"]["counts"]["vocab"]["-"]["sentences_with_old_hangul_words_dropped"]
    assert dropped > 0


def test_heldout_unk_rate_under_one_percent(char_vocab):
    rep = json.loads((char_vocab / "report.json").read_text(encoding="utf-8"))
    held = rep["heldout"]
    assert held["sentences"] > 100
    assert held["unk_rate"] < 0.01
    assert 1.0 < held["tokens_per_word"] < 4.0
    # and independently, on sentences drawn afresh
    tok = Tokenizer.from_file(str(char_vocab / "tokenizer.json"))
    fresh = report.evaluate(tok, heldout_like())
    assert fresh["unk_rate"] < 0.01


def test_plain_bert_wordpiece_reads_vocab_txt_identically(char_vocab):
    bert = BertWordPieceTokenizer(str(char_vocab / "vocab.txt"), lowercase=False,
                                  strip_accents=False)
    ours = Tokenizer.from_file(str(char_vocab / "tokenizer.json"))
    for text in heldout_like(50):
        nfc = unicodedata.normalize("NFC", text)
        assert bert.encode(nfc).ids == ours.encode(nfc).ids
    assert bert.token_to_id("[UNK]") == 1


def test_transformers_bert_tokenizer_fast_loads_folder(char_vocab):
    transformers = pytest.importorskip("transformers")
    hf = transformers.BertTokenizerFast.from_pretrained(str(char_vocab))
    ours = Tokenizer.from_file(str(char_vocab / "tokenizer.json"))
    assert hf.pad_token_id == 0 and hf.unk_token_id == 1 and hf.mask_token_id == 4
    text = unicodedata.normalize("NFC", heldout_like(1)[0])
    assert hf(text)["input_ids"] == ours.encode(text).ids
    assert hf.tokenize("ABC") == ours.encode("ABC", add_special_tokens=False).tokens  # cased


# --- units ---


@pytest.fixture(scope="module")
def subchar_vocab(corpus, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("subchar") / "vocab"
    return out, train_vocab(corpus, out, VocabOptions(size=600, unit="subchar", heldout=0.05))


def test_subchar_unit_is_jamo_and_tokenizer_decomposes(subchar_vocab):
    out, rep = subchar_vocab
    tokens = read_vocab(out / "vocab.txt")
    assert len(tokens) == 600
    assert not any(units.is_hangul_syllable(c) for t in tokens for c in t)
    assert rep["vocab"]["jamo_share"] > 0.5
    assert rep["heldout"]["unk_rate"] < 0.01
    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    text = heldout_like(1)[0]
    enc = tok.encode(text, add_special_tokens=False)
    assert "[UNK]" not in enc.tokens
    bert = BertWordPieceTokenizer(str(out / "vocab.txt"), lowercase=False, strip_accents=False)
    assert bert.encode(units.to_subchar(text)).ids == tok.encode(text).ids
    config = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["korpus_unit"] == "subchar"


def test_transformers_auto_tokenizer_keeps_nfkd_for_subchar(subchar_vocab):
    transformers = pytest.importorskip("transformers")
    out, _ = subchar_vocab
    hf = transformers.AutoTokenizer.from_pretrained(str(out))
    ours = Tokenizer.from_file(str(out / "tokenizer.json"))
    text = heldout_like(1)[0]
    encoded = hf(text, "가나")
    assert encoded["input_ids"] == ours.encode(text, "가나").ids
    assert encoded["token_type_ids"][-1] == 1
    assert hf.unk_token_id == 1 and hf.mask_token_id == 4


def test_alphabet_is_capped_so_small_sizes_are_exact(corpus, tmp_path):
    # ~200 distinct characters: uncapped, specials + alphabet + ## forms would pass 300
    train_vocab(corpus, tmp_path / "v", VocabOptions(size=300, heldout=0.0))
    assert len(read_vocab(tmp_path / "v" / "vocab.txt")) == 300


# --- input formats and streaming ---


def test_text_file_input_skips_bad_utf8_line_and_counts_it(tmp_path):
    rng = random.Random(3)
    path = tmp_path / "corpus.txt"
    with open(path, "wb") as fh:
        for d in range(800):
            for _ in range(5):
                fh.write(make_sentence(rng).encode() + b"\n")
            if d == 10:
                fh.write(b"\xff\xfe broken line\n")
            fh.write(b"\n")
    rep = train_vocab(path, tmp_path / "out", VocabOptions(size=500, heldout=0.05))
    assert rep["input"]["documents"] == 800
    assert rep["input"]["sentences_seen"] < 4000  # held-out documents are not seen by training
    problems = rep["stats"]["problems"]
    assert len(problems) == 1 and problems[0]["line"] == 6 * 10 + 6
    assert problems[0]["path"] == str(path)
    assert len(read_vocab(tmp_path / "out" / "vocab.txt")) == 500


def test_text_file_without_blank_lines_still_lends_heldout(tmp_path):
    rng = random.Random(4)
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(make_sentence(rng) for _ in range(5000)) + "\n", encoding="utf-8")
    stream = SentenceStream(path, Sampling(heldout_fraction=0.1), prepare=lambda a: a.to_pylist())
    trained = [s for batch in stream.batches() for s in batch]
    assert stream.documents == 50  # cut every TEXT_DOCUMENT_LINES lines
    assert stream.heldout and len(trained) + len(stream.heldout) == 5000


def test_folder_of_shards_with_row_groups_streams_every_document(tmp_path, monkeypatch):
    monkeypatch.setattr("korpus.core.parquet.ROW_GROUP_ROWS", 100)
    folder = tmp_path / "shards"
    write_records(make_records(300, seed=1, prefix="a"), folder / "part-0.parquet")
    write_records(make_records(200, seed=2, prefix="b"), folder / "part-1.parquet")
    assert pq.ParquetFile(folder / "part-0.parquet").num_row_groups == 3
    expected = sum(len(r.sentences) for r in make_records(300, 1, "a") + make_records(200, 2, "b"))
    stream = SentenceStream(folder, Sampling(heldout_fraction=0.0), prepare=lambda a: a.to_pylist())
    got = [s for batch in stream.batches() for s in batch]
    assert stream.documents == 500 and len(got) == expected


def test_heldout_documents_are_disjoint_from_training(tmp_path):
    records = [Record(id=f"t/{i}", source="t", text="", sentences=[f"문장 {i} 가", f"문장 {i} 나"])
               for i in range(3000)]
    path = tmp_path / "c.parquet"
    write_records(records, path)
    stream = SentenceStream(path, Sampling(heldout_fraction=0.1, heldout_max=10_000),
                            prepare=lambda a: a.to_pylist())
    trained = {s for batch in stream.batches() for s in batch}
    held = set(stream.heldout)
    assert held and not held & trained
    assert len(held) + len(trained) == 6000
    held_docs = {s.split()[1] for s in held}
    assert all(f"문장 {d} 가" in held and f"문장 {d} 나" in held for d in held_docs)


def test_heldout_reservoir_is_capped_and_spans_the_corpus(tmp_path):
    records = [Record(id=f"t/{i}", source="t", text="", sentences=[f"문장 {i}"]) for i in range(20000)]
    path = tmp_path / "c.parquet"
    write_records(records, path)
    stream = SentenceStream(path, Sampling(heldout_fraction=0.5, heldout_max=200),
                            prepare=lambda a: a.to_pylist())
    for _ in stream.batches():
        pass
    assert len(stream.heldout) == 200
    assert max(int(s.split()[1]) for s in stream.heldout) > 15_000


def test_sample_fraction_thins_sentences_and_is_repeatable(corpus, tmp_path):
    opts = VocabOptions(size=400, sample=0.5, heldout=0.0)
    rep1 = train_vocab(corpus, tmp_path / "a", opts)
    rep2 = train_vocab(corpus, tmp_path / "b", opts)
    seen, kept = rep1["input"]["sentences_seen"], rep1["input"]["sentences_trained"]
    assert abs(kept / seen - 0.5) < 0.03
    assert rep1["input"] == rep2["input"]  # the same sentences were fed
    a, b = read_vocab(tmp_path / "a" / "vocab.txt"), read_vocab(tmp_path / "b" / "vocab.txt")
    # HF's trainer may order (or, at the size cut, pick) merges of equal count differently
    assert a[:250] == b[:250]  # specials, alphabet, sorted ## characters
    assert len(set(a) & set(b)) >= 0.99 * len(a)


def test_max_sample_bytes_bounds_the_text_fed(corpus, tmp_path):
    estimated = estimate_text_bytes(corpus)
    actual = sum(len(s.encode()) for r in make_records(2500) for s in r.sentences)
    assert actual <= estimated < actual * 1.3
    cap = estimated // 4
    rep = train_vocab(corpus, tmp_path / "v", VocabOptions(size=400, max_sample_bytes=cap,
                                                           heldout=0.0))
    assert rep["input"]["sample_fraction"] == pytest.approx(0.25, rel=1e-3)
    assert rep["input"]["bytes_trained"] < cap * 1.05


# --- report and compare ---


def test_compare_counts_shared_tokens_exactly(char_vocab, corpus, tmp_path):
    ours = read_vocab(char_vocab / "vocab.txt")
    other = list(SPECIALS) + ours[100:110] + ["없는토큰", "##또없음", "zzzz"]
    path = tmp_path / "other.txt"
    path.write_text("\r\n".join(other) + "\r\n", encoding="utf-8")
    cmp = report.compare(ours, read_vocab(path), heldout_like(50))
    assert cmp["shared"] == 15
    assert cmp["other_tokens"] == 18
    assert cmp["share_of_other"] == round(15 / 18, 4)
    assert cmp["other_unit"] == "char"
    assert cmp["other_heldout"]["unk_rate"] > 0.3  # a 13-token vocabulary covers little


def test_cli_compare_writes_overlap_into_report(corpus, char_vocab, tmp_path, capsys):
    out = tmp_path / "v"
    run_cli("--size", "400", "--from", str(corpus), "--out", str(out), "--compare",
            str(char_vocab / "vocab.txt"))
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep["compare"]["shared"] == len(set(read_vocab(out / "vocab.txt"))
                                           & set(read_vocab(char_vocab / "vocab.txt")))
    printed = capsys.readouterr().out
    assert "shared tokens" in printed and "[UNK]" in printed


def test_training_prints_progress_lines_while_it_reads(corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KORPUS_PROGRESS_SECONDS", "0")
    run_cli("--size", "400", "--from", str(corpus), "--out", str(tmp_path / "v"))
    lines = capsys.readouterr().err.splitlines()
    reading = [line for line in lines if re.fullmatch(
        r"\[\d:\d\d:\d\d\] vocab: read [\d,.]+ MB \(\d+%\), [\d,]+ sentences, ETA (\d:\d\d:\d\d|\?)", line)]
    assert len(reading) >= 2, lines
    assert "merging pairs" in lines[-1]


def test_composition_counts():
    comp = report.composition(list(SPECIALS) + ["가", "##나", "ab", "##c", "가나다"])
    assert comp["tokens"] == 10
    assert comp["continuation_pieces"] == 2
    assert comp["hangul_syllable_share"] == 0.6
    assert comp["hangul_syllables_distinct"] == 3


# --- errors ---


def test_too_small_corpus_fails_clearly_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "tiny.parquet"
    write_records(make_records(5), path)
    with pytest.raises(SystemExit) as exc:
        run_cli("--size", "20000", "--from", str(path), "--out", str(tmp_path / "v"))
    assert exc.value.code != 0
    err = capsys.readouterr().err
    assert "training stopped at" in err and "tiny.parquet" in err
    assert not (tmp_path / "v" / "vocab.txt").exists()


def test_missing_source_names_the_path(tmp_path):
    with pytest.raises(InputError, match="nope.parquet"):
        train_vocab(tmp_path / "nope.parquet", tmp_path / "v")


def test_parquet_without_sentences_column_names_the_file(tmp_path):
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"text": ["가나다"]}), path)
    with pytest.raises(InputError, match=r"other\.parquet.*sentences"):
        train_vocab(path, tmp_path / "v")


def test_corrupt_parquet_names_the_file(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(InputError, match="broken.parquet"):
        train_vocab(path, tmp_path / "v")


@pytest.mark.parametrize("opts", [dict(unit="byte"), dict(sample=0.0), dict(size=3),
                                  dict(heldout=1.0), dict(max_sample_bytes=-1)])
def test_bad_options_are_config_errors(opts, corpus, tmp_path):
    with pytest.raises(ConfigError):
        train_vocab(corpus, tmp_path / "v", VocabOptions(**opts))


def test_check_layout_rejects_wrong_vocabularies():
    good = list(SPECIALS) + ["가", "나"]
    check_layout(good, 7)
    with pytest.raises(KorpusError, match="exactly"):
        check_layout(good, 8)
    with pytest.raises(KorpusError, match="start with"):
        check_layout(["[UNK]", "[PAD]", *good[2:]], 7)
    with pytest.raises(KorpusError, match="duplicate"):
        check_layout(list(SPECIALS) + ["가", "가"], 7)


def test_doctests():
    for module in (units, report, train, layout, sentences):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
