"""The learned splitter (``fast``): certain rules, the issue's cases, properties, batching, the model file."""

from __future__ import annotations

import doctest
import hashlib
import importlib.util
import json
import pickle
from importlib.metadata import version

import pytest
from conftest import CORPORA, REPO, needs_shared
from gold import non_space
from hypothesis import given, settings
from hypothesis import strategies as st

from korpus.cleaners import split as split_module
from korpus.cleaners import steps
from korpus.cleaners.boundary import (
    augment,
    batch,
    classes,
    corpus,
    features,
    fit,
    model,
    rules,
    splitter,
    teachers,
    train,
)
from korpus.cleaners.boundary.splitter import BoundarySplitter, units
from korpus.cleaners.config import SplitConfig
from korpus.core.errors import ConfigError
from korpus.core.schema import Record
from korpus.core.stats import Stats

SPLIT = BoundarySplitter()

# (input, expected, why): decided by the rules, whatever the model says
CERTAIN = [
    ("원주율은 3.14이다", ["원주율은 3.14이다"], "a decimal point"),
    ("자세한 건 https://example.com/a.b?c=1. 에서 봐라", ["자세한 건 https://example.com/a.b?c=1. 에서 봐라"],
     "inside a URL"),
    ("메일은 kim.lee@example.co.kr 로 보내 주세요", ["메일은 kim.lee@example.co.kr 로 보내 주세요"], "an e-mail"),
    ("1. 목적을 정한다.\n2. 범위를 정한다.", ["1. 목적을 정한다.", "2. 범위를 정한다."], "list markers open lines"),
    ("① 국민은 권리를 가진다. ② 의무를 진다.", ["① 국민은 권리를 가진다.", "② 의무를 진다."], "circled numbers"),
    ("Mr. Kim은 J. K. 롤링을 읽었다", ["Mr. Kim은 J. K. 롤링을 읽었다"], "an abbreviation and initials"),
    ('그는 "내일 간다."라고 말했다.', ['그는 "내일 간다."라고 말했다.'], "quoted speech closed by 라고"),
    ("첫 줄\n둘째 줄", ["첫 줄", "둘째 줄"], "a line break"),
    ("", [], "empty"),
    (" \n\t ", [], "whitespace only"),
]

# The errors the issue lists for the rule splitter, as short cases of our own.
ISSUE_CASES = [
    ("왜? 엥? 뭔데", ["왜?", "엥?", "뭔데"], "왜? 엥? is cut"),
    ("너무 좋아요 ^^.. 다음에 또 올게요", ["너무 좋아요 ^^..", "다음에 또 올게요"], "해요 ^^.. is cut"),
    ("맛은 괜찮은 것 같고.. 원래 이런가요", ["맛은 괜찮은 것 같고..", "원래 이런가요"], "같고.. is cut"),
    ("잘 봤습니다. [속보] 내일 비 온대요", ["잘 봤습니다.", "[속보] 내일 비 온대요"], "a leading [label] opens"),
    ("<기생충> 보고 왔다. 최고였음", ["<기생충> 보고 왔다.", "최고였음"], "ASCII < > as brackets"),
    ("그 영화 대박 ㅋㅊㅋㅊ 진짜 웃기다", ["그 영화 대박 ㅋㅊㅋㅊ", "진짜 웃기다"], "laughter stays with its sentence"),
    ("있다.'바카라'라는 도박", ["있다.", "'바카라'라는 도박"], "a glued opening quote starts the next one"),
    ("사용되었다.[1] 2010년에 바뀌었다.", ["사용되었다.[1]", "2010년에 바뀌었다."], "a citation stays with its stop"),
]


@pytest.mark.parametrize(("text", "expected", "why"), CERTAIN, ids=[c[2] for c in CERTAIN])
def test_certain_rules(text, expected, why):
    assert SPLIT(text) == expected, why


# (text, the text up to the candidate each rule must overrule)
RULE_CASES = [
    ("원주율은 3.14이다", "원주율은 3."),
    ("https://example.com/a.b 에서", "https://example.com/a."),
    ("kim.lee@example.co.kr 로", "kim."),
    ("1. 목적", "1."),
    ("① 국민", "①"),
    ("Mr. Kim", "Mr."),
    ('"간다."라고 했다', '"간다."'),
    ("했다면?라는 상상", "했다면?"),
    ("하나, 둘", "하나,"),
]


@pytest.mark.parametrize(("text", "head"), RULE_CASES, ids=[c[1] for c in RULE_CASES])
def test_each_rule_overrules_the_model(text, head):
    """The rule itself, not the model: its candidate is marked never to cut."""
    b = batch.Batch.of([text])
    nxt = b.next_non_space()
    at = batch.candidates(b, nxt).tolist()
    position = len(head)  # the candidate after the head's last character (codes start with a PAD)
    assert position in at
    assert rules.never_cut(features.Context.of(b, batch.candidates(b, nxt), nxt))[at.index(position)]


@pytest.mark.parametrize(("text", "expected", "why"), ISSUE_CASES, ids=[c[2] for c in ISSUE_CASES])
def test_issue_cases(text, expected, why):
    assert SPLIT(text) == expected, why


_PIECES = st.sampled_from(list("가나다요음임ㅋㅎㅠ .!?…~\n\t\"'()[]<>“”‘’😀^1-\0") +
                          ["다. ", "요 ", "[1]", "ㅋㅋ ", "www.a.com ", "3.14", "1. ", '"라고', "Mr. "])
_TEXT = st.one_of(st.lists(_PIECES, max_size=60).map("".join), st.text(max_size=80),
                  st.text(st.characters(codec=None, categories=["Cs", "Lo", "Zs", "Po"]), max_size=40))


@settings(max_examples=400, deadline=None)
@given(text=_TEXT)
def test_loses_no_characters(text):
    out = SPLIT(text)
    assert non_space("".join(out)) == non_space(text)
    assert all(s and s == s.strip() for s in out)


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(_TEXT, max_size=12), size=st.integers(1, 300))
def test_cuts_do_not_depend_on_the_batch(texts, size):
    alone = [SPLIT(t) for t in texts]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(splitter, "BATCH_CHARS", size)
        assert SPLIT.split_many(texts) == alone


def test_lone_surrogates_and_nul_are_characters_like_others():
    assert SPLIT("가\ud800나. 다\0라") == ["가\ud800나.", "다\0라"]


def test_long_lines_are_cut_into_units_without_loss():
    line = ("가나다라 " * 30_000).strip()
    pieces = units(line)
    assert len(pieces) == 3 and all(len(p) <= splitter.MAX_UNIT + 5 for p in pieces)
    assert "".join(pieces) == line
    assert non_space("".join(SPLIT(line))) == non_space(line)
    blob = "가" * (3 * splitter.MAX_UNIT + 7)  # no space at all: cut hard at twice MAX_UNIT
    assert [len(p) for p in units(blob)] == [2 * splitter.MAX_UNIT, splitter.MAX_UNIT + 7]
    assert "".join(SPLIT(blob)) == blob


def test_a_long_text_is_scored_in_batches_of_bounded_size(monkeypatch):
    """One huge text is not one huge batch (memory, and a rate that stays linear); same cuts."""
    texts = ["짧다. 또 짧다", "첫 줄이다. 그렇다\n" * 400 + "끝이다 정말", "마지막 글"]
    whole = [SPLIT(t) for t in texts]
    sizes = []
    real = splitter._split_units
    monkeypatch.setattr(splitter, "BATCH_CHARS", 500)
    monkeypatch.setattr(splitter, "_split_units", lambda flat, w: sizes.append(sum(map(len, flat))) or real(flat, w))
    assert BoundarySplitter().split_many(texts) == whole
    assert len(sizes) >= 8 and max(sizes) < 500 + 20

def test_build_step_output_does_not_depend_on_its_batch(monkeypatch):
    texts = [c[0] for c in CERTAIN + ISSUE_CASES] * 3
    def run(size):
        monkeypatch.setattr(steps, "SPLIT_BATCH", size)
        recs = [Record(id=str(i), source="news" if i % 4 else "comments", text=t) for i, t in enumerate(texts)]
        stats = Stats()
        return [(r.id, r.sentences) for r in steps.SplitSentences(SplitConfig())(recs, stats)], stats.to_dict()
    assert run(1) == run(7) == run(512)


def test_pickles_without_its_weights():
    copy = pickle.loads(pickle.dumps(SPLIT))
    assert copy.__dict__ == {"model": SPLIT.model}
    assert copy("좋았다. 또 가자") == ["좋았다.", "또 가자"]


def test_registry_and_missing_kiwi(monkeypatch):
    assert isinstance(split_module.get_splitter("fast"), BoundarySplitter)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "kiwipiepy" else real(name, *a))
    with pytest.raises(ConfigError, match=r"splitter 'kiwi' needs kiwipiepy \(pip install 'korpus\[kiwi\]'\)"):
        split_module.get_splitter("kiwi")


@pytest.mark.skipif(importlib.util.find_spec("kiwipiepy") is None, reason="kiwipiepy not installed")
def test_kiwi_splitter():
    out = split_module.get_splitter("kiwi")("날씨가 좋다. 산책을 갔다!")
    assert out == ["날씨가 좋다.", "산책을 갔다!"]
    assert pickle.loads(pickle.dumps(split_module.get_splitter("kiwi")))("") == []


def test_model_file_and_manifest():
    weights = model.load_weights()
    assert weights.shape == (model.BUCKETS,)
    manifest = json.loads(model.MODEL_FILE.with_suffix(".json").read_text())
    assert manifest["model_sha256"] == hashlib.sha256(model.MODEL_FILE.read_bytes()).hexdigest()
    assert manifest["buckets"] == model.BUCKETS


def test_fit_exp_and_log_are_accurate():
    import numpy as np

    x = -np.linspace(0, 700, 200_001)
    assert np.allclose(fit.exp_neg(x), np.exp(x), rtol=1e-15, atol=0)
    e = np.linspace(0, 1, 200_001)
    assert np.allclose(fit.log1p_unit(e), np.log1p(e), rtol=1e-15, atol=1e-300)


def _synthetic_problem(rows=4000, features=64, templates=5, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    index = rng.integers(0, features, size=(rows, templates)) * 3  # only every third feature occurs
    true = rng.normal(0, 1.5, features * 3)
    z = true[index].sum(axis=1)
    label = rng.random(rows) < 1 / (1 + np.exp(-z))
    weight = np.where(rng.random(rows) < 0.1, 5.0, 1.0)
    return index, label, weight, features * 3


def test_fit_reaches_the_optimum_of_the_objective_computed_independently():
    import numpy as np

    index, label, weight, n = _synthetic_problem()
    w = fit.fit_logistic(index, label, weight, n, c=1.0)

    def objective(v):  # scikit-learn's scaling, with numpy's own exp/log
        z = v[index].sum(axis=1)
        loss = np.logaddexp(0, np.where(label, -z, z))
        return (loss * weight).sum() / weight.sum() + (v @ v) / (2 * weight.sum())

    best = objective(w)
    rng = np.random.default_rng(1)
    for _ in range(20):
        step = np.zeros(n)
        step[::3] = rng.normal(0, 1e-3, n // 3)
        assert objective(w + step) > best
    assert np.all(w[1::3] == 0) and np.all(w[2::3] == 0)  # features that never occur stay 0


def test_fit_is_the_same_bits_every_time():
    index, label, weight, n = _synthetic_problem(seed=3)
    a = fit.fit_logistic(index, label, weight, n)
    b = fit.fit_logistic(index.copy(), label.copy(), weight.copy(), n)
    assert a.tobytes() == b.tobytes()


def test_fit_is_the_same_bits_without_the_cpus_simd_kernels():
    """What another CPU does: numpy's run-time SIMD dispatch switched off, in a fresh process."""
    import os
    import subprocess
    import sys

    from numpy._core._multiarray_umath import __cpu_dispatch__

    code = ("import sys; sys.path.insert(0, 'tests'); import test_boundary as t; from korpus.cleaners.boundary import fit; "
            "i, l, w, n = t._synthetic_problem(seed=3); sys.stdout.write(fit.fit_logistic(i, l, w, n).tobytes().hex())")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(__cpu_dispatch__)}
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    scalar = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env=env)
    index, label, weight, n = _synthetic_problem(seed=3)
    assert plain.stdout == scalar.stdout == fit.fit_logistic(index, label, weight, n).tobytes().hex()


def test_missing_or_wrong_model_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="splitter model is missing"):
        model.load_weights(str(tmp_path / "nope.npy"))
    import numpy as np

    np.save(tmp_path / "bad.npy", np.zeros(3, dtype=np.int32))
    with pytest.raises(ValueError, match="not a boundary model"):
        model.load_weights(str(tmp_path / "bad.npy"))


def test_evaluation_documents_are_fixed_by_their_text():
    doc = corpus.Doc("comments", "x", "영화 최고")
    assert doc.part == corpus.Doc("comments", "y", "영화 최고").part
    parts = {corpus.Doc("news", "x", f"제목 {i}").part for i in range(50)}
    assert parts == {"train", "eval"}


def _rebuild_possible() -> str | None:
    if not (CORPORA / "sentence-gold").exists():
        return "no ../shared/corpora"
    manifest = json.loads(model.MODEL_FILE.with_suffix(".json").read_text())
    for package in teachers.TEACHER_PACKAGES:  # their cuts are the labels; the fit's bits do not depend on numpy
        wanted = manifest["versions"][package]
        try:
            if version(package) != wanted:
                return f"{package} {version(package)} installed, the model was built with {wanted}"
        except Exception:
            return f"{package} not installed (pip install '.[train]')"
    return None


@pytest.mark.slow
@pytest.mark.shared
@needs_shared(CORPORA / "sentence-gold")
def test_shipped_model_equals_a_rebuild(tmp_path):
    """The training script rebuilds the shipped model byte for byte (teachers run: minutes)."""
    why = _rebuild_possible()
    if why:
        pytest.skip(why)
    out = tmp_path / "model.npy"
    train.main(["--corpora", str(CORPORA), "--cache", str(tmp_path / "cache"), "--out", str(out)])
    # Digests, not bytes: pytest's diff of two 2 MB byte strings alone took minutes in CI.
    if hashlib.sha256(out.read_bytes()).digest() != hashlib.sha256(model.MODEL_FILE.read_bytes()).digest():
        import numpy as np

        rebuilt, shipped = np.load(out), np.load(model.MODEL_FILE)
        manifest = json.loads(out.with_suffix(".json").read_text())
        shipped_manifest = json.loads(model.MODEL_FILE.with_suffix(".json").read_text())
        same_examples = manifest["examples_sha256"] == shipped_manifest["examples_sha256"]
        pytest.fail(f"the rebuild differs from the shipped model in {int((rebuilt != shipped).sum()):,} of "
                    f"{len(shipped):,} weights; same examples: {same_examples}")


def test_stripped_ends_keep_their_labels():
    """Every end that loses its stops is still labelled a cut, right after its last syllable; nothing else moves."""
    sentences = ["오늘 영화 봤어요.", "진짜 재밌었다!!", "버전 2.0.", "또 보러 갈래?", "Hi.", "끝"]
    text = " ".join(sentences)
    ends = set(teachers.non_space_ends(sentences))
    stripped, cuts, unsure = augment.strip_stops(text, ends, {5}, share=1)
    assert stripped == "오늘 영화 봤어요 진짜 재밌었다 버전 2.0. 또 보러 갈래 Hi. 끝"
    assert cuts == set(teachers.non_space_ends(["오늘 영화 봤어요", "진짜 재밌었다", "버전 2.0.", "또 보러 갈래", "Hi.", "끝"]))
    assert unsure == {5}
    solid = non_space(stripped)
    assert all("가" <= solid[c - 1] <= "힣" or solid[c - 1] == "." for c in cuts)


def test_stop_stripping_takes_about_one_end_in_share():
    text = " ".join(f"문장{i}이다." for i in range(4000))
    ends = set(teachers.non_space_ends([f"문장{i}이다." for i in range(4000)]))
    stripped, _, _ = augment.strip_stops(text, ends, set(), share=4)
    assert 850 <= 4000 - stripped.count(".") <= 1150
    assert augment.strip_stops(text, ends, set(), share=4)[0] == stripped  # the same ends every time


def test_a_stray_quote_leaves_every_end_on_its_characters():
    """The labels move with the text: each cut still follows the same character."""
    sentences = ["오늘 영화 봤어요", "진짜 재밌었다", "또 보러 갈래", "끝"]
    for k in range(40):  # texts the share of 1 always changes; the quote lands before different words
        words = [f"단어{k}"] * (k % 5) + sentences
        text = " ".join(words)
        ends = set(teachers.non_space_ends(words))
        quoted, cuts, unsure = augment.stray_quote(text, ends, {2}, share=1)
        assert quoted.count('"') == 1 and quoted.replace('"', "") == text
        before = non_space(text)
        after = non_space(quoted)
        assert sorted(after[c - 1] for c in cuts) == sorted(before[c - 1] for c in ends)
        assert all(after[c - 1] != '"' for c in cuts)


def test_stray_quotes_go_into_about_one_text_in_share_and_never_into_quoted_text():
    texts = [f"문장 {i} 이다 그리고 또 {i}" for i in range(4000)]
    changed = sum('"' in augment.stray_quote(t, set(), set(), share=8)[0] for t in texts)
    assert 400 <= changed <= 600
    assert augment.stray_quote("그는 “가자” 했다", {1}, set(), share=1)[0] == "그는 “가자” 했다"


@pytest.mark.parametrize("module", [augment, batch, classes, corpus, fit, rules, splitter, teachers])
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.failed == 0


def test_training_labels_land_on_their_candidates_after_a_citation_with_a_space():
    """The space inside ``[주 1]`` has the class CITE; label offsets must still skip it, or every
    later label of the text lands one character off (a true end trained as "no cut")."""
    sentences = ["첫 문장이다.[주 1] ", "둘째 문장을 썼다. ", "셋째 문장이다.[참고 2] ", "넷째 문장이다."]
    ex = train.Examples()
    ex.add(["".join(sentences)], [train.Labels(set(train.non_space_ends(sentences)))], 1.0)
    _, label, _ = ex.arrays()
    assert int(label.sum()) == 3
