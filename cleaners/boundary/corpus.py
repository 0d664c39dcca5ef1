"""The real text the splitter model learns from, and the documents kept out of it.

Four kinds of text from ``../shared/corpora`` (comments, news headlines, law,
prose), each document assigned for good to ``train`` or ``eval`` by a hash of
its text (one in five to ``eval``), so the evaluation documents are fixed
before any training and never seen by it. The kss gold sets give their
first halves (human labels) to training and keep their second halves for
scoring (:func:`halves`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from korpus.cleaners.docs_text import read_documents

KINDS = ("comments", "news", "law", "prose")
# One document in EVAL_SHARE[kind] is kept for evaluation (half of the scarce law and prose).
EVAL_SHARE = {"comments": 5, "news": 5, "law": 2, "prose": 2}
# Comments are grouped in documents of these sizes, in turn (the shape of a comment dump split as a whole).
GROUP_SIZES = (1, 3, 2, 5, 4, 6)


@dataclass(frozen=True)
class Doc:
    kind: str
    origin: str
    text: str
    joints: tuple[int, ...] = ()  # non-space offsets where one comment of a group ends and the next begins

    @property
    def part(self) -> str:
        """``eval`` or ``train``, fixed by the text alone."""
        digest = hashlib.sha1(self.text.encode("utf-8")).digest()
        return "eval" if int.from_bytes(digest[:4], "big") % EVAL_SHARE[self.kind] == 0 else "train"


def load_gold(path: str | Path) -> list[list[str]]:
    """Documents of a gold file (one sentence per line, a blank line between documents)."""
    return list(read_documents(Path(path).read_text(encoding="utf-8").split("\n")))


def halves(docs: list[list[str]], part: str) -> list[list[str]]:
    """The first (``"tune"``) or second (``"held-out"``) half of each document's sentences.

    >>> halves([["a. ", "b. ", "c."]], "tune"), halves([["a. ", "b. ", "c."]], "held-out")
    ([['a. ']], [['b. ', 'c.']])
    """
    if part not in ("tune", "held-out"):
        raise ValueError(f"part must be 'tune' or 'held-out', not {part!r}")
    out = []
    for doc in docs:
        cut = max(1, len(doc) // 2)
        piece = doc[:cut] if part == "tune" else doc[cut:]
        if piece:
            out.append(piece)
    return out


def documents(root: Path) -> Iterator[Doc]:
    """Every document of every kind under ``root`` (``../shared/corpora``), in a fixed order."""
    yield from _comments(root / "comments")
    yield from _headlines(root / "news")
    yield from _law(root / "law")
    yield from _prose(root / "law")


def _comments(folder: Path) -> Iterator[Doc]:
    reviews = folder / "nsmc_ratings_test.txt"
    if reviews.exists():
        with reviews.open(encoding="utf-8", newline="") as f:
            rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows, None)
            lines = [row[1].strip() for row in rows if len(row) == 3 and row[1].strip()]
        yield from _grouped("comments", reviews.name, lines)
    news = folder / "hate_speech_unlabeled_comments_5.txt"
    if news.exists():
        lines = [line.strip() for line in news.read_text(encoding="utf-8").splitlines() if line.strip()]
        yield from _grouped("comments", news.name, lines)


def _grouped(kind: str, origin: str, lines: list[str]) -> Iterator[Doc]:
    i = g = 0
    while i < len(lines):
        size = GROUP_SIZES[g % len(GROUP_SIZES)]
        group = lines[i:i + size]
        ends = [len("".join(line.split())) for line in group]
        joints = tuple(sum(ends[:n + 1]) for n in range(len(group) - 1))
        yield Doc(kind, origin, " ".join(group), joints)
        i, g = i + size, g + 1


def _headlines(folder: Path) -> Iterator[Doc]:
    for path in sorted(folder.glob("*.news_title.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip().strip('"').strip()
            if text:
                yield Doc("news", path.name, text)


def _law(folder: Path) -> Iterator[Doc]:
    constitution = folder / "constitution.txt"
    if constitution.exists():
        text = constitution.read_text(encoding="utf-8").replace("\r\n", "\n")
        for line in text.split("\n"):
            if len(line.strip()) > 10:  # a paragraph of an article (항), or the preamble
                yield Doc("law", constitution.name, line.strip())
    bodies = folder / "api" / "lawService_law_5laws_xmltodict.json"
    if bodies.exists():
        for law in json.loads(bodies.read_text(encoding="utf-8")):
            for unit in _as_list(law.get("법령", {}).get("조문", {}).get("조문단위")):
                for text in _strings(unit, ("조문내용", "항내용", "호내용", "목내용")):
                    text = re.sub(r"\s*\n\s*", " ", text)
                    if len(text) > 10:
                        yield Doc("law", bodies.name, text)


def _prose(folder: Path) -> Iterator[Doc]:
    """Paragraphs of the bills' explanations and of a judgment: the only prose here."""
    for path in sorted((folder / "kobill").glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        reason = body.split("제안이유", 1)[-1]
        unwrapped = re.sub(r"\n+", "", reason)  # the lines are wrapped anywhere, even inside words
        for para in re.split(r"(?<=다\.)\s+(?=[가-힣]{2,}\s)", unwrapped):
            if len(para.strip()) > 30:
                yield Doc("prose", path.name, para.strip())
    judgment = folder / "api" / "precService_1947_xmltodict.json"
    if judgment.exists():
        for item in _as_list(json.loads(judgment.read_text(encoding="utf-8"))):
            for key in ("판시사항", "판결요지", "판례내용"):
                value = (item.get("PrecService", item) or {}).get(key) or ""
                for para in re.split(r"(?:<br/>)+", value):
                    if len(para.strip()) > 30:
                        yield Doc("prose", judgment.name, para.strip())


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _strings(node, keys: tuple[str, ...]) -> Iterator[str]:
    """The string values under ``keys`` anywhere in an xmltodict tree, in document order."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield value.strip()
            else:
                yield from _strings(value, keys)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, keys)
