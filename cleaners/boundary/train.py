"""Rebuild the splitter model from real text: ``python -m korpus.cleaners.boundary.train``.

Inputs, all fixed: the ``train`` documents of :mod:`.corpus` (``../shared/corpora``),
up to ``BUDGET`` characters of each kind, labelled where kss-mecab and Kiwi
agree (:mod:`.teachers`), one labelled end in ``STRIP_SHARE`` written without
its stops (:mod:`.augment`), and the first halves of the kss gold sets, labelled
by hand and weighted ``GOLD_WEIGHT``. Candidates the rules decide are left
out. The fit is an L2 logistic regression over hashed features (:mod:`.fit`,
whose arithmetic gives the same bits on any CPU); the weights are stored as
float16 in a ``.npy``, the same bytes on every rebuild from the same inputs
and teacher versions.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from korpus.cleaners.boundary.augment import stray_quote, strip_stops
from korpus.cleaners.boundary.batch import Batch, candidates
from korpus.cleaners.boundary.classes import PAD
from korpus.cleaners.boundary.corpus import Doc, documents, halves, load_gold
from korpus.cleaners.boundary.features import Context, feature_index
from korpus.cleaners.boundary.fit import fit_logistic
from korpus.cleaners.boundary.model import BUCKETS, MODEL_FILE
from korpus.cleaners.boundary.rules import never_cut
from korpus.cleaners.boundary.splitter import BATCH_CHARS, units
from korpus.cleaners.boundary.teachers import (
    TEACHER_PACKAGES,
    TEACHERS,
    non_space_ends,
    teacher_cuts,
    versions,
)
from korpus.core.io import atomic_path, write_text_atomic

REPO = Path(__file__).resolve().parents[2]
CORPORA = REPO.parent / "shared" / "corpora"
CACHE = REPO / ".korpus-work" / "boundary-train"
BUDGET = {"comments": 1_200_000, "news": 300_000, "law": 100_000, "prose": 100_000}
GOLD_WEIGHT = 5.0
STRIP_SHARE = 4  # one silver end in 4 loses its stops: unpunctuated ends the teachers seldom label
QUOTE_SHARE = 4  # one silver text in 4 (without quote marks) gets a quote mark that never closes
REFEREE = True  # the rule splitter breaks ties between the teachers
C = 1.0


@dataclass
class Labels:
    """A text's cuts (non-space offsets) and the offsets to leave unlabelled."""

    cuts: set[int]
    unsure: set[int] = field(default_factory=set)


@dataclass
class Examples:
    index: list[np.ndarray] = field(default_factory=list)
    label: list[np.ndarray] = field(default_factory=list)
    weight: list[np.ndarray] = field(default_factory=list)

    def add(self, texts: list[str], labels: list[Labels | None], weight: float) -> None:
        """The candidates of ``texts`` with their labels (a text labelled None is skipped)."""
        kept = [(t, lab) for t, lab in zip(texts, labels, strict=True) if lab is not None]
        flat, owner, base = [], [], []
        for n, (text, _) in enumerate(kept):
            offset = 0
            for unit in units(text):
                flat.append(unit)
                owner.append(n)
                base.append(offset)
                offset += len("".join(unit.split()))
        for lo, hi in _chunks(flat):
            self._add_batch(flat[lo:hi], owner[lo:hi], base[lo:hi], [lab for _, lab in kept], weight)

    def _add_batch(self, texts, owner, base, labels, weight) -> None:
        batch = Batch.of(texts)
        nxt = batch.next_non_space()
        at = candidates(batch, nxt)
        ctx = Context.of(batch, at, nxt)
        never = never_cut(ctx)
        solid = np.cumsum(label_counted(batch))
        unit = batch.doc[at]
        offsets = np.asarray(base, dtype=np.int64)[unit] + solid[at] - solid[batch.starts[unit] - 1]
        owners = np.asarray(owner, dtype=np.int64)[unit].tolist()
        offsets = offsets.tolist()
        is_cut = np.array([off in labels[o].cuts for off, o in zip(offsets, owners, strict=True)], dtype=bool)
        unsure = np.array([off in labels[o].unsure for off, o in zip(offsets, owners, strict=True)], dtype=bool)
        keep = ~(never | unsure)
        self.index.append(feature_index(ctx, BUCKETS)[keep])
        self.label.append(is_cut[keep])
        self.weight.append(np.full(int(keep.sum()), weight))

    def arrays(self):
        return np.concatenate(self.index), np.concatenate(self.label), np.concatenate(self.weight)


# Code points str.split() treats as whitespace (all at or below U+3000).
_WHITESPACE = np.array([chr(c).isspace() for c in range(0x3001)], dtype=bool)


def label_counted(batch: Batch) -> np.ndarray:
    """Where the batch holds a character that label offsets count: not whitespace, not a PAD.

    Decided on the characters, not on their classes: the space inside a citation
    mark (``[주 1]``) has the class CITE, but ``non_space_ends`` does not count it.

    >>> label_counted(Batch.of(["했다.[주 1] 뒤"])).astype(int).tolist()
    [0, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0]
    """
    codes = batch.codes
    space = np.zeros(len(codes), dtype=bool)
    low = codes <= 0x3000
    space[low] = _WHITESPACE[codes[low]]
    return ~space & (batch.cls != PAD)


def without_some_stops(texts: list[str], labels: list[Labels | None], share: int
                       ) -> tuple[list[str], list[Labels | None]]:
    """The texts with the stops of one labelled end in ``share`` removed (:mod:`.augment`); 0: unchanged."""
    return _augmented(texts, labels, share, strip_stops)


def with_some_stray_quotes(texts: list[str], labels: list[Labels | None], share: int
                           ) -> tuple[list[str], list[Labels | None]]:
    """One text in ``share`` with a quote mark that never closes (:mod:`.augment`); 0: unchanged."""
    return _augmented(texts, labels, share, stray_quote)


def _augmented(texts, labels, share, change):
    if not share:
        return texts, labels
    out_texts, out_labels = [], []
    for text, lab in zip(texts, labels, strict=True):
        if lab is None:
            out_texts.append(text)
            out_labels.append(None)
            continue
        text, cuts, unsure = change(text, lab.cuts, lab.unsure, share)
        out_texts.append(text)
        out_labels.append(Labels(cuts, unsure))
    return out_texts, out_labels


def _chunks(texts: list[str]):
    lo, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= BATCH_CHARS:
            yield lo, i + 1
            lo, size = i + 1, 0
    if lo < len(texts):
        yield lo, len(texts)


def training_docs(corpora: Path) -> list[Doc]:
    """The ``train`` documents, each kind up to its budget, in file order."""
    used = dict.fromkeys(BUDGET, 0)
    out = []
    for doc in documents(corpora):
        if doc.part == "train" and used[doc.kind] < BUDGET[doc.kind]:
            out.append(doc)
            used[doc.kind] += len(doc.text)
    return out


def silver(docs: list[Doc], per_teacher: dict[str, list], referee: list[set[int]] | None = None
           ) -> list[Labels | None]:
    """The cuts every teacher makes; where only some cut, no label. None where a teacher changed the text.

    With a ``referee`` (the rule splitter's cuts), a place the two teachers
    disagree on takes the referee's side: two votes of three. Where two comments
    were joined into one document, the joint is a true end: a cut if any teacher
    cuts there, unlabelled if none does (a comment may end without a sentence
    ending, ``최고의 영화``), never a "no cut".
    """
    out: list[Labels | None] = []
    for i, (doc, *cut_lists) in enumerate(zip(docs, *(per_teacher[t] for t in TEACHERS), strict=True)):
        if any(c is None for c in cut_lists):
            out.append(None)
            continue
        sets = [set(c) for c in cut_lists]
        every, some, joints = set.intersection(*sets), set.union(*sets), set(doc.joints)
        disputed = some - every
        if referee is not None:
            every |= disputed & referee[i]
            disputed = set()
        cuts = every | (joints & some)
        out.append(Labels(cuts, (disputed - cuts) | (joints - some)))
    return out


def referee_cuts(texts: list[str]) -> list[set[int]]:
    """The rule splitter's cuts (with its MeCab check), the tie-break between the teachers."""
    from korpus.cleaners.split import get_splitter

    split = get_splitter("rules-mecab")
    return [set(non_space_ends(split(text))) for text in texts]


def gold_examples(gold_dir: Path) -> tuple[list[str], list[Labels | None]]:
    """The first half of every gold document, labelled by hand."""
    texts, labels = [], []
    for path in sorted(gold_dir.glob("*.txt")):
        for doc in halves(load_gold(path), "tune"):
            texts.append("".join(doc))
            labels.append(Labels(set(non_space_ends(doc))))
    return texts, labels


def build_examples(corpora: Path, cache: Path, log=sys.stderr) -> Examples:
    t0 = time.perf_counter()
    docs = training_docs(corpora)
    texts = [d.text for d in docs]
    t1 = time.perf_counter()
    per_teacher = teacher_cuts(texts, cache)
    t2 = time.perf_counter()
    print(f"teachers: {len(texts):,} documents, {sum(map(len, texts)):,} chars, {t2 - t1:.1f}s "
          f"(reading them {t1 - t0:.1f}s)", file=log)
    ex = Examples()
    labels = silver(docs, per_teacher, referee_cuts(texts) if REFEREE else None)
    ex.add(*with_some_stray_quotes(*without_some_stops(texts, labels, STRIP_SHARE), QUOTE_SHARE), 1.0)
    gold_texts, gold_labels = gold_examples(corpora / "sentence-gold")
    ex.add(gold_texts, gold_labels, GOLD_WEIGHT)
    print(f"referee and features: {time.perf_counter() - t2:.1f}s", file=log)
    return ex


def fit(ex: Examples, c: float = C) -> np.ndarray:
    """Float16 weights of an L2 logistic regression on the examples."""
    index, label, weight = ex.arrays()
    return fit_logistic(index, label, weight, BUCKETS, c=c).astype(np.float16)


def save(weights: np.ndarray, path: Path) -> None:
    buf = io.BytesIO()
    np.save(buf, weights, allow_pickle=False)
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.getvalue())


def write_manifest(model: Path, ex: Examples) -> None:
    """``model.json`` beside the model: what it was built from, to tell whether a rebuild can match it."""
    index, label, weight = ex.arrays()
    digest = hashlib.sha256()
    for array in (index, label, weight):
        digest.update(np.ascontiguousarray(array).tobytes())
    manifest = {
        "model_sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
        "examples_sha256": digest.hexdigest(),
        "examples": len(label), "cuts": int(label.sum()),
        "budget_chars": BUDGET, "gold_weight": GOLD_WEIGHT, "strip_share": STRIP_SHARE,
        "quote_share": QUOTE_SHARE, "C": C, "buckets": BUCKETS,
        "versions": versions((*TEACHER_PACKAGES, "numpy")),
    }
    write_text_atomic(model.with_suffix(".json"), json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=CORPORA, help="the shared corpora folder")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where the teachers' cuts are cached")
    ap.add_argument("--out", type=Path, default=MODEL_FILE, help="the model file to write")
    args = ap.parse_args(argv)
    if not (args.corpora / "sentence-gold").is_dir():
        sys.exit(f"{args.corpora}: no sentence-gold folder; point --corpora at ../shared/corpora")
    ex = build_examples(args.corpora, args.cache)
    _, label, weight = ex.arrays()
    t0 = time.perf_counter()
    weights = fit(ex)
    save(weights, args.out)
    write_manifest(args.out, ex)
    print(f"{len(label):,} labelled candidates ({int(label.sum()):,} cuts); fit {time.perf_counter() - t0:.1f}s; "
          f"wrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
