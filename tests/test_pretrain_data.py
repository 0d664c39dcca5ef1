"""``korpus pretrain data`` end to end: records, config, manifest, reproducibility."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from test_pretrain_fixtures import (
    OUT_OF_VOCAB,
    SHARED,
    make_documents,
    parse_with_protobuf,
    read_tfrecord_raw,
    write_corpus,
    write_vocab,
)

from korpus.build.engines import LocalEngine
from korpus.cli.main import main as korpus_main
from korpus.core.errors import ConfigError, InputError, KorpusError
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.pretrain.data import build_pretraining_data
from korpus.pretrain.wordpiece import build_tokenizer, encode_ids, load_vocab

SHAPES = {"input_ids": ("int64_list", 128), "input_mask": ("int64_list", 128),
          "segment_ids": ("int64_list", 128), "masked_lm_positions": ("int64_list", 20),
          "masked_lm_ids": ("int64_list", 20), "masked_lm_weights": ("float_list", 20),
          "next_sentence_labels": ("int64_list", 1)}


@pytest.fixture
def corpus_and_vocab(tmp_path: Path) -> tuple[Path, Path]:
    return (write_corpus(tmp_path / "corpus.parquet", make_documents()),
            write_vocab(tmp_path / "vocab.txt"))


def digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((out / "records").glob("*.tfrecord"))}


def build(corpus, vocab, out, workers: int = 1, **kw):
    """In this process for one worker, else on a local process pool of ``workers``."""
    kw.setdefault("shard_mb", 0.004)  # several shards from the small corpus
    if workers == 1:
        return build_pretraining_data(corpus, vocab, out, **kw)
    engine = LocalEngine(workers)
    try:
        return build_pretraining_data(corpus, vocab, out, engine=engine, **kw)
    finally:
        engine.close()


def test_records_decode_with_an_independent_reader(corpus_and_vocab, tmp_path):
    corpus, vocab = corpus_and_vocab
    manifest = build(corpus, vocab, tmp_path / "out")
    files = sorted((tmp_path / "out" / "records").glob("*.tfrecord"))
    assert len(files) == manifest["counts"]["shards"] > 1
    total = 0
    v = load_vocab(vocab)
    for path in files:
        for data in read_tfrecord_raw(path):  # asserts both CRCs of every record
            example = parse_with_protobuf(data)
            assert {k: (kind, len(vals)) for k, (kind, vals) in example.items()} == SHAPES
            ids = example["input_ids"][1]
            n = sum(example["input_mask"][1])
            assert ids[0] == v.cls_id and ids[n - 1] == v.sep_id and all(i == 0 for i in ids[n:])
            k = int(sum(example["masked_lm_weights"][1]))
            assert 1 <= k <= 20
            total += 1
    assert total == manifest["counts"]["instances"]
    assert [r["instances"] for r in manifest["outputs"]["records"]] == \
        [len(read_tfrecord_raw(p)) for p in files]


def test_same_inputs_same_bytes_whatever_the_worker_count(corpus_and_vocab, tmp_path):
    corpus, vocab = corpus_and_vocab
    build(corpus, vocab, tmp_path / "one", workers=1)
    assert build(corpus, vocab, tmp_path / "two", workers=2)["run"]["engine"] == "local"
    build(corpus, vocab, tmp_path / "again", workers=1)
    one = digests(tmp_path / "one")
    assert len(one) > 1
    assert one == digests(tmp_path / "two") == digests(tmp_path / "again")
    build(corpus, vocab, tmp_path / "seed", seed=99)
    assert digests(tmp_path / "seed") != one


def test_bert_config_and_manifest(corpus_and_vocab, tmp_path):
    corpus, vocab = corpus_and_vocab
    out = tmp_path / "out"
    manifest = build(corpus, vocab, out)
    config = json.loads((out / "bert_config.json").read_text())
    n_vocab = len(vocab.read_text(encoding="utf-8").splitlines())
    assert config["vocab_size"] == n_vocab
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"],
            config["intermediate_size"], config["max_position_embeddings"]) == (768, 12, 12, 3072, 512)
    assert (out / "vocab.txt").read_bytes() == vocab.read_bytes()
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk == json.loads(json.dumps(manifest))
    p = manifest["parameters"]
    assert (p["max_seq_length"], p["max_predictions_per_seq"], p["dupe_factor"],
            p["masked_lm_prob"], p["short_seq_prob"], p["do_lower_case"]) == (128, 20, 10, 0.15, 0.1, False)
    for key in ("dupe_factor", "max_predictions_per_seq", "warmup_steps"):
        assert "not published" in manifest["assumptions"][key]
    c = manifest["counts"]
    assert c["documents"] == c["documents_used"] == 60
    assert c["sentences"] == sum(len(d) for d in make_documents())
    assert 0 < c["unk_tokens"] < c["tokens"] and 0.3 < c["random_next_fraction"] < 0.8
    assert manifest["outputs"]["bert_config.json"] == \
        hashlib.sha256((out / "bert_config.json").read_bytes()).hexdigest()
    for entry in manifest["outputs"]["records"]:
        assert entry["sha256"] == hashlib.sha256((out / entry["file"]).read_bytes()).hexdigest()
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(corpus.read_bytes()).hexdigest()
    assert manifest["training"]["num_train_steps"] == 2_000_000
    assert manifest["training"]["epochs_over_records"] == round(128_000_000 / c["instances"], 3)


def test_unk_tokens_are_counted(tmp_path):
    vocab = write_vocab(tmp_path / "vocab.txt")
    docs = [["가나 다라.", f"마바 {OUT_OF_VOCAB}{OUT_OF_VOCAB} 사아."], ["자차 카타."]]
    corpus = write_corpus(tmp_path / "c.parquet", docs)
    c = build(corpus, vocab, tmp_path / "out")["counts"]
    assert c["unk_tokens"] == 1  # one word of two unknown characters is one [UNK]
    assert c["tokens"] == 16  # 가 ##나 다 ##라 . | 마 ##바 [UNK] 사 ##아 . | 자 ##차 카 ##타 .


def test_rerun_resumes_finished_shards_and_refuses_other_runs(corpus_and_vocab, tmp_path):
    corpus, vocab = corpus_and_vocab
    out = tmp_path / "out"
    first = build(corpus, vocab, out)
    before = digests(out)
    victim = sorted((out / "records").glob("*.tfrecord"))[1]
    victim.unlink()  # as if killed before this shard was written
    again = build(corpus, vocab, out)
    assert again["run"]["shards_resumed"] == first["counts"]["shards"] - 1
    assert (first["run"]["engine"], first["run"]["workers"]) == ("in-process", 1)
    assert digests(out) == before
    with pytest.raises(ConfigError, match="--overwrite"):
        build(corpus, vocab, out, seed=5)
    replaced = build(corpus, vocab, out, seed=5, overwrite=True)
    assert replaced["run"]["shards_resumed"] == 0 and digests(out) != before


def test_documents_without_sentences_are_counted_not_lost(tmp_path):
    vocab = write_vocab(tmp_path / "vocab.txt")
    records = [Record(id="t/0", source="a", text="x", sentences=[]),
               Record(id="t/1", source="b", text="y", sentences=["  ", ""]),
               Record(id="t/2", source="b", text="z", sentences=["가나 다라.", "마바."])]
    write_records(records, tmp_path / "c.parquet")
    manifest = build(tmp_path / "c.parquet", vocab, tmp_path / "out")
    counts = manifest["stats"]["counts"]["pretrain"]
    assert counts["a"]["dropped:empty_document"] == 1
    assert counts["b"]["dropped:empty_sentence"] == 2
    assert counts["b"]["dropped:empty_document"] == 1 and counts["b"]["sentences"] == 2
    assert manifest["counts"]["documents_used"] == 1


def test_corpus_without_usable_text_is_an_error(tmp_path):
    vocab = write_vocab(tmp_path / "vocab.txt")
    write_records([Record(id="t/0", source="a", text="x", sentences=[])], tmp_path / "c.parquet")
    with pytest.raises(KorpusError, match="no training instances"):
        build(tmp_path / "c.parquet", vocab, tmp_path / "out")


@pytest.mark.parametrize("tokens, message", [
    (["[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]"], "must be id 0"),
    (["[PAD]", "[UNK]", "[CLS]", "[SEP]"], "lacks \\[MASK\\]"),
    (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "가", "가"], "duplicate"),
])
def test_bad_vocabulary_is_named(tmp_path, tokens, message):
    vocab = tmp_path / "bad-vocab.txt"
    vocab.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    corpus = write_corpus(tmp_path / "c.parquet", make_documents(3))
    with pytest.raises(InputError, match=message) as err:
        build(corpus, vocab, tmp_path / "out")
    assert "bad-vocab.txt" in str(err.value)


def test_missing_sentences_column_is_named(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["가나"]}), tmp_path / "plain.parquet")
    with pytest.raises(InputError, match="sentences") as err:
        build(tmp_path / "plain.parquet", write_vocab(tmp_path / "v.txt"), tmp_path / "out")
    assert "plain.parquet" in str(err.value)


def test_tokenizer_is_cased_bert_wordpiece_without_special_token_injection(tmp_path):
    from tokenizers import BertWordPieceTokenizer

    vocab_path = write_vocab(tmp_path / "v.txt", extra=["A", "##b", "[", "]", "S", "##E", "##P"])
    ours = build_tokenizer(load_vocab(vocab_path))
    reference = BertWordPieceTokenizer(str(vocab_path), lowercase=False, strip_accents=False)
    plain = ["가나 다라.", "마바사아자 Ab 가", f"{OUT_OF_VOCAB}가 나"]
    assert encode_ids(ours, plain) == [e.ids for e in reference.encode_batch(
        plain, add_special_tokens=False)]
    # A literal "[SEP]" in the text is text, as in google-research/bert, not a separator.
    sep = load_vocab(vocab_path).sep_id
    assert sep not in encode_ids(ours, ["가 [SEP] 나"])[0]


def test_cli_data_and_progress(corpus_and_vocab, tmp_path, capsys):
    corpus, vocab = corpus_and_vocab
    with pytest.raises(SystemExit) as done:
        korpus_main(["pretrain", "data", "--corpus", str(corpus), "--vocab", str(vocab),
                     "--out", str(tmp_path / "out"), "--shard-mb", "0.004", "--workers", "1",
                     "--dupe-factor", "2", "--whole-word-mask"])
    assert done.value.code in (0, None)
    captured = capsys.readouterr()
    assert "records in" in captured.out
    lines = captured.err.strip().splitlines()
    total = len(lines)
    assert total > 1 and all(re.fullmatch(
        rf"\[\d:\d\d:\d\d\] shard {i}/{total}: #\d+ [\d,]+ records \([\d.]+ s\), ETA \d:\d\d:\d\d", line)
        for i, line in enumerate(lines, start=1)), lines
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["parameters"]["dupe_factor"] == 2
    assert manifest["parameters"]["do_whole_word_mask"] is True


def test_cli_reports_a_missing_corpus(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        korpus_main(["pretrain", "data", "--corpus", str(tmp_path / "nope"),
                     "--vocab", str(write_vocab(tmp_path / "v.txt")), "--out", str(tmp_path / "o")])
    assert done.value.code != 0
    assert "nope" in capsys.readouterr().err


@pytest.mark.shared
def test_krbert_vocabulary_and_config_on_real_text(tmp_path):
    vocab = SHARED / "reference" / "krbert-medium-vocab-20000.txt"
    reference_config = SHARED / "reference" / "krbert-medium-bert_config.json"
    gold = SHARED / "corpora" / "sentence-gold" / "wikipedia.txt"
    if not (vocab.exists() and reference_config.exists() and gold.exists()):
        pytest.skip("../shared is absent")
    docs, current = [], []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            docs.append(current)
            current = []
    docs.append(current) if current else None
    corpus = write_corpus(tmp_path / "c.parquet", docs, source="wiki")
    manifest = build(corpus, vocab, tmp_path / "out", shard_mb=1.0)
    config = json.loads((tmp_path / "out" / "bert_config.json").read_text())
    assert config == json.loads(reference_config.read_text())
    assert manifest["counts"]["unk_rate"] < 0.01
    assert manifest["vocab"]["special_ids"] == {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2,
                                                "[SEP]": 3, "[MASK]": 4}
    lengths = np.array([sum(parse_with_protobuf(r)["input_mask"][1])
                        for r in read_tfrecord_raw(tmp_path / "out/records/pretrain-00000.tfrecord")])
    assert lengths.max() == 128 and np.median(lengths) > 100
