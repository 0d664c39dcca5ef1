"""Text normalisation: plain ``str -> str`` functions and the two profile chains.

``formal`` (wiki, news, law) keeps the text as written and only repairs it:
newlines unified, invisible characters dropped, NFC, HTML entities unescaped,
URLs and e-mail addresses removed, personal numbers masked, whitespace folded.
``informal`` (comments) adds the KcBERT treatment: the KcBERT character
whitelist, emoji kept or removed, and repeats shortened (soynlp, with digits
protected from it).

Every chain is idempotent: :class:`Normalizer` repeats a pass while a removal
could have exposed something new (an entity or a URL joined across what was
removed), so normalising twice gives what normalising once gave.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import regex

from korpus.cleaners.config import PROFILES, ChainOptions

# -- always ---------------------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Control (but newline and tab), format (but ZWJ, handled with emoji), private-use and
# surrogate code points.
_INVISIBLE = regex.compile(r"[\p{Cc}\p{Cf}\p{Co}\p{Cs}--[\n\t\u200d]]", regex.V1)
_PICTO = r"\p{Extended_Pictographic}"
_STRAY_ZWJ = regex.compile(rf"(?<!{_PICTO}[\p{{Emoji_Modifier}}\ufe0f]?)\u200d|\u200d(?!{_PICTO})")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_RUNS = re.compile(r"  +")
_URL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9\-_~/#=&%+]", re.IGNORECASE
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")

# Korean personal numbers. Boundaries: no digit or hyphen right before or after.
_B, _E = r"(?<![\d-])", r"(?![\d-])"
PII_PATTERNS: dict[str, re.Pattern[str]] = {
    # 주민등록번호 / 외국인등록번호: YYMMDD-Gnnnnnn
    "주민등록번호": re.compile(rf"{_B}\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[- ]?[1-8]\d{{6}}{_E}"),
    "카드번호": re.compile(rf"{_B}(?:\d{{4}}([- ])\d{{4}}\1\d{{4}}\1\d{{4}}|\d{{4}}([- ])\d{{6}}\2\d{{5}}|\d{{16}}){_E}"),
    "전화번호": re.compile(
        rf"{_B}(?:(?:\+82[- ]?)?0?1[016789]([- .]?)\d{{3,4}}\1\d{{4}}"  # mobile
        rf"|0(?:2|[3-6][1-5]|70|50\d)([- .)])\d{{3,4}}[- .]\d{{4}}){_E}"  # landline, separators required
    ),
    "계좌번호": re.compile(rf"{_B}\d{{2,6}}-\d{{2,6}}-\d{{2,7}}(?:-\d{{1,3}})?{_E}"),
}
# Every number above holds 9+ digits with at most one separator between two: texts
# without such a run (nearly all) skip the patterns, whose look-behinds scan every position.
_PII_CANDIDATE = re.compile(r"\d(?:[- .)]?\d){8,}")
_FOLDED_SPACE = re.compile(r" ?\n[ \n]*")


def _only_spaces_and_newlines(text: str) -> bool:
    r"""Whether the text has no control, format, private-use or non-ASCII space characters.

    ``str.isprintable`` is a fast C test; ``\n`` is the only one of those it refuses
    that the chain keeps.

    >>> _only_spaces_and_newlines("가 나\n다"), _only_spaces_and_newlines("가\t나"), _only_spaces_and_newlines("가\u200b")
    (True, False, False)
    """
    return text.replace("\n", " ").isprintable()


def unify_newlines(text: str) -> str:
    r"""CRLF, CR and Unicode line separators to ``\n``.

    >>> unify_newlines("가\r\n나\r다\u2028라")
    '가\n나\n다\n라'
    """
    if _only_spaces_and_newlines(text):
        return text
    return _NEWLINES.sub("\n", text)


def remove_invisible(text: str) -> str:
    """Drop control, zero-width, format, private-use and surrogate characters.

    A zero-width joiner stays only inside an emoji sequence.

    >>> remove_invisible("가\\u200b나\\x07다\\ue000라\\ufeff")
    '가나다라'
    >>> remove_invisible("👨\\u200d👩 a\\u200db") == "👨\\u200d👩 ab"
    True
    """
    if _only_spaces_and_newlines(text):
        return text
    text = _INVISIBLE.sub("", text)
    return _STRAY_ZWJ.sub("", text) if "\u200d" in text else text


def nfc(text: str) -> str:
    """Compose Hangul jamo sequences into syllables (and everything else to NFC).

    >>> nfc("\\u1112\\u1161\\u11ab") == "한"
    True
    """
    return unicodedata.normalize("NFC", text)


def unescape_html(text: str) -> str:
    """HTML entities to characters, repeated until none is left (``&amp;lt;`` is ``<``).

    >>> unescape_html("A&amp;B &lt;b&gt; &#54620;&#xAE00; &amp;amp;")
    'A&B <b> 한글 &'
    """
    while "&" in text:
        out = html.unescape(text)
        if out == text:
            break
        text = out
    return text


def repair(text: str) -> str:
    """Invisible characters out, NFC, entities unescaped, until nothing changes.

    One step can expose work for another (``&#8203;`` unescapes to a zero-width
    space; NFC turns U+037E into ``;`` and completes an entity).

    >>> repair("&amp;\\u200blt;") == "<"
    True
    """
    while True:
        out = unescape_html(nfc(remove_invisible(text)))
        if out == text:
            return out
        text = out


def fold_whitespace(text: str) -> str:
    """Runs of spaces to one, blank-line runs to one newline, line ends stripped.

    >>> fold_whitespace("  가  나\\t다 \\n\\n\\n 라 ")
    '가 나 다\\n라'
    """
    if _only_spaces_and_newlines(text):
        if "  " not in text.replace("\n", " "):
            return text.strip(" \n")  # no space runs, no blank lines, no spaces at line ends
        return _FOLDED_SPACE.sub("\n", _SPACE_RUNS.sub(" ", text)).strip(" \n")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def remove_urls(text: str) -> str:
    """Drop http(s) and www. addresses (a space stands where they were).

    >>> remove_urls("자세한 건 https://example.com/a?b=1에서 (www.naver.com) 보세요")
    '자세한 건  에서 ( ) 보세요'
    """
    return _URL.sub(" ", text) if ("://" in text or "www." in text.lower()) else text


def remove_emails(text: str) -> str:
    """Drop e-mail addresses.

    >>> remove_emails("문의: kim.cs@example.co.kr 로")
    '문의:   로'
    """
    return _EMAIL.sub(" ", text) if "@" in text else text


def mask_pii(text: str) -> str:
    """Replace Korean personal numbers with a tag naming what was there.

    >>> mask_pii("연락처 010-1234-5678, 주민번호 900101-1234567")
    '연락처 <전화번호>, 주민번호 <주민등록번호>'
    >>> mask_pii("카드 1234 5678 9012 3456 계좌 123-45-678901 날짜 2024-01-01 2000년")
    '카드 <카드번호> 계좌 <계좌번호> 날짜 2024-01-01 2000년'
    """
    return _sub_pii(text, lambda name: f"<{name}>")


def remove_pii(text: str) -> str:
    """Drop Korean personal numbers.

    >>> remove_pii("전화 02-123-4567 주세요")
    '전화   주세요'
    """
    return _sub_pii(text, lambda name: " ")


def _sub_pii(text: str, replacement) -> str:
    return _apply_pii(text, replacement) if _PII_CANDIDATE.search(text) else text


def _apply_pii(text: str, replacement) -> str:
    for name, pattern in PII_PATTERNS.items():
        tag = replacement(name)
        if name == "계좌번호":
            text = pattern.sub(lambda m, tag=tag: tag if 10 <= _count_digits(m.group()) <= 14 else m.group(), text)
        else:
            text = pattern.sub(tag, text)
    return text


def _count_digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


# -- informal (KcBERT) ------------------------------------------------------------------

_EMOJI_CHARS = r"\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\ufe0f\u20e3\u200d"
_EMOJI = regex.compile(rf"[{_EMOJI_CHARS}]+")
# KcBERT's whitelist: ASCII, ％ · ∼, Hangul jamo and syllables (and emoji when kept).
_NOT_KCBERT = regex.compile(r"[^\x00-\x7F％·∼ㄱ-ㅣ가-힣]+")
_NOT_KCBERT_EMOJI = regex.compile(rf"[^\x00-\x7F％·∼ㄱ-ㅣ가-힣{_EMOJI_CHARS}]+")
# soynlp's repeat pattern, ``(\w)\1{3,}``, without digits: soynlp collapses those too
# ("10000원" -> "100원"). Ours also spares importing soynlp, which loads scikit-learn,
# pandas and scipy (3 s and over 100 MB per worker) for this one expression.
_REPEATS = re.compile(r"([^\W\d])\1{3,}")


def remove_emoji(text: str) -> str:
    """Drop emoji (Unicode Extended_Pictographic, modifiers, flags), leaving a space.

    >>> remove_emoji("좋아요😀👍🏻 최고🇰🇷!")
    '좋아요  최고 !'
    """
    return _EMOJI.sub(" ", text)


def kcbert_whitelist(text: str, keep_emoji: bool = True) -> str:
    """Characters outside KcBERT's whitelist become a space (Hanja, accents, other scripts).

    >>> kcbert_whitelist("漢字 섞인 café 글 ㅋㅋ😀")
    '  섞인 caf  글 ㅋㅋ😀'
    >>> kcbert_whitelist("글😀", keep_emoji=False)
    '글 '
    """
    return (_NOT_KCBERT_EMOJI if keep_emoji else _NOT_KCBERT).sub(" ", text)


def normalize_repeats(text: str, num_repeats: int = 2) -> str:
    """soynlp's repeat normalisation (4+ repeats of a letter to ``num_repeats``), digits untouched.

    soynlp's ``repeat_normalize`` turns "10000원" into "100원"; its
    ``emoticon_normalize`` turns "안녕ㅋㅋㅋㅋㅋ" into "안ㅋㅋ" and has no equivalent here.
    Whitespace is left to :func:`fold_whitespace`.

    >>> normalize_repeats("10000원 ㅋㅋㅋㅋㅋ 와아아아아\\n2000년 안녕ㅋㅋㅋㅋㅋ")
    '10000원 ㅋㅋ 와아아\\n2000년 안녕ㅋㅋ'
    """
    if num_repeats <= 0:
        return text
    return _REPEATS.sub(lambda m: m.group(1) * num_repeats, text)


# -- chains -------------------------------------------------------------------------------

MAX_PASSES = 8


@dataclass
class Normalizer(ChainOptions):
    """One profile's chain, configured (options: :class:`ChainOptions`); picklable.
    ``Normalizer()(text) -> text``.

    >>> Normalizer("informal")("안녕하세요ㅋㅋㅋㅋㅋ &amp; 10000원 http://x.kr 漢字")
    '안녕하세요ㅋㅋ & 10000원'
    >>> Normalizer("formal")("  연락 010-1234-5678 &lt;법&gt; 漢字 ")
    '연락 <전화번호> <법> 漢字'
    """

    profile: str = "formal"

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile: expected one of {', '.join(PROFILES)}, got {self.profile!r}")
        super().__post_init__()

    def __call__(self, text: str) -> str:
        for _ in range(MAX_PASSES):
            out, removed = self._pass(text)
            if not removed or out == text:
                return out
            text = out
        return text

    def _pass(self, text: str) -> tuple[str, bool]:
        """One pass of the chain, and whether it removed something (which may expose more)."""
        text = fold_whitespace(repair(unify_newlines(text)))
        before = text
        if self.remove_urls:
            text = remove_urls(text)
        if self.remove_emails:
            text = remove_emails(text)
        if self.pii == "mask":
            text = mask_pii(text)
        elif self.pii == "remove":
            text = remove_pii(text)
        if self.profile == "informal":
            if self.emoji == "remove":
                text = remove_emoji(text)
            text = kcbert_whitelist(text, keep_emoji=self.emoji == "keep")
            if self.repeats > 0:
                text = normalize_repeats(text, self.repeats)
        removed = text != before
        return fold_whitespace(text), removed


def normalize(text: str) -> str:
    """The formal chain with default options.

    >>> normalize("안녕  하세요\\n\\n")
    '안녕 하세요'
    """
    return _FORMAL(text)


_FORMAL = Normalizer("formal")
