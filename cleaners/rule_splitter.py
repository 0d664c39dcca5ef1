"""A fast rule-based Korean sentence splitter.

One regular expression finds the places where a sentence could end: a run of
end marks (``. ! ? … ~``, jamo laughter ``ㅋㅋ``, emoji, with closing quotes,
brackets and citation marks ``[1]`` after them), a run of closers before a
space, or a word whose last syllable can close a sentence (``다 요 음 어``...)
before a space. Each place is judged on its neighbours:

- a full stop, ``?`` or ``!`` ends a sentence unless it is a decimal point, an
  abbreviation, inside brackets or quotes, or the next word carries the clause
  on (``뭐지?? 하고``, ``했다면?라는``);
- an ellipsis ends one unless the word before it leaves the clause open;
  ``~`` and a bare word before a space end one only after a final ending
  (:func:`korpus.cleaners.endings.is_final_word`);
- laughter and emoji end one after a word, and take a bracketed note or a
  trailing run of emoji with them;
- a line break always ends one.

A bare word that may or may not be final (``해줬어``, ``멋지다``) is left to a
*resolver*: none in :func:`split_sentences` (no split), a morphological check
in :class:`korpus.cleaners.mecab_check.MecabResolver` for the default splitter.

Sentences are slices of the input, stripped: nothing but whitespace between
sentences is lost.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from korpus.cleaners.endings import (
    continues,
    final_or_maybe,
    hangul_tail,
    is_connective,
    is_final_word,
    may_be_final,
    opens_clause,
    uncertain_final,
)

STOPS = ".!?。！？‽"
ELLIPSIS = "…⋯"
TILDES = "~～"
CLOSERS = "\"'”’)]}」』》〉›»"
OPENERS = "([{「『《〈‹«“‘"
PAIRS = {"(": ")", "[": "]", "{": "}", "「": "」", "『": "』", "《": "》", "〈": "〉", "‹": "›", "«": "»",
         "“": "”", "‘": "’"}
SYMMETRIC = "\"'"
# Jamo used as laughter and crying (ㅋㅋ ㅎㅎ ㅠㅠ ㅇㅇ); not ㅡ and ㅣ, which draw dashes and faces (ㅡㅡ).
JAMO = "\u3131-\u3160\u3162\u3164-\u318e"
# Pictographs used as emoji: misc symbols and dingbats (☆ ♥ ✨), ⭐ ⭕, and the
# supplementary emoji blocks; ^ for ^^. Not arrows, bullets or circled numbers.
EMOJI = "\u203c\u2049\u2600-\u27bf\u2b50\u2b55\U0001f000-\U0001faff\ufe0f\u200d^"
MAX_PAIR_SPAN = 300
WORD_WINDOW = 40

_ENDERS = f"{re.escape(STOPS + ELLIPSIS + TILDES)}{JAMO}{EMOJI}"
_ENDER_SET = frozenset(STOPS + ELLIPSIS + TILDES)
# Last syllables that can end a sentence: the rule lexicon's and the ambiguous ones.
_FINAL_LAST = "다요죠쥬까용당네어아야지냐니게래대자애해워봐줘돼져셈듯군걸나라" + "".join(
    chr(0xAC00 + 28 * k + 16) for k in range(399))  # and every syllable ending in ㅁ
_CITE = r"\[(?:\d{1,3}|\*|주 ?\d{1,3}|[a-z])\]"
_CANDIDATE = re.compile(
    rf"(?:[{_ENDERS}]|{_CITE})(?:[{_ENDERS}{re.escape(CLOSERS)}]|{_CITE}| (?=[.…]))*"  # marks, then closers
    rf"|[{re.escape(CLOSERS)}]+(?=\s)"  # closers alone before a space: 했음(바로옆) 들을라고
    rf"|[{_FINAL_LAST}](?=[^\S\n])"  # a bare word before a space
    r"|\n"
)
_CITE_AT_END = re.compile(f"{_CITE}$")
_PAIR_CHARS = re.compile(f"[{re.escape(OPENERS + ''.join(PAIRS.values()) + SYMMETRIC)}]")
_EMOTICON_RUN = re.compile(f"[{EMOJI}]+|[{JAMO}]+[.!?~]*(?=\\s|$)")
_NEXT_WORD = re.compile(r"\s*(\S{0,12}(?:\s\S{0,3})?)")
_LEADING_MARKS = re.compile(rf"[{JAMO}{EMOJI}]|[{_ENDERS}{re.escape(CLOSERS)}]+(?:\s|$)")
_JAMO_EMOJI = re.compile(f"[{JAMO}{EMOJI}]")
_JAMO_ONLY = re.compile(f"[{JAMO}]+")
_LETTER = re.compile(r"[^\W_]")
_NON_SPACE = re.compile(r"\S")
_BARE_ENDING_WORD = re.compile(r"[다요죠음임함](?:\s|$)")
_ENUMERATOR = re.compile(r"\s*(?:[가나다라마바사아자차카타파하]|[ivxIVX]{1,4}|[A-Za-z])")
_SPELLED_OUT = re.compile(r"\s*[가-힣][.!?]")
_LATIN_ABBREV = frozenset(
    "mr mrs ms dr prof st vs etc eg ie no vol vols pp p al ed eds fig figs jr sr inc co ltd corp dept est approx "
    "cf op jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_KO_ABBREV_UNITS = frozenset("항조호절목권쪽장")

# ``resolve(word, next_text) -> bool``: does this bare word end a sentence?
Resolver = Callable[[str, str], bool]


def split_sentences(text: str, resolve: Resolver | None = None) -> list[str]:
    """Split Korean text into sentences (rules only, unless a resolver is given).

    >>> split_sentences("날씨가 좋다. 산책을 갔다! 정말?\\n새 줄")
    ['날씨가 좋다.', '산책을 갔다!', '정말?', '새 줄']
    >>> split_sentences("맛있었어요 다만 비쌌어요ㅎㅎ 또 갈게요")
    ['맛있었어요', '다만 비쌌어요ㅎㅎ', '또 갈게요']
    >>> split_sentences("3.14는 원주율이다.그는 U.S. 출신이다.")
    ['3.14는 원주율이다.', '그는 U.S. 출신이다.']
    >>> split_sentences('그는 "안녕. 반가워."라고 말했다. 이게 뭐지?? 하고 검색했다.')
    ['그는 "안녕. 반가워."라고 말했다.', '이게 뭐지?? 하고 검색했다.']
    >>> split_sentences("제35조 ① 모든 국민은 권리를 가진다. (개정 1987) 다음 조.")
    ['제35조 ① 모든 국민은 권리를 가진다. (개정 1987)', '다음 조.']
    """
    out: list[str] = []
    start = 0
    for cut in boundaries(text, resolve):
        piece = text[start:cut].strip()
        if piece:
            out.append(piece)
        start = cut
    piece = text[start:].strip()
    if piece:
        out.append(piece)
    return out


def boundaries(text: str, resolve: Resolver | None = None) -> list[int]:
    """Cut positions (indices where a new sentence starts), in order.

    >>> boundaries("갔다. 왔다")
    [3]
    """
    cuts: list[int] = []
    scan = _Scan(text, resolve)
    end = len(text)
    for m in _CANDIDATE.finditer(text):
        s, e = m.span()
        first = text[s]
        if first == "\n":
            cuts.append(s)
            scan.last = s
            continue
        bare = "가" <= first <= "힣"
        if bare:
            # Cheap tests first: most bare words are not final, and nothing else makes them a boundary.
            if e <= scan.last or e >= end or not scan.word_may_end(_word_before(text, e)):
                continue
        else:
            while e > s and text[e - 1] in SYMMETRIC and scan.is_opener(e - 1):
                e -= 1  # a quote that opens the next sentence: 했다.'바카라'는
            if e <= max(s, scan.last) or e >= end or (first in CLOSERS and not scan.closers_alone(e)):
                continue
        if not scan.is_boundary(s, e):
            continue
        if not _LETTER.search(text, scan.last, e if bare else s):
            continue  # nothing but marks since the last cut: "② ...", "ㅡㅡ 이 영화"
        e = scan.after_annotation(e)
        cuts.append(e)
        scan.last = e
    return cuts


class _Scan:
    """The state of one pass over a text: bracket pairs, the last cut, the resolver."""

    def __init__(self, text: str, resolve: Resolver | None):
        self.text = text
        self.resolve = resolve
        self.word_may_end = word_filter(resolve)
        self.last = 0
        pairs = _pairs(text)
        self.spans = _outer_spans(pairs)
        self.opens = [o for o, _ in self.spans]
        self.opener_at = {c: o for o, c in pairs}
        self.closer_at = {o: c for o, c in pairs}

    # -- brackets and quotes ------------------------------------------------------

    def inside(self, cut: int) -> bool:
        """Whether ``cut`` falls inside a bracket or quote span (after its opener, at or before its closer)."""
        i = bisect_right(self.opens, cut - 1) - 1
        return i >= 0 and self.spans[i][1] >= cut

    def is_opener(self, i: int) -> bool:
        return i in self.closer_at

    def closes_inner(self, s: int, e: int) -> bool:
        """Whether the cluster closes a bracket opened mid-sentence: 곳이라면 (가능한!) 어디든."""
        text = self.text
        for i in range(s, e):
            if text[i] in CLOSERS:
                opener = self.opener_at.get(i)
                if opener is not None and opener < s and _NON_SPACE.search(text, self.last, opener):
                    return True
        return False

    def bracket_after(self, cut: int) -> tuple[int, int] | None:
        """The ``(`` or ``[`` pair that follows ``cut`` after spaces, if any."""
        i = _skip_spaces(self.text, cut)
        if i < len(self.text) and self.text[i] in "([":
            close = self.closer_at.get(i)
            if close is not None:
                return i, close
        return None

    def after_annotation(self, cut: int) -> int:
        """Move a cut past what belongs to the sentence before it.

        A bracketed note that is not a sentence of its own (``하다. (6회 우승) 또한``)
        and a trailing run of emoji or laughter (``싶네요. 🤑🤑🤑``) stay with it.
        """
        text = self.text
        pair = self.bracket_after(cut)
        if pair:
            i, close = pair
            if (close + 1 == len(text) or text[close + 1].isspace()) and not _is_sentence(text[i + 1:close]):
                return close + 1
            return cut
        i = _skip_spaces(text, cut)
        m = _EMOTICON_RUN.match(text, i) if i > cut else None
        return m.end() if m else cut

    # -- the decision -------------------------------------------------------------

    def is_boundary(self, s: int, e: int) -> bool:
        text = self.text
        if self.inside(e):
            return False
        first = text[s]
        if first in CLOSERS:
            return self.closers_alone(e)
        nxt = _NEXT_WORD.match(text, e).group(1)
        if "가" <= first <= "힣":
            return self._bare_word(e, nxt)
        if continues(nxt) or self.closes_inner(s, e):
            return False
        cluster = text[s:e]
        word = _word_before(text, s)
        spaced = text[e].isspace()
        if _has_stop(cluster):
            return self._stop(s, e, word, cluster, spaced)
        if _JAMO_EMOJI.search(cluster) and not any(c in _ENDER_SET for c in cluster):
            return self._emoticon(s, e, cluster, spaced, nxt)
        if first == "[":
            return False  # citation marks alone: 때문에[22] 두
        if spaced and _is_ellipsis(cluster):
            # A trailing-off sentence ends unless its last word leaves the clause open,
            # or an aside in brackets follows: 그 맛이 크.. (물론 전 안 먹었지만…)
            return not is_connective(word) or self._aside_follows(e)
        # A tilde, or an ellipsis run into the next word: only after a final ending.
        return (spaced or _starts_word(text[e])) and self._final(word, nxt)

    def _final(self, word: str, nxt: str) -> bool:
        """The rules' call on a word, or the resolver's where the rules cannot tell."""
        if is_final_word(word):
            return self.resolve is None or not uncertain_final(word) or self.resolve(word, nxt)
        return self.resolve is not None and may_be_final(word) and self.resolve(word, nxt)

    def closers_alone(self, e: int) -> bool:
        """A bracketed note glued to a finished sentence: 카운터였음(테라스가 바로옆) 들을라고.

        A note that stands alone at the start of a sentence is a label ([표] ...) and stays.
        """
        opener = self.opener_at.get(e - 1)
        if opener is None or not opener or self.text[opener - 1].isspace():
            return False
        return bool(_NON_SPACE.search(self.text, self.last, opener)) and is_final_word(
            _word_before(self.text, opener))

    def _bare_word(self, e: int, nxt: str) -> bool:
        if _LEADING_MARKS.match(nxt) or continues(nxt, after_stop=False):
            return False  # laughter after the word ends the sentence instead: 했음 ㅋㅋ
        return self._final(_word_before(self.text, e), nxt)

    def _stop(self, s: int, e: int, word: str, cluster: str, spaced: bool) -> bool:
        text = self.text
        if cluster[0] == "." and not _full_stop(text, s, word):
            return False
        if cluster[0] == "." and _ENUMERATOR.fullmatch(text, self.last, s):
            return False  # 가. 나. 다. list items, i. ii.
        if len(word) == 1 and hangul_tail(word) and _SPELLED_OUT.match(text, e):
            return False  # 전. 부. 다. 요!!! spelled out for emphasis
        if spaced:
            return True
        if not _starts_word(text[e]) or text[e] in "-" or _BARE_ENDING_WORD.match(text, e):
            return False  # 본다.[4]다 스페인이: an ending cannot start a sentence
        if cluster[-1] in CLOSERS and "가" <= text[e] <= "힣" and not _CITE_AT_END.search(cluster):
            return False  # 있다.”를: a quoted sentence inside a sentence
        if cluster[0] in "?!" or _JAMO_EMOJI.search(cluster):
            return True  # 입니다!저는, 두고.ㅠㅠ대구
        # 있다.이 부분: a stop glued to the next word, after a word (not 반.전.매.력 or a.b).
        return len(hangul_tail(word)) >= 2

    def _emoticon(self, s: int, e: int, cluster: str, spaced: bool, nxt: str) -> bool:
        """Laughter or emoji: a sentence end after a word that does not leave its clause open."""
        text = self.text
        if cluster[0] == "^" and cluster.count("^") < 2:
            return False
        glued = s > 0 and not text[s - 1].isspace()
        host = _word_before(text, s) if glued else _word_before(text, _skip_back(text, s))
        if spaced:
            return bool(host) and not opens_clause(host)  # 했는데ㅎㅎ 특히: the clause goes on
        if not _starts_word(text[e]) or (glued and _JAMO_ONLY.fullmatch(cluster)):
            return False  # ㄱㅊ은데: an abbreviation, not laughter
        return self._final(host, nxt)  # 같아요😀하지만, 좋지 ㅋㅋㅋ결국

    def _aside_follows(self, cut: int) -> bool:
        pair = self.bracket_after(cut)
        return pair is not None and self.text[pair[0]] == "(" and _is_sentence(self.text[pair[0] + 1:pair[1]])


def word_filter(resolve: Resolver | None) -> Callable[[str], bool]:
    """The cheap test a bare word must pass to be looked at: final, or worth the resolver's look."""
    return final_or_maybe if resolve is not None else is_final_word


def _has_stop(cluster: str) -> bool:
    """A real stop: '?', '!', or a single '.', not an ellipsis."""
    for i, c in enumerate(cluster):
        if c in "!?。！？‽":
            return True
        if c == "." and (i == 0 or cluster[i - 1] not in ". ") and cluster[i + 1:i + 2] not in (".", " "):
            return True
    return False


def _is_ellipsis(cluster: str) -> bool:
    return "…" in cluster or "⋯" in cluster or ".." in cluster.replace(" ", "")


def _is_sentence(inner: str) -> bool:
    """Whether bracketed text reads as a sentence (a stop, laughter, or a final ending)."""
    if any(c in _ENDER_SET for c in inner if c not in TILDES) or _JAMO_EMOJI.search(inner):
        return True
    words = inner.split()
    return bool(words) and is_final_word(words[-1])


def _full_stop(text: str, s: int, word: str) -> bool:
    """Whether the '.' at ``s`` can end a sentence (not a decimal point or an abbreviation)."""
    before = text[s - 1] if s else " "
    if before.isdigit():
        return False  # 3.14, 1. list items, 2024.
    core = word.rstrip(".").lower()
    if before.isascii() and before.isalpha():
        letters = core.split(".")[-1]
        if len(letters) == 1 or letters in _LATIN_ABBREV or "." in core:
            return False  # J. K., U.S., vs., e.g.
    # 제3항. 12쪽.: a numbered legal unit or page
    return not (before in _KO_ABBREV_UNITS and len(word) >= 2 and word[-2].isdigit())


def _starts_word(ch: str) -> bool:
    return ch.isalnum() or ch in OPENERS or ch in SYMMETRIC or ch in "※*-#"


def _skip_back(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _word_before(text: str, end: int) -> str:
    """The non-space run that ends at ``end`` (at most WORD_WINDOW characters back)."""
    window = text[max(0, end - WORD_WINDOW):end]
    if not window or window[-1].isspace():
        return ""
    return window.rsplit(None, 1)[-1]


def _pairs(text: str) -> list[tuple[int, int]]:
    """Matched bracket and quote pairs (opener index, closer index), each within MAX_PAIR_SPAN."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    open_quote: dict[str, int] = {}
    for m in _PAIR_CHARS.finditer(text):
        ch, i = m.group(), m.start()
        if ch in SYMMETRIC:
            if ch == "'" and 0 < i < len(text) - 1 and text[i - 1].isascii() and text[i - 1].isalpha() \
                    and text[i + 1].isascii() and text[i + 1].isalpha():
                continue  # an apostrophe: don't, it's
            j = open_quote.pop(ch, None)
            if j is not None and i - j <= MAX_PAIR_SPAN:
                pairs.append((j, i))
            else:
                open_quote[ch] = i
        elif ch in PAIRS:
            stack.append((PAIRS[ch], i))
        else:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    if i - stack[k][1] <= MAX_PAIR_SPAN:
                        pairs.append((stack[k][1], i))
                    del stack[k:]
                    break
    return pairs


def _outer_spans(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for o, c in sorted(pairs):
        if spans and o <= spans[-1][1]:
            if c > spans[-1][1]:
                spans[-1] = (spans[-1][0], c)
        else:
            spans.append((o, c))
    return spans
