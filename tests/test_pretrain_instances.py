"""The create_pretraining_data algorithm: segment pairs, truncation, masking."""

from __future__ import annotations

import random

import numpy as np
import pytest

from korpus.pretrain.instances import (
    Document,
    InstanceBuffer,
    InstanceMaker,
    InstanceParams,
    TokenIds,
    feature_arrays,
    num_to_predict,
    truncate_seq_pair,
    truncation_counts,
)

CLS, SEP, MASK = 2, 3, 4
FIRST_TOKEN = 10  # ids below are specials


def unique_token_docs(n_docs: int, sentences: tuple[int, int], tokens: tuple[int, int],
                      seed: int = 0) -> tuple[list[Document], dict[int, tuple[int, int, int]]]:
    """Documents whose every token id is unique, with a map id -> (doc, sentence, offset)."""
    rng = random.Random(seed)
    docs, where, next_id = [], {}, FIRST_TOKEN
    for d in range(n_docs):
        bounds, flat = [0], []
        for s in range(rng.randint(*sentences)):
            for _ in range(rng.randint(*tokens)):
                where[next_id] = (d, s, len(flat))
                flat.append(next_id)
                next_id += 1
            bounds.append(len(flat))
        docs.append(Document(np.array(flat, dtype=np.int32), bounds, 0))
    return docs, where


def run(docs, params: InstanceParams, vocab_size: int, seed: int = 1, continuation=()):
    maker = InstanceMaker(params, TokenIds(CLS, SEP, MASK, vocab_size, tuple(continuation),
                                           ordinary=tuple(range(FIRST_TOKEN, vocab_size))))
    buffer = InstanceBuffer(params.max_seq_length, params.max_predictions_per_seq, vocab_size)
    order = maker.create_training_instances(list(docs), random.Random(seed),
                                            np.random.default_rng(seed), buffer)
    cols = buffer.columns()
    assert sorted(order) == list(range(len(cols["n_tokens"])))
    return cols, order


def originals(cols, i) -> np.ndarray:
    """The unmasked token ids of instance ``i``."""
    ids = cols["ids"][i, : cols["n_tokens"][i]].astype(np.int64)
    k = cols["n_pred"][i]
    ids[cols["positions"][i, :k]] = cols["labels"][i, :k]
    return ids


# --- truncation -------------------------------------------------------------------------


def upstream_truncation_split(la: int, lb: int, max_num_tokens: int) -> tuple[int, int]:
    """create_pretraining_data.truncate_seq_pair's choice of side, one token at a time."""
    cut_a = cut_b = 0
    while la + lb > max_num_tokens:
        if la > lb:
            la, cut_a = la - 1, cut_a + 1
        else:
            lb, cut_b = lb - 1, cut_b + 1
    return cut_a, cut_b


def test_truncation_split_equals_the_token_by_token_loop():
    for la in range(1, 60):
        for lb in range(1, 60):
            for m in (2, 7, 30, 61, 125):
                assert truncation_counts(la, lb, m) == upstream_truncation_split(la, lb, m)


def test_truncation_ends_are_random_and_ranges_stay_inside():
    rng = random.Random(3)
    fronts = []
    for _ in range(2000):
        a_lo, a_hi, b_lo, b_hi = truncate_seq_pair(100, 300, 1000, 1020, 125, rng)
        assert 100 <= a_lo < a_hi <= 300 and 1000 <= b_lo < b_hi <= 1020
        assert (a_hi - a_lo) + (b_hi - b_lo) == 125 and b_hi - b_lo == 20
        fronts.append(a_lo - 100)
    assert abs(np.mean(fronts) - 95 / 2) < 1.5  # 95 cuts from A, half from the front


def test_num_to_predict_rounds_like_python():
    n = np.arange(1, 700)
    for prob in (0.15, 0.1, 0.2):
        want = [min(20, max(1, int(round(x * prob)))) for x in n.tolist()]
        assert num_to_predict(n, prob, 20).tolist() == want


# --- segment pairs ----------------------------------------------------------------------


def test_segment_pairs_follow_the_documents():
    docs, where = unique_token_docs(30, (1, 15), (3, 30))
    params = InstanceParams(dupe_factor=3)
    cols, _ = run(docs, params, vocab_size=FIRST_TOKEN + len(where))
    assert len(cols["n_tokens"]) > 100
    for i in range(len(cols["n_tokens"])):
        ids = originals(cols, i)
        n, seg_a = len(ids), cols["segment_a"][i]
        assert n <= 128 and ids[0] == CLS and ids[seg_a - 1] == SEP and ids[-1] == SEP
        a, b = ids[1:seg_a - 1], ids[seg_a:-1]
        assert len(a) >= 1 and len(b) >= 1
        assert not np.isin(np.concatenate([a, b]), (CLS, SEP, MASK)).any()
        # Each segment is one contiguous run of one document.
        for seg in (a, b):
            assert np.all(np.diff(seg) == 1), "segment is not contiguous"
        doc_a, doc_b = where[int(a[0])][0], where[int(b[0])][0]
        if cols["random_next"][i]:
            assert doc_b != doc_a  # thirty documents: ten tries always find another
        else:
            assert doc_b == doc_a and b[0] > a[-1]
            # B starts at a sentence boundary unless its front was truncated.
        features = feature_arrays(cols, np.array([i]))
        assert features["segment_ids"][0, :n].tolist() == [0] * seg_a + [1] * (n - seg_a)
        assert features["input_mask"][0].sum() == n


def test_random_next_is_half_when_chunks_have_several_sentences():
    docs, where = unique_token_docs(40, (30, 40), (4, 8))  # many short sentences per chunk
    cols, _ = run(docs, InstanceParams(dupe_factor=10, short_seq_prob=0.0),
                  vocab_size=FIRST_TOKEN + len(where))
    share = cols["random_next"].mean()
    assert len(cols["random_next"]) > 1000 and 0.45 < share < 0.55


def test_short_seq_prob_makes_shorter_instances():
    docs, where = unique_token_docs(20, (20, 30), (5, 20))
    v = FIRST_TOKEN + len(where)
    long_ = run(docs, InstanceParams(dupe_factor=2, short_seq_prob=0.0), v)[0]["n_tokens"]
    short = run(docs, InstanceParams(dupe_factor=2, short_seq_prob=1.0), v)[0]["n_tokens"]
    assert long_.mean() > 110 and short.mean() < 0.8 * long_.mean()


def test_every_sentence_is_used_as_segment_a_material():
    docs, where = unique_token_docs(10, (5, 10), (10, 20))
    cols, _ = run(docs, InstanceParams(dupe_factor=1, short_seq_prob=0.0),
                  vocab_size=FIRST_TOKEN + len(where))
    first_sentences = set()
    for i in range(len(cols["n_tokens"])):
        ids = originals(cols, i)
        d, s, _ = where[int(ids[1])]
        first_sentences.add((d, s))
    assert all((d, 0) in first_sentences for d in range(10))


def test_one_document_shard_still_works():
    docs, where = unique_token_docs(1, (1, 1), (1, 1))  # one document, one token
    cols, _ = run(docs, InstanceParams(dupe_factor=4), vocab_size=FIRST_TOKEN + len(where))
    assert len(cols["n_tokens"]) == 4 and cols["random_next"].all()
    assert (cols["n_tokens"] == 5).all() and (cols["n_pred"] == 1).all()


# --- masking ----------------------------------------------------------------------------


def test_masking_properties_over_many_instances():
    docs, where = unique_token_docs(60, (2, 20), (3, 40), seed=5)
    vocab_size = FIRST_TOKEN + len(where)
    params = InstanceParams(dupe_factor=8)
    cols, _ = run(docs, params, vocab_size)
    outcome = {"mask": 0, "keep": 0, "random": 0}
    for i in range(len(cols["n_tokens"])):
        n, k = cols["n_tokens"][i], cols["n_pred"][i]
        positions = cols["positions"][i]
        assert 1 <= k <= 20 and k == num_to_predict(np.array([n]), 0.15, 20)[0]
        assert np.all(np.diff(positions[:k]) > 0) and np.all(positions[k:] == 0)
        assert np.all(cols["labels"][i, k:] == 0)
        orig = originals(cols, i)
        assert not np.isin(orig[positions[:k]], (CLS, SEP)).any()
        masked = cols["ids"][i, :n]
        others = np.setdiff1d(np.arange(n), positions[:k])
        assert np.array_equal(masked[others], orig[others])  # only predicted ones change
        for p in positions[:k]:
            if masked[p] == MASK:
                outcome["mask"] += 1
            elif masked[p] == orig[p]:
                outcome["keep"] += 1
            else:
                outcome["random"] += 1
                assert FIRST_TOKEN <= masked[p] < vocab_size  # an ordinary token, never a special
    total = sum(outcome.values())
    assert total > 20000
    assert abs(outcome["mask"] / total - 0.8) < 0.015
    assert abs(outcome["keep"] / total - 0.1) < 0.01
    assert abs(outcome["random"] / total - 0.1) < 0.01


def test_random_replacement_never_puts_a_special_token_mid_input():
    """A small vocabulary, a third of it specials and [unusedN]: random replacements are ordinary tokens."""
    rng = random.Random(4)
    vocab_size = FIRST_TOKEN + 20
    docs = [Document(np.array([rng.randrange(FIRST_TOKEN, vocab_size) for _ in range(200)], dtype=np.int32),
                     list(range(0, 201, 20)), 0) for _ in range(40)]
    cols, _ = run(docs, InstanceParams(dupe_factor=5), vocab_size)
    replaced = 0
    for i in range(len(cols["n_tokens"])):
        ids, orig = cols["ids"][i, :cols["n_tokens"][i]], originals(cols, i)
        assert ids[0] == CLS and (ids == CLS).sum() == 1 and (ids == SEP).sum() == 2 and ids[-1] == SEP
        changed = (ids != orig) & (ids != MASK)
        replaced += int(changed.sum())
        assert (ids[changed] >= FIRST_TOKEN).all()
    assert replaced > 500  # enough draws that a whole-vocabulary draw would have hit a special


def test_masked_positions_are_uniform_over_candidates():
    docs, where = unique_token_docs(30, (1, 12), (3, 40), seed=9)
    cols, _ = run(docs, InstanceParams(dupe_factor=40), vocab_size=FIRST_TOKEN + len(where))
    hits, expected = np.zeros(128), np.zeros(128)
    for i in range(len(cols["n_tokens"])):
        orig, k = originals(cols, i), cols["n_pred"][i]
        candidates = np.flatnonzero(~np.isin(orig, (CLS, SEP)))
        expected[candidates] += k / len(candidates)  # a uniform choice among candidates
        hits[cols["positions"][i, :k]] += 1
    assert hits[0] == 0
    busy = expected > 100
    assert busy.sum() > 100
    # Pearson statistic of hits against a uniform choice: about df when uniform
    # (a little less, the counts vary less than Poisson), far more when biased.
    stat = (((hits[busy] - expected[busy]) ** 2) / expected[busy]).sum()
    df = busy.sum()
    assert stat < df + 6 * np.sqrt(2 * df)


def test_whole_word_masking_masks_whole_words():
    # Odd ids are ## pieces: a word is an even id followed by odd ones.
    vocab_size = 4000
    continuation = [i >= FIRST_TOKEN and i % 2 == 1 for i in range(vocab_size)]
    rng = random.Random(11)
    docs = []
    for _ in range(40):
        flat, bounds = [], [0]
        for _ in range(rng.randint(2, 12)):
            for _ in range(rng.randint(2, 10)):
                flat.append(rng.randrange(FIRST_TOKEN, vocab_size, 2))
                flat.extend(rng.randrange(FIRST_TOKEN + 1, vocab_size, 2)
                            for _ in range(rng.randint(0, 3)))
            bounds.append(len(flat))
        docs.append(Document(np.array(flat, dtype=np.int32), bounds, 0))
    params = InstanceParams(dupe_factor=3, do_whole_word_mask=True)
    cols, _ = run(docs, params, vocab_size, continuation=continuation)
    partial_words = 0
    for i in range(len(cols["n_tokens"])):
        orig, k = originals(cols, i), cols["n_pred"][i]
        chosen = set(cols["positions"][i, :k].tolist())
        assert 1 <= k <= num_to_predict(np.array([len(orig)]), 0.15, 20)[0]
        words: list[list[int]] = []
        for p, tok in enumerate(orig.tolist()):
            if tok in (CLS, SEP):
                continue
            if words and continuation[tok]:
                words[-1].append(p)
            else:
                words.append([p])
        for word in words:
            inside = [p in chosen for p in word]
            partial_words += any(inside) and not all(inside)
    assert partial_words == 0


def test_same_seed_same_instances_and_another_seed_differs():
    docs, where = unique_token_docs(20, (1, 10), (2, 20))
    v = FIRST_TOKEN + len(where)
    first, order1 = run(docs, InstanceParams(dupe_factor=2), v, seed=4)
    second, order2 = run(docs, InstanceParams(dupe_factor=2), v, seed=4)
    other, _ = run(docs, InstanceParams(dupe_factor=2), v, seed=5)
    assert order1 == order2
    assert all(np.array_equal(first[k], second[k]) for k in first)
    assert not np.array_equal(first["ids"][: len(other["ids"])], other["ids"][: len(first["ids"])])


@pytest.mark.parametrize("bad", [
    {"max_seq_length": 4}, {"max_predictions_per_seq": 0}, {"masked_lm_prob": 0.0},
    {"short_seq_prob": 1.5}, {"dupe_factor": 0},
])
def test_bad_parameters_are_refused(bad):
    with pytest.raises(ValueError):
        InstanceParams(**bad).check()
