"""Training text with some sentence-final stops taken away, and some stray quote marks put in.

Spoken and web Korean often ends a sentence with its ending alone
(``재밌었어 또 보러 가자``), and there the teachers often miss the cut, so
silver labels teach few such ends. A labelled end written with a stop is a
true end without it too: dropping the stop run of one labelled end in
``share`` (after a Hangul syllable, before whitespace; the share is the
training script's ``STRIP_SHARE``) turns punctuated ends
into unpunctuated ones with the same label, chosen by a hash of the text so
the same inputs always give the same examples.

A quote mark that never closes (a typo, a quote cut off, a tweet) does not
stop the sentences after it from ending, but real text has few of them, and the
model learnt that an open quote holds every cut back. One text in
``QUOTE_SHARE`` of those without quote marks gets a ``"`` before one of its
words, its labels unchanged (:func:`stray_quote`).
"""

from __future__ import annotations

import zlib

STOP_CHARS = frozenset(".!?…。？！⋯")
QUOTE_CHARS = frozenset("\"'“”‘’「」『』«»")


def _chosen(text_hash: int, offset: int, share: int) -> bool:
    """Whether the end at ``offset`` of a text loses its stops: a fixed pseudo-random one in ``share``.

    >>> sum(_chosen(7, o, 4) for o in range(4000)) in range(900, 1100)
    True
    """
    mixed = ((text_hash ^ (offset * 0x9E3779B1)) * 0x85EBCA6B) & 0xFFFFFFFF
    return (mixed ^ (mixed >> 15)) % share == 0


def strip_stops(text: str, cuts: set[int], unsure: set[int], share: int) -> tuple[str, set[int], set[int]]:
    """``text`` with the stop runs of some labelled ends removed, and its labels moved to match.

    ``cuts`` and ``unsure`` are non-space offsets (the number of non-space
    characters before the place). ``share=1`` strips every end it may:

    >>> text, cuts, unsure = strip_stops("좋았다. 또 가자!! 버전 2.0. 끝", {4, 9, 16}, {11}, share=1)
    >>> text, sorted(cuts), unsure
    ('좋았다 또 가자 버전 2.0. 끝', [3, 6, 13], {8})
    >>> strip_stops("했다.그리고 갔다", {3}, set(), share=1)  # glued to the next word: kept
    ('했다.그리고 갔다', {3}, set())
    """
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    text_hash = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    removed: list[tuple[int, int]] = []  # (first, last) text positions, in order
    for offset in sorted(cuts):
        if not 0 < offset <= len(solid) or not _chosen(text_hash, offset, share):
            continue
        last = solid[offset - 1]
        first = last
        while first > 0 and text[first - 1] in STOP_CHARS:
            first -= 1
        if (text[last] in STOP_CHARS and first > 0 and "가" <= text[first - 1] <= "힣"
                and last + 1 < len(text) and text[last + 1].isspace()):
            removed.append((first, last))
    if not removed:
        return text, set(cuts), set(unsure)
    gone = [0] * (len(solid) + 1)  # non-space characters removed before each non-space offset
    drop = set()
    for first, last in removed:
        drop.update(range(first, last + 1))
    for n, pos in enumerate(solid):
        gone[n + 1] = gone[n] + (pos in drop)
    kept = "".join(ch for i, ch in enumerate(text) if i not in drop)

    def move(offsets: set[int]) -> set[int]:
        return {o - gone[min(o, len(solid))] for o in offsets}

    return kept, move(cuts), move(unsure)


def stray_quote(text: str, cuts: set[int], unsure: set[int], share: int) -> tuple[str, set[int], set[int]]:
    """``text`` with a ``"`` that never closes before one of its words (one text in ``share``, none if
    it holds a quote mark already), and its labels moved to match: the sentence ends stay ends.

    >>> stray_quote("좋았다 또 가자 내일 보자", {3, 6}, set(), share=1)
    ('좋았다 또 "가자 내일 보자', {3, 7}, set())
    >>> stray_quote('가 "나" 다', {1}, set(), share=1)  # a quote mark already: unchanged
    ('가 "나" 다', {1}, set())
    """
    text_hash = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    if not _chosen(text_hash, 0, share) or QUOTE_CHARS.intersection(text):
        return text, set(cuts), set(unsure)
    starts = [i for i in range(1, len(text)) if text[i - 1].isspace() and not text[i].isspace()]
    if not starts:
        return text, set(cuts), set(unsure)
    at = starts[(text_hash >> 8) % ((len(starts) + 1) // 2)]  # in the first half of the words
    before = sum(1 for ch in text[:at] if not ch.isspace())  # non-space offset of the new mark

    def move(offsets: set[int]) -> set[int]:
        return {o + 1 if o > before else o for o in offsets}

    return text[:at] + '"' + text[at:], move(cuts), move(unsure)
