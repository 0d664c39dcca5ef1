"""google-research/bert's ``create_pretraining_data.py`` algorithm on token ids.

The same steps as the original: documents are shuffled; for each of
``dupe_factor`` passes every document is cut into chunks of whole sentences up
to a target length (a random shorter one with ``short_seq_prob``); each chunk
becomes a segment pair A/B where B is the actual continuation or, half the time
(always for one-sentence chunks), text from a random other document, whose
unused sentences are "put back"; the pair is truncated one token at a time from
the longer side, at a random end; then ``round(15%)`` of the tokens (at most
``max_predictions_per_seq``, never ``[CLS]``/``[SEP]``) are chosen uniformly for
prediction (whole words with whole-word masking) and replaced 80% by
``[MASK]``, 10% kept, 10% by a uniformly random ordinary token (upstream draws
from the whole vocabulary, so a ``[SEP]`` or ``[CLS]`` could land mid-input;
here never a special or other ``[bracketed]`` token). Finally all
instances of the shard are shuffled.

What differs is how, not what:

* a document is one flat id array with sentence offsets, so segments are
  slices rather than lists of token strings;
* masking runs on blocks of 4096 instances with numpy (random sort keys pick
  the positions; one uniform draw per position picks mask/keep/random) instead
  of a Python shuffle per instance, which was 60% of the run time;
* truncation draws how many of a side's removed tokens come off the front as
  one binomial(n, 1/2) count instead of n coin flips (same distribution).

The segment decisions use a ``random.Random``, the masking a numpy
``Generator``, both seeded from the shard seed, so a shard is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from korpus.pretrain import krbert


@dataclass(frozen=True)
class InstanceParams:
    """The data-generation flags of create_pretraining_data.py."""

    max_seq_length: int = krbert.MAX_SEQ_LENGTH
    max_predictions_per_seq: int = krbert.MAX_PREDICTIONS_PER_SEQ
    masked_lm_prob: float = krbert.MASKED_LM_PROB
    short_seq_prob: float = krbert.SHORT_SEQ_PROB
    dupe_factor: int = krbert.DUPE_FACTOR
    do_whole_word_mask: bool = False

    def check(self) -> None:
        if self.max_seq_length < 5:
            raise ValueError("max_seq_length must be at least 5 ([CLS] a [SEP] b [SEP])")
        if not 1 <= self.max_predictions_per_seq <= self.max_seq_length:
            raise ValueError("max_predictions_per_seq must be between 1 and max_seq_length")
        if not 0.0 < self.masked_lm_prob < 1.0:
            raise ValueError("masked_lm_prob must be in (0, 1)")
        if not 0.0 <= self.short_seq_prob <= 1.0:
            raise ValueError("short_seq_prob must be in [0, 1]")
        if self.dupe_factor < 1:
            raise ValueError("dupe_factor must be at least 1")


@dataclass(frozen=True)
class TokenIds:
    """The vocabulary facts the algorithm needs."""

    cls: int
    sep: int
    mask: int
    vocab_size: int
    continuation: tuple[bool, ...] = ()  # per id: is a ``##`` piece (whole-word masking)
    ordinary: tuple[int, ...] = ()  # the ids a random replacement draws from: no [CLS], [SEP], [PAD]...


class Document(NamedTuple):
    """Token ids of a document's sentences, flat, with ``bounds[j]:bounds[j+1]`` per sentence."""

    ids: np.ndarray
    bounds: list[int]
    source: int  # index into the shard's source names, for per-source counts


class InstanceBuffer:
    """Instances stored column-wise in blocks of 4096 (about 350 bytes per instance).

    ``add_pair`` writes the unmasked ``[CLS] A [SEP] B [SEP]`` row; ``blocks``
    lets the masker work on whole blocks in place.
    """

    BLOCK = 4096

    def __init__(self, max_seq_length: int, max_predictions: int, vocab_size: int):
        self.length = max_seq_length
        self.predictions = max_predictions
        self.id_dtype = np.uint16 if vocab_size <= np.iinfo(np.uint16).max + 1 else np.int32
        self.blocks: list[dict[str, np.ndarray]] = []
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def _new_block(self) -> dict[str, np.ndarray]:
        b, L, P = self.BLOCK, self.length, self.predictions
        return {
            "ids": np.zeros((b, L), dtype=self.id_dtype),
            "n_tokens": np.zeros(b, dtype=np.int32),
            "segment_a": np.zeros(b, dtype=np.int32),
            "positions": np.zeros((b, P), dtype=np.int32),
            "labels": np.zeros((b, P), dtype=self.id_dtype),
            "n_pred": np.zeros(b, dtype=np.int32),
            "random_next": np.zeros(b, dtype=np.int8),
            "source": np.zeros(b, dtype=np.int32),
        }

    def block_rows(self, index: int) -> int:
        """How many rows of block ``index`` are filled."""
        return min(self.BLOCK, self._n - index * self.BLOCK)

    def add_pair(self, a: np.ndarray, b: np.ndarray, cls: int, sep: int, random_next: bool,
                 source: int) -> None:
        row = self._n % self.BLOCK
        if row == 0:
            self.blocks.append(self._new_block())
        block = self.blocks[-1]
        la, lb = len(a), len(b)
        ids = block["ids"][row]
        ids[0] = cls
        ids[1:1 + la] = a
        ids[1 + la] = sep
        ids[2 + la:2 + la + lb] = b
        ids[2 + la + lb] = sep
        block["n_tokens"][row] = la + lb + 3
        block["segment_a"][row] = la + 2
        block["random_next"][row] = random_next
        block["source"][row] = source
        self._n += 1

    def columns(self) -> dict[str, np.ndarray]:
        """All instances as whole arrays (the blocks are released)."""
        if not self.blocks:
            return {k: v[:0] for k, v in self._new_block().items()}
        out = {}
        for name in list(self.blocks[0]):
            out[name] = np.concatenate([b.pop(name) for b in self.blocks])[: self._n]
        self.blocks = []
        return out


def feature_arrays(cols: dict[str, np.ndarray], rows: np.ndarray) -> dict[str, np.ndarray]:
    """The BERT record features of ``rows``, each ``(len(rows), width)``, padded with 0."""
    n_tokens = cols["n_tokens"][rows, None]
    n_pred = cols["n_pred"][rows, None]
    pos = np.arange(cols["ids"].shape[1])
    pred = np.arange(cols["positions"].shape[1])
    real = pos < n_tokens
    return {
        "input_ids": cols["ids"][rows].astype(np.int64),
        "input_mask": real.astype(np.int64),
        "segment_ids": (real & (pos >= cols["segment_a"][rows, None])).astype(np.int64),
        "masked_lm_positions": cols["positions"][rows].astype(np.int64),
        "masked_lm_ids": cols["labels"][rows].astype(np.int64),
        "masked_lm_weights": (pred < n_pred).astype(np.float32),
        "next_sentence_labels": cols["random_next"][rows, None].astype(np.int64),
    }


def num_to_predict(n_tokens: np.ndarray, masked_lm_prob: float, max_predictions: int) -> np.ndarray:
    """``min(max_predictions, max(1, round(n * prob)))`` per row (round half to even, as Python).

    >>> num_to_predict(np.array([5, 10, 128, 300]), 0.15, 20).tolist()
    [1, 2, 19, 20]
    """
    rounded = np.rint(n_tokens.astype(np.float64) * masked_lm_prob).astype(np.int64)
    return np.minimum(max_predictions, np.maximum(1, rounded))


class InstanceMaker:
    """Turns documents into masked segment-pair instances; one per shard."""

    def __init__(self, params: InstanceParams, token_ids: TokenIds):
        params.check()
        if params.do_whole_word_mask and len(token_ids.continuation) != token_ids.vocab_size:
            raise ValueError("whole-word masking needs the continuation flag of every id")
        specials = {token_ids.cls, token_ids.sep, token_ids.mask}
        if not token_ids.ordinary or specials & set(token_ids.ordinary):
            raise ValueError("random replacement needs the ordinary token ids, without [CLS], [SEP], [MASK]")
        self.p = params
        self.t = token_ids
        self.ordinary = np.asarray(token_ids.ordinary, dtype=np.int64)

    def create_training_instances(self, docs: list[Document], rng: random.Random,
                                  gen: np.random.Generator, out: InstanceBuffer) -> list[int]:
        """Fill ``out`` from ``docs`` (shuffled in place); return the shuffled write order."""
        rng.shuffle(docs)
        for _ in range(self.p.dupe_factor):
            for index in range(len(docs)):
                self.instances_from_document(docs, index, rng, out)
        for index, block in enumerate(out.blocks):
            self.mask_block(block, out.block_rows(index), gen)
        order = list(range(len(out)))
        rng.shuffle(order)
        return order

    def instances_from_document(self, docs: list[Document], doc_index: int,
                                rng: random.Random, out: InstanceBuffer) -> None:
        ids, bounds, source = docs[doc_index]
        n_sentences = len(bounds) - 1
        max_num_tokens = self.p.max_seq_length - 3  # [CLS], [SEP], [SEP]
        target = max_num_tokens
        if rng.random() < self.p.short_seq_prob:
            target = rng.randint(2, max_num_tokens)

        chunk_start = chunk_n = current_length = 0
        i = 0
        while i < n_sentences:
            if chunk_n == 0:
                chunk_start = i
            chunk_n += 1
            current_length += bounds[i + 1] - bounds[i]
            if i == n_sentences - 1 or current_length >= target:
                a_end = rng.randint(1, chunk_n - 1) if chunk_n >= 2 else 1
                a_lo, a_hi = bounds[chunk_start], bounds[chunk_start + a_end]
                if chunk_n == 1 or rng.random() < 0.5:
                    random_next = True
                    b_ids, b_lo, b_hi = self._random_next(docs, doc_index, target - (a_hi - a_lo),
                                                          rng)
                    i -= chunk_n - a_end  # put the unused sentences back
                else:
                    random_next = False
                    b_ids, b_lo, b_hi = ids, a_hi, bounds[chunk_start + chunk_n]
                a_lo, a_hi, b_lo, b_hi = truncate_seq_pair(a_lo, a_hi, b_lo, b_hi,
                                                           max_num_tokens, rng)
                out.add_pair(ids[a_lo:a_hi], b_ids[b_lo:b_hi], self.t.cls, self.t.sep,
                             random_next, source)
                chunk_n = current_length = 0
            i += 1

    @staticmethod
    def _random_next(docs: list[Document], doc_index: int, target_b_length: int,
                     rng: random.Random) -> tuple[np.ndarray, int, int]:
        # Ten tries for a different document: on a one-document shard it may be the same one.
        for _ in range(10):
            random_index = rng.randint(0, len(docs) - 1)
            if random_index != doc_index:
                break
        r_ids, r_bounds, _ = docs[random_index]
        start = rng.randint(0, len(r_bounds) - 2)
        lo = hi = r_bounds[start]
        for j in range(start, len(r_bounds) - 1):
            hi = r_bounds[j + 1]
            if hi - lo >= target_b_length:
                break
        return r_ids, lo, hi

    # --- masking ------------------------------------------------------------

    def mask_block(self, block: dict[str, np.ndarray], n: int, gen: np.random.Generator) -> None:
        """Choose, record and replace the predicted tokens of the first ``n`` rows in place."""
        if n == 0:
            return
        ids = block["ids"][:n]
        length, P = ids.shape[1], block["positions"].shape[1]
        n_tokens = block["n_tokens"][:n]
        candidate = ((np.arange(length) < n_tokens[:, None])
                     & (ids != self.t.cls) & (ids != self.t.sep))
        k = np.minimum(num_to_predict(n_tokens, self.p.masked_lm_prob, P), candidate.sum(axis=1))
        keys = gen.random((n, length))
        keys[~candidate] = 2.0  # never chosen
        if self.p.do_whole_word_mask:
            chosen = self._whole_word_choice(ids, candidate, keys, k, P)
        else:
            chosen = _smallest_keys(keys, P)  # a uniform random order of the candidates
            chosen[np.arange(P) >= k[:, None]] = length
        chosen.sort(axis=1)
        taken = chosen < length
        positions = np.where(taken, chosen, 0)
        rows = np.nonzero(taken)[0]
        cols = positions[taken]
        labels = np.zeros((n, P), dtype=ids.dtype)
        labels[taken] = ids[rows, cols]
        draw = gen.random((n, P))
        random_ids = self.ordinary[gen.integers(0, len(self.ordinary), size=(n, P))]
        replaced = np.where(draw < 0.8, self.t.mask, np.where(draw < 0.9, labels, random_ids))
        ids[rows, cols] = replaced[taken]
        block["positions"][:n] = positions
        block["labels"][:n] = labels
        block["n_pred"][:n] = taken.sum(axis=1)

    def _whole_word_choice(self, ids: np.ndarray, candidate: np.ndarray, keys: np.ndarray,
                           k: np.ndarray, P: int) -> np.ndarray:
        """Whole words in random order, skipping any that would overshoot the count (as upstream)."""
        cont = self.t.continuation
        length = ids.shape[1]
        chosen = np.full((len(ids), P), length, dtype=np.int64)
        for row in range(len(ids)):
            words: list[list[int]] = []
            row_ids = ids[row].tolist()
            for pos in np.flatnonzero(candidate[row]).tolist():
                # As upstream: a ## piece joins the previous candidate, even across [SEP].
                if words and cont[row_ids[pos]]:
                    words[-1].append(pos)
                else:
                    words.append([pos])
            starts = keys[row, [w[0] for w in words]]
            picked: list[int] = []
            want = int(k[row])
            for w in np.argsort(starts).tolist():
                if len(picked) >= want:
                    break
                if len(picked) + len(words[w]) <= want:
                    picked.extend(words[w])
            chosen[row, :len(picked)] = picked
        return chosen


def _smallest_keys(keys: np.ndarray, count: int) -> np.ndarray:
    """Column indexes of each row's ``count`` smallest keys, smallest first."""
    if count < keys.shape[1]:
        part = np.argpartition(keys, count - 1, axis=1)[:, :count]
    else:
        part = np.broadcast_to(np.arange(keys.shape[1]), keys.shape).copy()
    order = np.argsort(np.take_along_axis(keys, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1).astype(np.int64)


def truncation_counts(len_a: int, len_b: int, max_num_tokens: int) -> tuple[int, int]:
    """How many tokens upstream's loop removes from A and from B.

    It always trims the longer side, B on a tie, so the split is fixed; only
    the ends are random.

    >>> truncation_counts(100, 10, 50), truncation_counts(30, 30, 50), truncation_counts(3, 4, 9)
    ((60, 0), (5, 5), (0, 0))
    """
    excess = len_a + len_b - max_num_tokens
    if excess <= 0:
        return 0, 0
    from_a = min(excess, max(0, len_a - len_b))
    from_b = min(excess - from_a, max(0, len_b - len_a))
    rest = excess - from_a - from_b
    return from_a + rest // 2, from_b + rest - rest // 2


def truncate_seq_pair(a_lo: int, a_hi: int, b_lo: int, b_hi: int, max_num_tokens: int,
                      rng: random.Random) -> tuple[int, int, int, int]:
    """Shrink two ranges to ``max_num_tokens`` together as upstream's truncate_seq_pair.

    Each removed token comes off the front or the back with probability 1/2,
    so the front count is binomial(n, 1/2): one ``getrandbits(n)`` popcount.

    >>> truncate_seq_pair(0, 3, 10, 12, 5, random.Random(0))
    (0, 3, 10, 12)
    """
    cut_a, cut_b = truncation_counts(a_hi - a_lo, b_hi - b_lo, max_num_tokens)
    if cut_a:
        front = rng.getrandbits(cut_a).bit_count()
        a_lo, a_hi = a_lo + front, a_hi - (cut_a - front)
    if cut_b:
        front = rng.getrandbits(cut_b).bit_count()
        b_lo, b_hi = b_lo + front, b_hi - (cut_b - front)
    return a_lo, a_hi, b_lo, b_hi
