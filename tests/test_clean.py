"""Cleaning: the text functions (a table of cases), the profile chains, filters and steps."""

from __future__ import annotations

import doctest
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korpus.build.config import config_from_mapping
from korpus.cleaners import charstats
from korpus.cleaners import config as clean_config
from korpus.cleaners import normalize as norm
from korpus.cleaners import steps as clean_steps
from korpus.cleaners.config import CleanConfig, FilterConfig, SplitConfig
from korpus.cleaners.normalize import Normalizer
from korpus.cleaners.steps import Normalize, QualityFilter, SplitSentences, record_steps
from korpus.core.errors import ConfigError
from korpus.core.schema import Record
from korpus.core.stats import Stats

# (function, input, expected, why)
CASES = [
    (norm.unify_newlines, "가\r\n나\r다", "가\n나\n다", "CRLF and CR are newlines"),
    (norm.remove_invisible, "가\u200b나\u200c다\u2060라", "가나다라", "zero-width characters go"),
    (norm.remove_invisible, "a\x00b\x1bc\x7fd", "abcd", "control characters go"),
    (norm.remove_invisible, "가\ue000\U000f0000나", "가나", "private-use characters go"),
    (norm.remove_invisible, "\ufeff본문\u200e", "본문", "BOM and direction marks go"),
    (norm.remove_invisible, "줄\n바꿈\t탭", "줄\n바꿈\t탭", "newline and tab stay"),
    (norm.remove_invisible, "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", "ZWJ inside an emoji sequence stays"),
    (norm.nfc, "\u1100\u1161\u11a8", "각", "conjoining jamo compose"),
    (norm.nfc, "e\u0301", "é", "combining accents compose"),
    (norm.unescape_html, "&lt;b&gt; &quot;인용&quot; &amp; &#44032;", '<b> "인용" & 가', "named and numeric"),
    (norm.unescape_html, "&amp;lt;", "<", "double-escaped text is unescaped to the end"),
    (norm.unescape_html, "AT&T 3 & 4", "AT&T 3 & 4", "a bare ampersand stays"),
    (norm.repair, "&#8203;가&#x200B;나", "가나", "an entity that unescapes to a zero-width space goes too"),
    (norm.repair, "&amp\u037e", "&", "NFC turns U+037E into ';' and completes the entity"),
    (norm.fold_whitespace, " 가 \u3000 나\xa0다 ", "가 나 다", "ideographic and no-break spaces fold"),
    (norm.fold_whitespace, "문단\n\n\n \n다음", "문단\n다음", "blank-line runs become one newline"),
    (norm.remove_urls, "링크 https://a.kr/x?y=1&z=2 끝", "링크   끝", "query strings go with the URL"),
    (norm.remove_urls, "(http://a.kr/b).", "( ).", "closing punctuation is not part of the URL"),
    (norm.remove_urls, "주소는 www.naver.com입니다", "주소는  입니다", "a particle glued to a URL stays"),
    (norm.remove_urls, "버전 3.14 와 a.b", "버전 3.14 와 a.b", "dots without a scheme are not URLs"),
    (norm.remove_emails, "메일 hong.gd+tag@mail.co.kr 로", "메일   로", "an e-mail address goes"),
    (norm.remove_emails, "@멘션 a@b", "@멘션 a@b", "a mention or an address without a domain stays"),
    (norm.mask_pii, "010-1234-5678", "<전화번호>", "mobile with hyphens"),
    (norm.mask_pii, "01012345678로", "<전화번호>로", "mobile without separators, particle after"),
    (norm.mask_pii, "+82 10-1234-5678", "<전화번호>", "international prefix"),
    (norm.mask_pii, "02-123-4567 031.555.1234", "<전화번호> <전화번호>", "landlines"),
    (norm.mask_pii, "900101-1234567", "<주민등록번호>", "주민등록번호 with a hyphen"),
    (norm.mask_pii, "9001011234567", "<주민등록번호>", "주민등록번호 without one"),
    (norm.mask_pii, "1234-5678-9012-3456", "<카드번호>", "card number"),
    (norm.mask_pii, "110-123-456789", "<계좌번호>", "account number"),
    (norm.mask_pii, "2024-01-15 12:30, 1,000,000원, 1588-1234", "2024-01-15 12:30, 1,000,000원, 1588-1234",
     "dates, amounts and company numbers are not personal"),
    (norm.mask_pii, "978-89-6077-104-3", "978-89-6077-104-3", "an ISBN is not an account"),
    (norm.remove_pii, "번호 010-1234-5678 입니다", "번호   입니다", "remove mode leaves a space"),
    (norm.remove_emoji, "최고😀👍🏻🇰🇷!", "최고 !", "pictographs, skin tones and flags"),
    (norm.remove_emoji, "ㅋㅋ ^^ 가격 ①", "ㅋㅋ ^^ 가격 ①", "jamo laughter, ^^ and circled numbers are not emoji"),
    (norm.kcbert_whitelist, "漢字와 ĉ 한글", " 와   한글", "only ASCII, Hangul and a few marks are kept"),
    (norm.kcbert_whitelist, "가격·10％∼20％", "가격·10％∼20％", "KcBERT keeps · ％ ∼"),
    (norm.normalize_repeats, "2000년", "2000년", "soynlp regression: digits are never collapsed"),
    (norm.normalize_repeats, "10000원", "10000원", "soynlp alone makes this 100원"),
    (norm.normalize_repeats, "안녕ㅋㅋㅋㅋㅋ", "안녕ㅋㅋ", "soynlp's emoticon_normalize makes this 안ㅋㅋ"),
    (norm.normalize_repeats, "와아아아아 !!!!!", "와아아 !!!!!", "letters collapse to two repeats, marks stay"),
    (norm.normalize_repeats, "줄\n줄", "줄\n줄", "lines are kept"),
]


@pytest.mark.parametrize(("fn", "text", "expected", "why"), CASES, ids=[c[3] for c in CASES])
def test_text_function(fn, text, expected, why):
    assert fn(text) == expected, why


def test_soynlp_faults_are_still_there():
    """Why ours differs from soynlp; if soynlp fixes these, revisit normalize_repeats."""
    from soynlp.normalizer import emoticon_normalize, repeat_normalize

    assert repeat_normalize("10000원", num_repeats=2) == "100원"
    assert emoticon_normalize("안녕ㅋㅋㅋㅋㅋ", num_repeats=2) == "안ㅋㅋ"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("가ㅋㅎ아aZ_!. 한글")), max_size=40))
def test_repeats_match_soynlp_without_digits(text):
    """Digits aside, normalize_repeats is soynlp's repeat_normalize (which also folds spaces)."""
    from soynlp.normalizer import repeat_normalize

    assert " ".join(norm.normalize_repeats(text, 2).split()) == repeat_normalize(text, num_repeats=2)


CHAINS = [
    ("formal", "  안녕&nbsp;하세요 &lt;법&gt; 漢字 ㅋㅋㅋㅋ\n\n\n둘째 줄 ", "안녕 하세요 <법> 漢字 ㅋㅋㅋㅋ\n둘째 줄",
     "formal keeps the text as written"),
    ("informal", "웃겨ㅋㅋㅋㅋㅋ 漢字 10000원 😀 http://x.kr", "웃겨ㅋㅋ 10000원 😀", "informal: the KcBERT treatment"),
    ("formal", "문의 010-1234-5678, kim@a.co.kr", "문의 <전화번호>,", "PII masked, e-mail removed"),
]


@pytest.mark.parametrize(("profile", "text", "expected", "why"), CHAINS, ids=[c[3] for c in CHAINS])
def test_profile_chain(profile, text, expected, why):
    assert Normalizer(profile)(text) == expected, why


def test_chain_options():
    assert Normalizer("informal", emoji="remove")("좋아요😀 최고") == "좋아요 최고"
    assert Normalizer("formal", pii="keep")("010-1234-5678") == "010-1234-5678"
    assert Normalizer("formal", pii="remove")("전화 010-1234-5678 주세요") == "전화 주세요"
    assert Normalizer("formal", remove_urls=False)("https://a.kr 참고") == "https://a.kr 참고"
    assert Normalizer("informal", repeats=0)("ㅋㅋㅋㅋㅋ") == "ㅋㅋㅋㅋㅋ"
    with pytest.raises(ValueError, match="profile"):
        Normalizer("casual")


_PIECES = st.sampled_from(
    list("가나다ㅋㅎ \n\r\t.!?&;#amplt0123456789-@:/wkr~😀🏻\u200b\u200d\ufe0f\u0301é漢ａ<>()'\"…")
    + ["&amp;", "&lt;", "&#8203;", "&#13;", "http://a.kr/", "www.", "010-1234-5678", "900101-1234567", "\u037e"])
_TEXT = st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=60))


@pytest.mark.parametrize("profile", ["formal", "informal"])
@pytest.mark.parametrize("pii", ["mask", "remove"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT)
def test_normalize_never_raises_and_is_idempotent(profile, pii, text):
    chain = Normalizer(profile, pii=pii)
    once = chain(text)
    assert chain(once) == once


# -- filters --------------------------------------------------------------------------------

FILTER_CASES = [
    ("", "empty", "nothing left after cleaning"),
    ("짧은 댓글", "too_short", "KcBERT dropped under 10 characters"),
    ("이 정도 길이의 문장은 남습니다", None, "a normal sentence"),
    ("This comment is written in English only.", "low_hangul", "no Hangul"),
    ("한국어 문장 속에 English 단어가 조금 섞인 글", None, "Hangul share 0.3 or more of the letters"),
    ("한국어 and some English words mixed in here", "low_hangul", "Hangul a tenth of the letters"),
    ("2024-01-01 12:30:45 1234567890 한국", None, "digits and marks do not count against Hangul"),
    ("ㅋ" * 40 + " 진짜 웃기다", "char_spam", "one character is most of the text"),
    ("광고 문의 주세요\n" * 5 + "끝", "line_spam", "the same line over and over"),
    ("첫째 줄입니다\n둘째 줄입니다\n셋째 줄입니다", None, "distinct lines"),
]


@pytest.mark.parametrize(("text", "reason", "why"), FILTER_CASES, ids=[c[2] for c in FILTER_CASES])
def test_filter_reason(text, reason, why):
    assert QualityFilter(FilterConfig()).reject_reason(text) == reason, why


def test_filter_limits_from_config():
    f = QualityFilter(FilterConfig(min_chars=1, max_chars=7, min_hangul_ratio=0.0))
    assert f.reject_reason("가") is None
    assert f.reject_reason("가나다라마바사아") == "too_long"
    assert f.reject_reason("English") is None


# -- steps ------------------------------------------------------------------------------------

def _records() -> list[Record]:
    return [
        Record("comments/a:1", "comments", "완전 웃겨요ㅋㅋㅋㅋㅋ 진짜 최고 10000점 드립니다"),
        Record("comments/a:2", "comments", "짧음"),
        Record("wiki/1", "wiki", "서울은 한국의 수도이다.  인구는 약 1000만 명이다.\n\n연락처 02-123-4567.",
               title=" 서울&amp;경기 "),
        Record("news/1", "news", "Only English here, nothing else at all."),
    ]


def test_record_steps_end_to_end():
    stats = Stats()
    steps = record_steps(CleanConfig(), FilterConfig(), SplitConfig(splitter="rules"))
    stream = _records()
    for step in steps:
        stream = step(stream, stats)
    out = {r.id: r for r in stream}
    assert set(out) == {"comments/a:1", "wiki/1"}
    comment = out["comments/a:1"]
    assert comment.text == "완전 웃겨요ㅋㅋ 진짜 최고 10000점 드립니다"  # informal, digits kept
    assert comment.sentences == [comment.text]  # a comment stays one unit
    wiki = out["wiki/1"]
    assert wiki.title == "서울&경기"
    assert wiki.sentences == ["서울은 한국의 수도이다.", "인구는 약 1000만 명이다.", "연락처 <전화번호>."]
    assert stats.get("filter", "comments", "dropped:too_short") == 1
    assert stats.get("filter", "news", "dropped:low_hangul") == 1
    assert stats.get("split", "wiki", "sentences") == 3


def test_steps_pickle_and_run_after():
    steps = record_steps(CleanConfig(), FilterConfig(), SplitConfig(splitter="fast"))
    steps[0].chain_for("comments")  # a warmed cache must pickle too
    copies = pickle.loads(pickle.dumps(steps))
    stats = Stats()
    stream = _records()
    for step in copies:
        stream = step(stream, stats)
    assert [r.id for r in stream] == ["comments/a:1", "wiki/1"]


def test_comments_split_when_asked():
    stats = Stats()
    rec = Record("comments/x:1", "comments", "너무 좋았어요. 또 보고 싶어요")
    out = list(SplitSentences(SplitConfig(splitter="rules", keep_whole=[]))([rec], stats))
    assert out[0].sentences == ["너무 좋았어요.", "또 보고 싶어요"]


def test_profiles_overridable():
    clean = CleanConfig(profiles={"wiki": "informal"}, default_profile="formal")
    n = Normalize(clean)
    assert n.chain_for("wiki").profile == "informal"
    assert n.chain_for("comments").profile == "formal"  # the override replaces the default mapping


def test_toml_sections_are_validated():
    cfg = config_from_mapping({"clean": {"pii": "remove", "emoji": "remove", "profiles": {"news": "informal"}},
                               "filter": {"min_chars": 5}, "split": {"splitter": "kss-punct"}})
    assert cfg.clean.pii == "remove" and cfg.filter.min_chars == 5 and cfg.split.splitter == "kss-punct"
    for bad in ({"clean": {"pii": "hide"}}, {"clean": {"profiles": {"news": "casual"}}},
                {"filter": {"min_hangul_ratio": 2}}, {"split": {"splitter": "nltk"}},
                {"clean": {"repeat": 2}}):
        with pytest.raises(ConfigError):
            config_from_mapping(bad)


# Fast paths: each must give what the plain pass it skips would give.
_HARD = st.text(alphabet=st.sampled_from(list("가ㅋㅏ漢é𠀀_①２a1 \n\t\r\x85\u2028\u3000\xa0\u200b\u200d\ufeff\ue000😀-.)")),
                max_size=40)
_NUMBERS = st.text(alphabet=st.sampled_from(list("0123456789 -.)+가\n")), max_size=40)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(_HARD, st.text(max_size=60)))
def test_whitespace_and_invisible_fast_paths(text):
    folded = "\n".join(line for line in (norm._SPACES.sub(" ", x).strip() for x in text.split("\n")) if line)
    assert norm.fold_whitespace(text) == folded
    assert norm.unify_newlines(text) == norm._NEWLINES.sub("\n", text)
    assert norm.remove_invisible(text) == norm._STRAY_ZWJ.sub("", norm._INVISIBLE.sub("", text))


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(_NUMBERS, st.text(max_size=40)))
def test_pii_patterns_run_wherever_they_could_match(text):
    tag = lambda name: f"<{name}>"  # noqa: E731
    assert norm.mask_pii(text) == norm._apply_pii(text, tag)


@pytest.mark.parametrize("text", ["010-1234-5678", "02)123-4567", "+82 10 1234 5678", "900101-1234567",
                                  "1234 5678 9012 3456", "123-45-678901"])
def test_pii_gate_lets_every_kind_through(text):
    assert norm.mask_pii(f"번호 {text} 끝") != f"번호 {text} 끝"


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(_HARD, st.text(max_size=700)))
def test_char_stats_short_and_long_paths_agree(text):
    assert charstats._hangul_ratio_regex(text) == charstats._hangul_ratio_table(text)
    assert charstats._top_share_counter(text, 20) == charstats._top_share_table(text, 20)


def _one_at_a_time(f: QualityFilter, text: str) -> str | None:
    """The filter's verdict from the per-text counting functions (the reference for the batch)."""
    c = f.config
    if not text:
        return "empty"
    if len(text) < c.min_chars:
        return "too_short"
    if len(text) > c.max_chars:
        return "too_long"
    if charstats.hangul_ratio(text) < c.min_hangul_ratio:
        return "low_hangul"
    if charstats.top_char_share(text) > c.max_char_share:
        return "char_spam"
    return "line_spam" if clean_steps.dup_line_ratio(text) > c.max_dup_line_ratio else None


_TEXTS = st.one_of(_HARD, st.text(max_size=700), st.text(alphabet="ㅋ가a 1\n😂𠀀", max_size=60))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_TEXTS, max_size=12), min_chars=st.sampled_from([0, 1, 10]))
def test_batch_filter_equals_one_text_at_a_time(texts, min_chars):
    f = QualityFilter(FilterConfig(min_chars=min_chars, max_chars=500))
    assert f.reject_reasons(texts) == [_one_at_a_time(f, t) for t in texts]


def test_batch_filter_counts_astral_letters_and_emoji():
    counts = charstats.char_counts(["𠀀𠀀가", "😂😂😂 a", "가 나"])
    assert counts.letters.tolist() == [3, 1, 2] and counts.hangul.tolist() == [1, 0, 2]
    assert counts.solid.tolist() == [3, 4, 2] and counts.top.tolist() == [2, 3, 1]


@pytest.mark.parametrize("module", [norm, clean_steps, clean_config, charstats])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and (result.attempted > 0 or module is clean_config)
