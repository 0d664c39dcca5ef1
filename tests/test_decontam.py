"""Decontamination against evaluation sets: file readers, matching, the report-only command."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPORA, needs_shared, run_korpus

from korpus.core.errors import ConfigError, InputError
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.dedup.contamination import carrying_sentences, check_corpus
from korpus.dedup.evalindex import CONTAINMENT, EXACT, EvalIndex, MatchOptions
from korpus.dedup.evalsets import EvalSet, parse_eval_flag, read_eval_set
from korpus.dedup.shingles import batch_hashes, batch_hashes64, shingle_points

REVIEWS = [
    "이 영화 정말 재미있게 봤어요 배우들 연기가 최고",
    "스토리가 너무 지루해서 중간에 잠들었습니다",
    "감독의 전작보다 훨씬 나아진 연출이 돋보인다",
    "최고의 영화",  # 6 canonical characters: too short to be evidence
]


def evalset(texts=REVIEWS, name="nsmc") -> EvalSet:
    return EvalSet(name, "eval.txt", [(i + 2, t) for i, t in enumerate(texts)])


def test_batch_hashes_is_the_high_half_of_batch_hashes64():
    texts = ["좋은 영화", "굳 ㅋ", "", "a" * 30]
    h32, off32 = batch_hashes(texts, 5)
    h64, off64 = batch_hashes64(texts, 5)
    assert np.array_equal(off32, off64)
    assert np.array_equal(h32, (h64 >> np.uint64(32)).astype(np.uint32))


# --- readers ---------------------------------------------------------------

def test_reads_nsmc_layout_with_line_numbers(tmp_path):
    p = tmp_path / "ratings_test.txt"
    p.write_text("id\tdocument\tlabel\n1\t굳 ㅋ\t1\n2\t\t0\n3\t뭐야 이 평점들은\t0\n", encoding="utf-8")
    assert read_eval_set("nsmc", p).examples == [(2, "굳 ㅋ"), (3, ""), (4, "뭐야 이 평점들은")]


def test_reads_hate_speech_layout_and_csv_and_jsonl_and_lines(tmp_path):
    tsv = tmp_path / "dev.tsv"
    tsv.write_text("comments\tcontain_gender_bias\tbias\thate\n송중기 시대극은 믿고본다\tFalse\tnone\tnone\n")
    assert read_eval_set("hate", tsv).examples == [(2, "송중기 시대극은 믿고본다")]
    csv = tmp_path / "e.csv"
    csv.write_text('id,text\n1,"쉼표, 있는 문장"\n')
    assert read_eval_set("c", csv).examples == [(2, "쉼표, 있는 문장")]
    jl = tmp_path / "e.jsonl"
    jl.write_text('{"sentence": "하나"}\n\n{"sentence": "둘"}\n')
    assert read_eval_set("j", jl, text_field="sentence").examples == [(1, "하나"), (3, "둘")]
    lines = tmp_path / "e.txt"
    lines.write_text("첫 줄\n\n셋째 줄\n")
    assert read_eval_set("l", lines).examples == [(1, "첫 줄"), (3, "셋째 줄")]


@pytest.mark.parametrize("name, content, field, message", [
    ("empty.txt", "", None, "no examples"),
    ("header.tsv", "id\tdocument\tlabel\n", None, "no examples"),
    ("wrong.tsv", "id\treview\tlabel\n1\t좋다\t1\n", None, "line 1: no column 'document' or 'comments'"),
    ("field.tsv", "id\tdocument\n1\t좋다\n", "text", "line 1: no column 'text'"),
    ("short.tsv", "id\tlabel\tdocument\n1\t0\t좋다\n2\t1\n", None, "line 3: 2 columns"),
    ("bad.jsonl", '{"text": "a"}\n{"text": \n', None, "line 2: not JSON"),
    ("nofield.jsonl", '{"body": "a"}\n', None, "line 1: no field 'text'"),
    ("plain.txt", "그냥 한 줄\n", "document", "line 1: no header"),
])
def test_bad_files_are_one_clear_error(tmp_path, name, content, field, message):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_eval_set("e", p, text_field=field)
    assert str(err.value).startswith(str(p)) and message in str(err.value)


def test_missing_file_bad_utf8_bad_flag_and_repeated_name(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_eval_set("e", tmp_path / "nope.txt")
    p = tmp_path / "latin.txt"
    p.write_bytes("좋다\n".encode() + b"\xff\xfe\n")
    with pytest.raises(InputError, match="line 2: not valid utf-8"):
        read_eval_set("e", p)
    with pytest.raises(ConfigError, match="expected NAME=PATH"):
        parse_eval_flag("nsmc")
    (tmp_path / "a.txt").write_text("한 줄\n")
    from korpus.dedup.config import DecontamSet
    from korpus.dedup.decontaminate import check_sets

    with pytest.raises(ConfigError, match="given twice: a"):
        check_sets([DecontamSet("a", str(tmp_path / "a.txt")), DecontamSet("a", str(tmp_path / "a.txt"))])


# --- matching ----------------------------------------------------------------

def found(index: EvalIndex, texts: list[str]) -> list[tuple[int, int, int]]:
    m = index.match(texts)
    return list(zip(m.unit.tolist(), m.example.tolist(), m.kind.tolist(), strict=True))


def test_exact_spacing_punctuation_typo_and_embedded_copies_match():
    index = EvalIndex([evalset()])
    texts = [
        "이 영화 정말 재미있게 봤어요 배우들 연기가 최고",           # exact
        "이영화정말재미있게봤어요 배우들연기가최고!!",               # spacing and punctuation: same canonical form
        "스토리가 너무 지루해서 중간에 잠둘었습니다",                 # one typo
        "어제 본 영화 후기. 감독의 전작보다 훨씬 나아진 연출이 돋보인다. 추천함",  # inside a longer text
        "오늘 점심은 김치찌개를 먹었다",                              # unrelated
    ]
    assert found(index, texts) == [(0, 0, EXACT), (1, 0, EXACT), (2, 1, CONTAINMENT), (3, 2, CONTAINMENT)]


def test_too_short_examples_are_counted_and_never_matched():
    index = EvalIndex([evalset()])
    assert index.too_short == {"nsmc": 1} and index.examples == {"nsmc": 4}
    assert found(index, ["최고의 영화", "정말 최고의 영화였다"]) == []


def test_partial_overlap_below_threshold_does_not_match():
    index = EvalIndex([evalset()])
    assert found(index, ["이 영화 정말 재미있게 봤어요"]) == []  # under half of example 0


def test_repetitive_examples_match_only_exactly():
    index = EvalIndex([evalset(["좋아좋아좋아좋아좋아좋아"])])
    assert found(index, ["좋아좋아좋아 10자의 압박"]) == []
    assert found(index, ["좋아 좋아 좋아 좋아 좋아 좋아"]) == [(0, 0, EXACT)]


def test_ngrams_in_many_examples_are_no_evidence():
    shared = "진짜 재미있어요"
    examples = [f"{shared} {i}번째 리뷰 입니다 {chr(0xAC00 + i * 37)}" for i in range(30)]
    index = EvalIndex([evalset(examples)], MatchOptions(max_postings=5))
    assert found(index, [f"{shared} 다른 말"]) == []


def test_result_does_not_depend_on_batching():
    index = EvalIndex([evalset()])
    texts = ["잡담 " * i + REVIEWS[i % 3] for i in range(40)]
    whole = index.match(texts)
    parts = [index.match(texts[i:i + 7]) for i in range(0, 40, 7)]
    assert np.array_equal(whole.unit, np.concatenate([p.unit + 7 * k for k, p in enumerate(parts)]))
    assert np.array_equal(whole.example, np.concatenate([p.example for p in parts]))


def test_several_sets_keep_their_examples_apart():
    index = EvalIndex([evalset(REVIEWS[:1], "a"), evalset(REVIEWS[1:2], "b")])
    assert [index.set_of[e] for _, e, _ in found(index, REVIEWS[:2])] == [0, 1]


def test_carrying_sentences_leave_the_neighbours():
    sentences = ["날씨가 좋아서 산책을 했다.", "스토리가 너무 지루해서 중간에 잠들었습니다.", "내일은 비가 온대."]
    assert carrying_sentences(REVIEWS[1], sentences, 4) == [1]


# --- the corpus check and the command ----------------------------------------

def corpus(path: Path) -> Path:
    records = [
        Record(id="c/1", source="comments", text=REVIEWS[0], sentences=[]),
        Record(id="n/1", source="news", text="첫 문장이다. 스토리가 너무 지루해서 중간에 잠들었습니다. 끝.",
               sentences=["첫 문장이다.", "스토리가 너무 지루해서 중간에 잠들었습니다.", "끝."]),
        Record(id="n/2", source="news", text="관계없는 기사 본문입니다.", sentences=["관계없는 기사 본문입니다."]),
    ]
    write_records(records, path)
    return path


def test_check_corpus_counts_examples_documents_and_sentences(tmp_path):
    report = check_corpus([corpus(tmp_path / "c.parquet")], EvalIndex([evalset()]))
    s = report["sets"][0]
    assert s["found"] == {"total": 2, "exact": 2, "containment": 0}  # n/1 holds example 1 as a sentence
    assert (s["examples"], s["too_short_skipped"], s["documents"], s["sentences"]) == (4, 1, 2, 2)
    assert s["by_source"] == {"comments": {"documents": 1, "sentences": 1}, "news": {"documents": 1, "sentences": 1}}
    assert s["samples"][1] == {"example_line": 3, "example": REVIEWS[1], "corpus_id": "n/1",
                               "matched": "스토리가 너무 지루해서 중간에 잠들었습니다.", "kind": "exact", "score": 1.0}
    assert report["scanned"]["documents"] == 3


def test_contamination_command_reports_and_writes_json(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    corpus(folder / "part-00000.parquet")
    ev = tmp_path / "ratings_test.txt"
    ev.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t1\n" for i, t in enumerate(REVIEWS)), encoding="utf-8")
    out = tmp_path / "r.json"
    proc = run_korpus("contamination", str(folder), "--against", f"nsmc={ev}", "--json", str(out), check=True)
    assert "nsmc" in proc.stdout and "scanned 3 documents" in proc.stdout
    assert json.loads(out.read_text())["sets"][0]["found"]["total"] == 2
    assert sorted(p.name for p in folder.iterdir()) == ["part-00000.parquet"]  # changes nothing


def test_contamination_command_bad_inputs_are_one_line(tmp_path):
    corpus(tmp_path / "c.parquet")
    bad = tmp_path / "e.tsv"
    bad.write_text("id\treview\n1\t좋다\n")
    proc = run_korpus("contamination", str(tmp_path / "c.parquet"), "--against", f"e={bad}")
    assert proc.returncode == 1 and proc.stderr.strip().count("\n") == 0 and f"{bad}, line 1" in proc.stderr
    proc = run_korpus("contamination", str(tmp_path / "none"), "--against", f"e={bad}")
    assert proc.returncode == 1 and "no column" in proc.stderr  # the sets are read first
    good = tmp_path / "g.txt"
    good.write_text("한 줄의 평가 예제입니다\n")
    proc = run_korpus("contamination", str(tmp_path / "none"), "--against", f"e={good}")
    assert proc.returncode == 1 and "no such corpus file or folder" in proc.stderr


@needs_shared(CORPORA / "comments" / "nsmc_ratings_test.txt")
def test_nsmc_file_reads_as_50000_examples():
    s = read_eval_set("nsmc", CORPORA / "comments" / "nsmc_ratings_test.txt")
    assert len(s.examples) == 50_000 and s.examples[0] == (2, "굳 ㅋ")


# --- the build step --------------------------------------------------------------

EVAL_TSV = "id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t1\n" for i, t in enumerate(REVIEWS))
COMMENTS = "이영화정말재미있게봤어요 배우들연기가최고!!\n오늘 날씨가 좋아서 산책을 했습니다 정말로요\n"
DOCS = ("첫 문장은 평범한 이야기입니다. 스토리가 너무 지루해서 중간에 잠들었습니다. 그래도 배우는 좋았어요.\n\n"
        "다른 문서는 아무 상관이 없는 내용을 담고 있습니다. 두 번째 문장도 있어요.\n")


def build_inputs(tmp_path: Path) -> Path:
    (tmp_path / "ev.tsv").write_text(EVAL_TSV, encoding="utf-8")
    (tmp_path / "c.txt").write_text(COMMENTS, encoding="utf-8")
    (tmp_path / "t.txt").write_text(DOCS, encoding="utf-8")
    return tmp_path


def texts_of(path: Path) -> dict[str, str]:
    import polars as pl

    return dict(pl.read_parquet(path).select("id", "text").rows())


def test_build_removes_carrying_sentences_and_drops_comments(tmp_path):
    d = build_inputs(tmp_path)
    run_korpus("build", "-s", "comments=c.txt", "-s", "text=t.txt", "--decontaminate", "nsmc=ev.tsv",
               "--out", "out.parquet", cwd=d, check=True)
    assert texts_of(d / "out.parquet") == {
        "comments/c:2": "오늘 날씨가 좋아서 산책을 했습니다 정말로요",
        "text/t:1": "첫 문장은 평범한 이야기입니다. 그래도 배우는 좋았어요.",  # its neighbours stay
        "text/t:3": "다른 문서는 아무 상관이 없는 내용을 담고 있습니다. 두 번째 문장도 있어요.",
    }
    counts = json.loads((d / "out.stats.json").read_text())["counts"]["decontaminate"]
    assert counts == {"comments": {"dropped:contaminated": 1, "documents_dropped:nsmc": 1},
                      "text": {"sentences_removed:nsmc": 1}}
    report = json.loads((d / "out.reports" / "decontaminate" / "decontamination.json").read_text())
    s = report["sets"][0]
    assert (s["too_short_skipped"], s["found"]["total"], s["documents_dropped"], s["sentences_removed"]) == (1, 2, 1, 1)
    assert {x["corpus_id"] for x in s["samples"]} == {"comments/c:1", "text/t:1"}
    # korpus stats shows what the build recorded: terminal, JSON and HTML
    proc = run_korpus("stats", "out.parquet", "--json", "s.json", "--html", "s.html", cwd=d, check=True)
    assert "decontaminate" in proc.stdout and "nsmc" in proc.stdout
    assert json.loads((d / "s.json").read_text())["contamination"]["sets"][0]["sentences_removed"] == 1
    assert "<h2>Decontamination</h2>" in (d / "s.html").read_text()


def test_a_match_no_single_sentence_carries_drops_the_document(tmp_path):
    """The example is spread over short sentences, none holding a fifth of its grams: the document goes."""
    (tmp_path / "ev.tsv").write_text("id\tdocument\tlabel\n1\t하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉 열 열하나 열둘\t1\n",
                                     encoding="utf-8")
    (tmp_path / "t.txt").write_text("하나 둘 셋. 넷 다섯 여섯. 일곱 여덟 아홉. 열 열하나 열둘.\n\n"
                                    "다른 문서는 아무 상관이 없는 내용을 담고 있습니다. 두 번째 문장도 있어요.\n",
                                    encoding="utf-8")
    run_korpus("build", "-s", "text=t.txt", "--decontaminate", "e=ev.tsv", "--out", "out.parquet",
               cwd=tmp_path, check=True)
    assert list(texts_of(tmp_path / "out.parquet")) == ["text/t:3"]  # t:1 went whole
    counts = json.loads((tmp_path / "out.stats.json").read_text())["counts"]["decontaminate"]
    assert counts["text"]["dropped:contaminated"] == 1


def test_toml_tables_and_document_action(tmp_path):
    d = build_inputs(tmp_path)
    (d / "k.toml").write_text('[[source]]\nkind = "text"\npath = "t.txt"\n\n'
                              '[[decontaminate]]\nname = "nsmc"\npath = "ev.tsv"\ntext_field = "document"\n'
                              'action = "document"\n', encoding="utf-8")
    run_korpus("build", "--config", "k.toml", "--out", "out.parquet", cwd=d, check=True)
    assert list(texts_of(d / "out.parquet")) == ["text/t:3"]
    run_korpus("stats", "out.parquet", "--json", "s.json", cwd=d, check=True)
    assert json.loads((d / "s.json").read_text())["contamination"]["sets"][0]["documents_dropped"] == 1


def test_stats_without_a_decontamination_report_has_none(tmp_path):
    corpus(tmp_path / "c.parquet")
    run_korpus("stats", str(tmp_path / "c.parquet"), "--json", str(tmp_path / "s.json"), check=True)
    assert json.loads((tmp_path / "s.json").read_text())["contamination"] is None


@pytest.mark.parametrize("table, message", [
    ('name = "e"\npath = "missing.tsv"\n', "missing.tsv: evaluation set 'e': no such file"),
    ('name = "e"\npath = "ev.tsv"\ntext_field = "review"\n', "ev.tsv, line 1: no column 'review'"),
    ('name = "e"\npath = "ev.tsv"\naction = "drop"\n', "action: 'drop'"),
    ('name = "e"\npath = "ev.tsv"\nfield = "x"\n', "unknown key 'field'"),
    ('path = "ev.tsv"\n', "needs 'name' and 'path'"),
])
def test_bad_evaluation_sets_fail_before_the_build(tmp_path, table, message):
    d = build_inputs(tmp_path)
    (d / "k.toml").write_text(f'[[source]]\nkind = "text"\npath = "t.txt"\n\n[[decontaminate]]\n{table}')
    proc = run_korpus("build", "--config", "k.toml", "--out", "out.parquet", cwd=d)
    assert proc.returncode != 0 and message in proc.stderr and proc.stderr.strip().count("\n") == 0
    assert not (d / "out.parquet").exists() and not (d / ".korpus-work").exists()


def test_changed_evaluation_file_starts_a_fresh_work_folder(tmp_path):
    import os

    from korpus.build.config import BuildConfig, parse_decontaminate_flag

    d = build_inputs(tmp_path)
    cfg = BuildConfig(decontaminate=[parse_decontaminate_flag(f"nsmc={d / 'ev.tsv'}")])
    before = cfg.step_options()
    os.utime(d / "ev.tsv", ns=(1, 1))
    assert cfg.step_options() != before


def test_saved_index_matches_as_the_built_one(tmp_path):
    built = EvalIndex([evalset(), evalset(["완전히 다른 평가 예제 문장입니다"], "other")])
    built.save(tmp_path / "index.npz")
    loaded = EvalIndex.load(tmp_path / "index.npz")
    texts = [REVIEWS[0], "앞말 " + REVIEWS[1][:-1] + "다 뒷말", "완전히다른 평가예제 문장입니다"]
    a, b = built.match(texts), loaded.match(texts)
    assert len(a.unit) == 3 and all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("unit", "example", "kind"))
    assert (loaded.texts, loaded.too_short, [s.name for s in loaded.sets]) == (built.texts, built.too_short,
                                                                               ["nsmc", "other"])


def test_build_output_and_report_are_the_same_for_any_worker_count(tmp_path):
    d = build_inputs(tmp_path)
    outs = []
    for w in ("1", "2"):
        run_korpus("build", "-s", "comments=c.txt", "-s", "text=t.txt", "--decontaminate", "nsmc=ev.tsv",
                   "--workers", w, "--out", f"w{w}.parquet", cwd=d, check=True)
        report = (d / f"w{w}.reports" / "decontaminate" / "decontamination.json").read_text()
        outs.append((texts_of(d / f"w{w}.parquet"), report))
    assert outs[0] == outs[1]


# --- the batch functions against their one-by-one versions ---------------------------

def _comments(limit: int = 20_000) -> list[str]:
    """Real comments and reviews where ../shared is present, else made-up ones with the same troubles."""
    texts = []
    for name in ("nsmc_ratings_test.txt", "hate_speech_unlabeled_comments_5.txt"):
        path = CORPORA / "comments" / name
        if path.exists():
            texts += [line.split("\t")[1] if "\t" in line else line
                      for line in path.read_text(encoding="utf-8").splitlines()[1:limit // 2]]
    return texts or [f"{REVIEWS[i % len(REVIEWS)]} {i}번째 ㅋㅋ!! ẞtraße ﬁ Ⓐ 👍" for i in range(limit)]


def test_word_forms_equal_the_regex_on_every_code_point_and_on_comments():
    from korpus.dedup.keys import canonical, canonical_forms, word_form, word_forms

    every = [chr(c) for c in range(0x110000)]
    for at in range(0, len(every), 50_000):
        chunk = every[at:at + 50_000]
        assert word_forms(chunk) == [word_form(c) for c in chunk], hex(at)
    # letters that casefold to several (ß -> ss) beside ones that do not, and texts without letters
    texts = _comments() + ["Straße ǅ ŉ ΐ", "👍 👍", " ", "", "Ⓐ!", "_", "가ß나ﬁ다"]
    assert word_forms(texts) == [word_form(t) for t in texts]
    assert canonical_forms(texts) == [canonical(t) for t in texts]


def test_word_points_equal_word_forms_with_and_without_letters_that_fold_to_several():
    from korpus.dedup.keys import word_form, word_points
    from korpus.dedup.shingles import code_points

    every = [chr(c) for c in range(0x110000)]
    one_to_one = [c for c in every if len(word_form(c)) <= 1]  # the table's path; with ß etc. the string's
    for texts in (_comments() + ["Straße ǅ ŉ ΐ", "", "ABC 가"], every, one_to_one):
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        cps, got = word_points(code_points("".join(texts)), lengths)
        want = [word_form(t) for t in texts]
        assert cps.tobytes().decode("utf-32-le") == "".join(want) and got.tolist() == list(map(len, want))


def _match_documents_one_by_one(index: EvalIndex, texts: list[str], sentences: list[list[str]]):
    """The regex-per-text, string-per-document version that ``match_batch`` replaced."""
    from korpus.dedup.contamination import _with_exact_sentences
    from korpus.dedup.keys import canonical, word_form

    forms, flat, counts = [], [], []
    for text, doc in zip(texts, sentences, strict=True):
        if len(doc) > 1:
            words = [word_form(s) for s in doc]
            forms.append("".join(words) or "".join(text.split()))
            flat.extend(w or "".join(s.split()) for w, s in zip(words, doc, strict=True))
            counts.append(len(doc))
        else:
            forms.append(canonical(text))
            counts.append(0)
    unit, example = index.exact(flat, folded=True)
    return _with_exact_sentences(index.match(texts, forms), np.repeat(np.arange(len(texts)), counts)[unit], example)


@needs_shared(CORPORA / "comments" / "nsmc_ratings_test.txt")  # its counts assume real comments
def test_match_batch_equals_the_one_by_one_version():
    import pyarrow as pa

    from korpus.dedup.contamination import match_batch

    comments = _comments(6_000)
    index = EvalIndex([evalset(comments[:2_000] + ["!!!!!!!!!!!!"])])
    texts, sentences = [], []
    for i in range(0, 2_400, 3):  # documents of 0, 1 and several sentences; copies whole, as a sentence, with
        doc = [comments[i], comments[i + 1] + "!", comments[3_000 + i]][: i % 4]  # a typo; without letters
        doc += ["!!", "👍"] if i % 11 == 0 else []
        texts.append(" ".join(doc) if doc else (comments[i][:-1] + "뷁" if i % 2 else "!!! !!!!!! !!!"))
        sentences.append(doc)
    batch = pa.RecordBatch.from_pydict({"text": texts, "sentences": sentences})
    got, want = match_batch(index, batch.column(0), batch.column(1)), _match_documents_one_by_one(index, texts, sentences)
    assert len(want.unit) > 500 and {EXACT, CONTAINMENT} <= set(want.kind.tolist())
    assert all(np.array_equal(getattr(got, k), getattr(want, k)) for k in ("unit", "example", "kind", "score"))
    part = batch.slice(101, 300)  # a slice of the batch: Arrow offsets not at 0
    got = match_batch(index, part.column(0), part.column(1))
    want = _match_documents_one_by_one(index, texts[101:401], sentences[101:401])
    assert all(np.array_equal(getattr(got, k), getattr(want, k)) for k in ("unit", "example", "kind", "score"))


def test_sorted_triples_equal_lexsort_packed_or_not():
    from korpus.dedup.evalindex import _sorted_triples

    rng = np.random.default_rng(5)
    a, b, c = rng.integers(0, 50, 20_000), rng.integers(0, 3_000, 20_000), rng.integers(0, 40, 20_000)
    order = np.lexsort((c, b, a))
    for sizes in ((50, 3_000, 40), (1 << 40, 1 << 20, 1 << 10)):  # packed into one key; too large to pack
        got = _sorted_triples(a, b, c, *sizes)
        assert all(np.array_equal(x[order], y) for x, y in zip((a, b, c), got, strict=True))


def _contained_one_pair_at_a_time(index: EvalIndex, forms: list[str]):
    """Containment as the index defines it, text by text and example by example in Python."""
    n, out = index.options.ngram, []
    h, offsets = batch_hashes64(forms, n)
    for u in range(len(forms)):
        positions: dict[int, set[int]] = {}
        for gram in set(h[offsets[u]:offsets[u + 1]].tolist()):
            k = np.searchsorted(index.gram_keys, np.uint64(gram))
            if k < len(index.gram_keys) and index.gram_keys[k] == gram:
                for at in range(index.gram_ptr[k], index.gram_ptr[k + 1]):
                    positions.setdefault(int(index.gram_ex[at]), set()).add(int(index.gram_pos[at]))
        for e in sorted(positions):
            pos = sorted(positions[e])
            covered = min(n + sum(min(b - a, n) for a, b in itertools.pairwise(pos)), int(index.lengths[e]))
            score = covered / max(int(index.coverable[e]), 1)
            if score >= index.options.threshold and index.containable[e]:
                out.append((u, e, score))
    return out


@needs_shared(CORPORA / "comments" / "nsmc_ratings_test.txt")  # its counts assume real comments
def test_containment_equals_the_pair_at_a_time_definition():
    from korpus.dedup.keys import canonical_forms

    comments = _comments(4_000)
    index = EvalIndex([evalset(comments[:1_500])])
    texts = []
    for i, c in enumerate(comments[:600]):  # copies with a typo, inside other text, twice over, and unrelated text
        texts += [c[:len(c) // 2] + "뷁" + c[len(c) // 2 + 1:], f"{comments[-i - 1]} {c} {c}", comments[1_500 + i]]
    forms = canonical_forms(texts)
    u, e, score = index._contained(*shingle_points(forms))
    got = list(zip(u.tolist(), e.tolist(), score.tolist(), strict=True))
    assert len(got) > 500 and got == _contained_one_pair_at_a_time(index, forms)


def test_remove_sentences_rewrites_only_the_marked_rows_as_before():
    import pyarrow as pa

    from korpus.build.write_phase import cut_sentences, remove_sentences

    docs = [[f"문장 {i}-{k} 입니다." for k in range(1 + i % 4)] for i in range(300)]
    batch = pa.RecordBatch.from_pydict({"id": [f"d{i}" for i in range(300)], "text": [" ".join(d) for d in docs],
                                        "sentences": docs})
    marked = {1000 + i: {i % 3, 5} for i in range(0, 300, 7)}
    texts, sentences = batch.column("text").to_pylist(), batch.column("sentences").to_pylist()
    for row, gone in marked.items():  # the whole-batch version it replaced
        texts[row - 1000] = cut_sentences(texts[row - 1000], sentences[row - 1000], gone)
        sentences[row - 1000] = [s for k, s in enumerate(sentences[row - 1000]) if k not in gone]
    got = remove_sentences(batch, 1000, marked)
    assert got.column("text").to_pylist() == texts and got.column("sentences").to_pylist() == sentences
    assert got.column("id").equals(batch.column("id")) and got.schema == batch.schema
    assert remove_sentences(batch, 0, marked) is batch  # no marked row in this batch


@pytest.mark.parametrize("name", ["keys", "shingles", "contamination", "evalindex"])
def test_doctests(name):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(f"korpus.dedup.{name}")).failed == 0


def test_write_phase_doctests():
    import doctest

    from korpus.build import write_phase

    assert doctest.testmod(write_phase).failed == 0


def test_carrying_units_equal_carrying_sentences_pair_by_pair():
    from korpus.dedup.contamination import carrying_units
    from korpus.dedup.keys import canonical

    comments = _comments(3_000)
    rng = np.random.default_rng(3)
    examples = [comments[i] for i in range(0, 200, 2)] + ["좋아좋아좋아좋아좋아", "ABC 가나"]
    docs = []
    for d in range(300):  # 1-6 units: copies, a copy with a typo, its halves, neighbours, empty and bare units
        e = examples[d % len(examples)]
        choices = [e, e[:-1] + "뷁", e[: len(e) // 2], e[len(e) // 2:], comments[1_000 + d], "", "!!", "좋아좋아"]
        docs.append([choices[k] for k in rng.integers(0, len(choices), rng.integers(1, 7))])
    pair_doc = rng.integers(0, len(docs), 2_000)
    pair_example = rng.integers(0, len(examples), 2_000)
    pair_example[:300] = np.arange(300) % len(examples)  # each document with its own example too
    pair_doc[:300] = np.arange(300)
    forms = [[canonical(u) for u in doc] for doc in docs]
    offsets, units = carrying_units([canonical(e) for e in examples], [f for doc in forms for f in doc],
                                    np.array([len(doc) for doc in docs]), pair_doc, pair_example, 4)
    got = [units[offsets[p]:offsets[p + 1]].tolist() for p in range(len(pair_doc))]
    want = [carrying_sentences(examples[e], docs[d], 4) for d, e in zip(pair_doc.tolist(), pair_example.tolist(),
                                                                        strict=True)]
    assert got == want
    assert sum(map(len, want)) > 300 and sum(1 for w in want if w and len(w) < 6) > 100


def test_match_batch_is_the_same_in_small_chunks(monkeypatch):
    import pyarrow as pa

    from korpus.dedup import contamination

    comments = _comments(2_000)
    index = EvalIndex([evalset(comments[:300])])
    texts = [" ".join(comments[i:i + k]) for k, i in zip(range(1, 400), range(0, 1_600, 4), strict=False)]
    sentences = [comments[i:i + k] if k % 3 else [] for k, i in zip(range(1, 400), range(0, 1_600, 4), strict=False)]
    batch = pa.RecordBatch.from_pydict({"text": texts, "sentences": sentences})
    whole = contamination.match_batch(index, batch.column(0), batch.column(1))
    monkeypatch.setattr(contamination, "CHUNK_BYTES", 3_000)
    assert len(contamination._chunk_bounds(pc_sizes(batch), 3_000)) > 20
    chunked = contamination.match_batch(index, batch.column(0), batch.column(1))
    assert len(whole.unit) > 100
    assert all(np.array_equal(getattr(whole, k), getattr(chunked, k)) for k in ("unit", "example", "kind", "score"))


def pc_sizes(batch) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.binary_length(batch.column(0)).to_numpy()


def test_prefilter_passes_every_gram_of_the_index():
    index = EvalIndex([evalset(_comments(4_000))])
    assert index.may_hold(index.gram_keys).all()
    rng = np.random.default_rng(1)
    others = rng.integers(0, 2**63, 100_000, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    assert index.may_hold(others).mean() < 0.1  # a few false positives, not most


def test_carried_units_in_documents_of_one_and_of_several_units():
    """A matched document of one unit carries the match in that unit; the others go through the search."""
    import pyarrow as pa

    from korpus.dedup.contamination import carried, match_batch

    comments = [c for c in _comments(2_000) if len("".join(c.split())) >= 20]
    index = EvalIndex([evalset(comments[:100])])
    texts = [comments[0], comments[1], f"{comments[500]} {comments[2]}", comments[3] + " 정말요"]
    sentences = [[], [comments[1]], [comments[500], comments[2]], []]
    m = match_batch(index, pa.array(texts), pa.array(sentences, pa.list_(pa.string())))
    assert np.unique(m.unit).tolist() == [0, 1, 2, 3]  # every document matched: found holds all four
    found = {"text": texts, "sentences": sentences}
    carry, matched = carried(index, found, m)
    by_doc = dict(zip(m.unit.tolist(), carry.to_pylist(), strict=True))
    assert by_doc == {0: [0], 1: [0], 2: [1], 3: [0]}
    assert matched[m.unit.tolist().index(2)] == comments[2]
    assert by_doc[2] == carrying_sentences(index.texts[int(m.example[m.unit == 2][0])], sentences[2], 4)
