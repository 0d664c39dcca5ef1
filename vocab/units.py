"""Vocabulary units: whole Hangul syllables (``char``) or jamo (``subchar``).

``char`` keeps text composed (NFC) so that a syllable such as 한 is one
symbol; ``subchar`` is KR-BERT's sub-character variant, which decomposes every
syllable into its jamo with NFKD before WordPiece sees it.

Neither unit lowercases or strips accents: BERT's accent stripping runs NFD
first, which would break every Hangul syllable into jamo and leave a
syllable vocabulary unable to match anything.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tokenizers import normalizers

from korpus.core.stats import Stats

UNITS = ("char", "subchar")

# Conjoining jamo (what NFD/NFKD produce), including the Old Hangul extensions.
CONJOINING_JAMO = "\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff"
_JAMO_CHAR = re.compile(f"[{CONJOINING_JAMO}]")
_JAMO_WORD = re.compile(rf"\S*[{CONJOINING_JAMO}]\S*")
_SPACES = re.compile(r"\s+")
# The same class for Arrow's RE2, to find the rare sentences that need the fix.
JAMO_RE2 = r"[\x{1100}-\x{11FF}\x{A960}-\x{A97F}\x{D7B0}-\x{D7FF}]"


def is_hangul_syllable(ch: str) -> bool:
    """A precomposed syllable, 가 to 힣.

    >>> is_hangul_syllable("한"), is_hangul_syllable("ㅋ"), is_hangul_syllable("a")
    (True, False, False)
    """
    return "\uac00" <= ch <= "\ud7a3"


def is_conjoining_jamo(ch: str) -> bool:
    """A jamo of decomposed Hangul (not the compatibility jamo ㄱ..ㅣ typed alone).

    >>> is_conjoining_jamo("\u1112"), is_conjoining_jamo("ㅋ"), is_conjoining_jamo("한")
    (True, False, False)
    """
    return _JAMO_CHAR.match(ch) is not None


def to_subchar(text: str) -> str:
    """Decompose as KR-BERT's sub-character vocabulary does (NFKD).

    >>> [hex(ord(c)) for c in to_subchar("한")]
    ['0x1112', '0x1161', '0x11ab']
    """
    return unicodedata.normalize("NFKD", text)


def drop_jamo_words(text: str) -> str:
    """Compose the text, then drop the words that still hold conjoining jamo.

    After NFC only Old Hangul (such as ᄒᆞᆫ with arae-a) stays decomposed;
    training a syllable vocabulary on it would put jamo in the vocabulary.

    >>> drop_jamo_words(unicodedata.normalize("NFD", "한국어 문장"))
    '한국어 문장'
    >>> drop_jamo_words("나랏 말ᄊᆞ미 듕귁에")
    '나랏 듕귁에'
    """
    text = unicodedata.normalize("NFC", text)
    if _JAMO_CHAR.search(text) is None:
        return text
    return _SPACES.sub(" ", _JAMO_WORD.sub(" ", text)).strip()


def prepare_batch(unit: str, sentences: pa.Array, stats: Stats) -> list[str]:
    """Python strings for the trainer; for ``char``, Old Hangul words dropped (counted).

    Only the rare sentences with conjoining jamo are touched, found by Arrow
    in one pass; the tokenizer's own normalizer does the rest in Rust.
    """
    texts = sentences.to_pylist()
    if unit != "char" or not texts:
        return texts
    has_jamo = pc.match_substring_regex(sentences, JAMO_RE2).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(has_jamo):
        fixed = drop_jamo_words(texts[i])
        if fixed != unicodedata.normalize("NFC", texts[i]):
            stats.add("vocab", "-", "sentences_with_old_hangul_words_dropped")
        texts[i] = fixed
    return texts


def normalizer(unit: str) -> normalizers.Normalizer:
    """The tokenizer's normalizer for a unit: NFC or NFKD, then BERT's cleaning, cased."""
    bert = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
    )
    form = {"char": normalizers.NFC(), "subchar": normalizers.NFKD()}[unit]
    return normalizers.Sequence([form, bert])


def detect_unit(tokens: list[str]) -> str:
    """``subchar`` for a vocabulary with more jamo tokens than syllable tokens.

    >>> detect_unit(["[UNK]", "한", "##국"]), detect_unit(["[UNK]", "\u1112", "##\u1161"])
    ('char', 'subchar')
    """
    syllables = sum(1 for t in tokens if any(is_hangul_syllable(c) for c in t))
    jamo = sum(1 for t in tokens if any(is_conjoining_jamo(c) for c in t))
    return "subchar" if jamo > syllables else "char"
