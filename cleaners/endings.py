"""Korean sentence endings and continuations: the lexicon of the rule splitter.

A word followed by a space ends a sentence when it ends in a final ending
(``습니다``, ``었다``, ``어요``, ``했음``...) and the next word does not carry
the clause on (``보니``, ``라는``, ``싶어``...). These are surface checks on
Hangul syllables: no morphological analysis, so they are fast and they err on
the side of not splitting where a word could as well be a noun (``다음``,
``게임``, ``필요``).
"""

from __future__ import annotations

from functools import lru_cache

# Words repeat (한다, 있다, 했다): each word's verdict is computed once per process.
_WORD_CACHE = 1 << 16

_BASE = 0xAC00
_LAST = 0xD7A3
# Final consonant (jongseong) indices of a precomposed syllable.
J_NONE, J_N, J_NH, J_RH, J_M, J_B, J_BS, J_SS, J_T, J_P, J_H, J_NJ, J_L = 0, 4, 6, 15, 16, 17, 18, 20, 25, 26, 27, 5, 8

# Sino-Korean nouns ending in 요 (필요, 중요...) and days of the week.
NOUN_YO = frozenset("필요 중요 주요 수요 개요 소요 강요 동요 가요 민요 풍요 요요 월요 화요 목요 금요 토요 일요 불요".split())
# The first syllable of two-syllable words that are a verb form + 요 (해요, 봐요, 네요, 세요).
SHORT_YO_BEFORE = frozenset("해봐돼되줘와가네세예에래대데게까나군어아야져워써놔죠지")
# Nouns ending in 임 that are not ``이다`` + ㅁ.
NOUN_IM = frozenset(
    "게임 모임 책임 취임 사임 부임 재임 연임 해임 신임 담임 전임 후임 선임 직임 상임 위임 겸임 퇴임 유임 일임 방임 "
    "소임 주임 임".split())
# Nouns ending in 함 (ships, boxes) that are not 하다 + ㅁ.
NOUN_HAM = ("구축함", "잠수함", "호위함", "경비함", "구조함", "상륙함", "순양함", "초계함", "항공모함", "군함", "기함",
            "보관함", "사물함", "수납함", "우체함", "우편함", "투표함", "모금함", "건의함", "신고함", "소화함")
# Verbs nominalised with 음 whose stems end in other consonants (most such words are nouns: 웃음, 볶음).
VERB_EUM = frozenset("먹음 받음 읽음 찾음 넣음 남음 찍음 놓음".split())
# Syllables before a cute 용/여 ending (했어용, 좋아용, 하세용).
CUTE_YONG_BEFORE = frozenset("어아해세네까예에데게여죠서워와봐줘라래대")
# Auxiliaries after 어/아 that make ``-어짐``, ``-어줌``... (해짐, 보여줌, 가져감).
AUX_NOMINAL = frozenset("짐줌봄감옴둠놈")
AUX_BEFORE = frozenset("어아여해워와줘봐져겨셔켜혀려러가내")

# Next words that carry a clause on even after a stop: quotatives, auxiliaries,
# particles written apart (이게 뭐지?? 하고, 되나? 싶었는데). Prefixes of the next word.
CONTINUATIONS = (
    "보니", "보면", "보다가", "봐야", "싶", "않", "말고", "못해", "못하", "버리",
    "라고", "라는", "라며", "라면서", "라서", "라도", "라던", "라지만", "라거나", "란 ",
    "하고", "하는", "하며", "하면서", "하면", "하여서", "하여도", "하였", "하던", "하더", "하니", "하다는",
    "해서", "해도", "했던", "했더니", "했지만", "하곤", "할텐데", "할 텐데",
    "는데", "는지", "면서", "거나", "시피", "치고", "며 ", "고 ", "는 ", "면 ", "의 ",
    "에서", "에선", "에는", "에도",
)
# More that carry on only after a word without a stop, where they could start a
# sentence after one (있다 생각했다 / 있다. 생각해 보니; 위임 또는 / 한다. 또는).
BARE_CONTINUATIONS = CONTINUATIONS + (
    "생각하", "생각했", "생각들", "생각된", "생각되", "생각해", "생각이 들",
    "봐 ", "봐서", "두려", "걱정", "하겠", "할 ", "한다", "했다", "했어", "해요", "합니다",
    "속에", "속의", "속으로", "때문", "덕분", "그 자체",
    "또는 ", "및 ", "혹은 ", "등 ", "등의", "등을", "등이", "등에", "등은",
)


def jong(syllable: str) -> int:
    """The final-consonant index of a Hangul syllable (-1 for anything else).

    >>> jong("했"), jong("다"), jong("a")
    (20, 0, -1)
    """
    code = ord(syllable)
    if _BASE <= code <= _LAST:
        return (code - _BASE) % 28
    return -1


def hangul_tail(word: str) -> str:
    """The run of Hangul syllables that ends the word.

    >>> hangul_tail("(테스트)했음"), hangul_tail("abc"), hangul_tail("'술도녀'임")
    ('했음', '', '임')
    """
    i = len(word)
    while i > 0 and _BASE <= ord(word[i - 1]) <= _LAST:
        i -= 1
    return word[i:]


@lru_cache(maxsize=_WORD_CACHE)
def is_final_word(word: str) -> bool:
    """Whether a word (its trailing Hangul) ends in a sentence-final ending.

    >>> [is_final_word(w) for w in ("먹었습니다", "맛있었어요", "부드러웠다", "했음", "것임", "해줌")]
    [True, True, True, True, True, True]
    >>> [is_final_word(w) for w in ("다", "필요", "다음", "게임", "내리다", "그라나다", "최다", "좋으니까")]
    [False, False, False, False, False, False, False, False]
    """
    core = hangul_tail(word)
    if not core:
        return False
    if core == "다" and len(word) > 1 and word[-2] in ")]":
        return True  # an ending glued after a citation: 본다.[4]다
    last = core[-1]
    prev = core[-2] if len(core) > 1 else ""
    check = _RULES.get(last)
    if check is not None:
        return check(core, prev)
    if jong(last) == J_M and len(core) > 1:
        return last in AUX_NOMINAL and prev in AUX_BEFORE
    return False


def _da(core: str, prev: str) -> bool:
    if not prev:
        return False  # the adverb 다 ("다 알고")
    if prev in "니이":
        return True  # 습니다/입니다, copula 이다
    # Tensed or adjectival stems: 었다/했다/겠다, 한다/된다, 있다/없다/좋다/많다/같다/싶다.
    return jong(prev) in (J_SS, J_N, J_BS, J_H, J_NH, J_RH, J_T, J_P)


def _yo(core: str, prev: str) -> bool:
    if len(core) == 2:
        return prev in SHORT_YO_BEFORE  # 해요, 봐요, 가요 but not 필요, 라요 (Rayo)
    return bool(prev) and core[-2:] not in NOUN_YO


def _kka(core: str, prev: str) -> bool:
    return bool(prev) and jong(prev) == J_L  # ㄹ까 (할까, 될까), not 니까


def _eum(core: str, prev: str) -> bool:
    return bool(prev) and jong(prev) in (J_SS, J_BS, J_H, J_NH, J_RH, J_T, J_NJ, J_P) or core[-2:] in VERB_EUM


def _im(core: str, prev: str) -> bool:
    return bool(prev) and core[-2:] not in NOUN_IM


def _cute(core: str, prev: str) -> bool:
    return prev in CUTE_YONG_BEFORE


def _dang(core: str, prev: str) -> bool:
    return prev == "니"


def _ne(core: str, prev: str) -> bool:
    return bool(prev) and jong(prev) in (J_SS, J_H, J_NH)


def _jyo(core: str, prev: str) -> bool:
    return bool(prev)


_RULES = {
    "다": _da, "요": _yo, "죠": _jyo, "쥬": _jyo, "까": _kka, "음": _eum, "임": _im,
    "함": lambda core, prev: not core.endswith(NOUN_HAM), "됨": lambda core, prev: True,
    "용": _cute, "당": _dang, "네": _ne,
}


def continues(next_text: str, after_stop: bool = True) -> bool:
    """Whether the text after a candidate boundary carries the clause on.

    >>> [continues(t) for t in ("보니 좋았다", "라는 생각", "하고 검색", "싶어 보게", "는 ")]
    [True, True, True, True, True]
    >>> [continues(t) for t in ("하지만 아니다", "고기가", "생각보다 맛있다", "그리고", "또는 그렇다")]
    [False, False, False, False, False]
    >>> continues("또는 직권", after_stop=False), continues("생각했다", after_stop=False)
    (True, True)
    """
    return next_text.startswith(CONTINUATIONS if after_stop else BARE_CONTINUATIONS)


# Endings and particles that leave a clause open (지만, 는데, 고...).
CONNECTIVES = (
    "고", "지만", "데", "서", "며", "면", "니까", "거나", "든지", "는", "은", "를", "을", "와", "과",
    "랑", "의", "에", "로", "보다", "처럼", "만", "까지", "부터", "이나", "게", "야", "려", "러",
)


@lru_cache(maxsize=_WORD_CACHE)
def opens_clause(word: str) -> bool:
    """Whether a word ends in a connective ending or a particle.

    >>> [opens_clause(w) for w in ("빠져들었는데", "안고", "듯", "정도")]
    [True, True, False, False]
    """
    return hangul_tail(word).endswith(CONNECTIVES)


@lru_cache(maxsize=_WORD_CACHE)
def is_connective(word: str) -> bool:
    """Whether a word leaves its clause open: a connective ending or a particle, or one syllable.

    >>> [is_connective(w) for w in ("모르겠지만", "싶은데", "안고", "맛", "아")]
    [True, True, True, True, True]
    >>> [is_connective(w) for w in ("정도", "업그레이드된", "되느니", "했던")]
    [False, False, False, False]
    """
    core = hangul_tail(word)
    return len(core) <= 1 or core.endswith(CONNECTIVES)


# Last syllables of informal final endings that are as often connective or part
# of a noun (해줬어 / 먹어 보니, 해야지 / 하지 않): a morphological check decides.
AMBIGUOUS_LAST = frozenset("다네어아야지냐니게래대자애해워봐줘돼져셈듯군걸나라")
# Word ends that are never final: particles, connectives, postpositions, common nouns.
NOT_FINAL_ENDS = (
    "까지", "에게", "한테", "처럼", "보다", "부터", "마다", "이나", "하나", "라도", "려고", "도록", "니까", "으니",
    "면서", "는데", "은데", "지만", "거나", "다가", "자마자", "러나", "으나", "따라", "니라", "위해", "통해", "의해",
    "인해", "향해", "대해", "관해", "비해", "가지", "머니", "여자", "남자", "이자", "학자", "기자", "독자", "혼자",
    "환자", "용자", "리자", "숫자", "글자", "의자", "과자", "부자",
)


@lru_cache(maxsize=_WORD_CACHE)
def uncertain_final(word: str) -> bool:
    """Whether a word the rules call final could as well be a noun (two-syllable X임: 위임, 신임).

    >>> uncertain_final("위임"), uncertain_final("것임"), uncertain_final("맛집임")
    (True, False, False)
    """
    core = hangul_tail(word)
    return len(core) == 2 and core[1] == "임" and core[0] not in "것거뿐중셈편듯탓"


@lru_cache(maxsize=_WORD_CACHE)
def may_be_final(word: str) -> bool:
    """Whether a word the rules did not call final could still end a sentence (worth a closer look).

    >>> [may_be_final(w) for w in ("해줬어", "멋지다", "비판해야지", "같애", "할게")]
    [True, True, True, True, True]
    >>> [may_be_final(w) for w in ("어", "까지", "학교에", "좋으니까", "ABC", "쉽게", "위해")]
    [False, False, False, False, False, False, False]
    """
    core = hangul_tail(word)
    if len(core) < 2 or core[-1] not in AMBIGUOUS_LAST or core.endswith(NOT_FINAL_ENDS):
        return False
    if core[-1] == "게":
        return jong(core[-2]) == J_L  # 할게 (a promise), not 쉽게 (an adverb)
    return True


@lru_cache(maxsize=_WORD_CACHE)
def final_or_maybe(word: str) -> bool:
    """Whether a word is final by the rules or worth a closer look (:func:`may_be_final`).

    >>> final_or_maybe("먹었다"), final_or_maybe("해줬어"), final_or_maybe("학교에")
    (True, True, False)
    """
    return is_final_word(word) or may_be_final(word)
