"""Signatures, shingles and bands against datasketch itself."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from datasketch.hashfunc import sha1_hash32
from hypothesis import given, settings
from hypothesis import strategies as st

from korpus.dedup.lsh import bucket_edges, lsh_params
from korpus.dedup.minhash import (
    band_keys,
    estimated_jaccard,
    permutations,
    signatures,
    signatures_from_hashes,
)
from korpus.dedup.shingles import batch_hashes, char_ngrams, shingle_hash

TEXTS = [
    "오늘 날씨가 정말 좋네요. 산책 가고 싶다",
    "오늘날씨가 정말좋네요.산책 가고싶다",
    "굳 ㅋ",
    "",
    "   \n\t ",
    "ÉCOLE Straße İstanbul 대한민국",  # case folding that changes length
    "가" * 3000,  # one document longer than a work chunk
    "짧",
    "abcde",
]


def datasketch_signature(text: str, n: int, num_perm: int, seed: int, hashfunc=shingle_hash) -> np.ndarray:
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=hashfunc)
    m.update_batch(char_ngrams(text, n))
    return m.hashvalues


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 42)])
def test_signatures_bit_identical_to_datasketch(n, num_perm, seed):
    sigs = signatures(TEXTS, n, num_perm, seed)
    assert sigs.dtype == np.uint32 and sigs.shape == (len(TEXTS), num_perm)
    for text, sig in zip(TEXTS, sigs, strict=True):
        assert np.array_equal(sig, datasketch_signature(text, n, num_perm, seed))


def test_permutations_are_datasketchs():
    for num_perm, seed in ((128, 1), (256, 7)):
        a, b = MinHash(num_perm=num_perm, seed=seed).permutations
        perms = permutations(num_perm, seed)
        assert np.array_equal(perms.a, a) and np.array_equal(perms.b, b)


def test_same_as_datasketch_default_sha1_hash():
    """The permutation part alone, with datasketch's own default hash function."""
    texts = TEXTS[:3] + TEXTS[5:6]
    grams = [[g.encode("utf-8") for g in char_ngrams(t, 4)] for t in texts]
    hashes = np.array([sha1_hash32(g) for gs in grams for g in gs], dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum([len(gs) for gs in grams])))
    sigs = signatures_from_hashes(hashes, offsets, permutations(128, 1))
    for gs, sig in zip(grams, sigs, strict=True):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch(gs)
        assert np.array_equal(sig, m.hashvalues)


def test_signatures_usable_in_datasketch_lsh():
    """Our signatures go straight into MinHashLSH, and its buckets match our band keys."""
    texts = ["서울시는 내일부터 대중교통 요금을 인상한다고 밝혔다",
             "서울시는 내일부터 대중교통 요금을 인상한다고 밝혔다 ㅋ",
             "전혀 다른 내용의 문서입니다 여기에는 아무것도 없어요"]
    sigs = signatures(texts, 3, 128, 1)
    b, r = lsh_params(0.5, 128)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    perms = permutations(128, 1)
    sketches = [MinHash(seed=1, hashvalues=s, permutations=np.array([perms.a, perms.b]), scheme="affine32")
                for s in sigs]
    for i, m in enumerate(sketches):
        lsh.insert(i, m)
    keys = band_keys(sigs, b, r)
    for i, m in enumerate(sketches):
        shares_band = {j for j in range(len(texts)) if (keys[j] == keys[i]).any()}
        assert set(lsh.query(m)) == shares_band
    assert 1 in lsh.query(sketches[0]) and 2 not in lsh.query(sketches[0])
    assert estimated_jaccard(sigs[0], sigs[1]) == pytest.approx(sketches[0].jaccard(sketches[1]))


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \n\u3000가나다"),
                        max_size=40), max_size=12),
       st.integers(min_value=1, max_value=6))
@settings(max_examples=150, deadline=None)
def test_batch_hashes_equal_one_by_one(texts, n):
    hashes, offsets = batch_hashes(texts, n)
    assert len(offsets) == len(texts) + 1
    for i, text in enumerate(texts):
        assert hashes[offsets[i]:offsets[i + 1]].tolist() == [shingle_hash(g) for g in char_ngrams(text, n)]


def test_spacing_variant_has_the_same_signature():
    a, b = signatures(["아버지가 방에 들어가신다", "아버지가방에 들어 가신다"], 5)
    assert np.array_equal(a, b)


def test_empty_document_has_empty_signature():
    assert (signatures(["", "  "], 5) == 0xFFFFFFFF).all()


def test_lsh_params_are_datasketchs():
    for threshold in (0.5, 0.7, 0.9):
        lsh = MinHashLSH(threshold=threshold, num_perm=128)
        assert lsh_params(threshold, 128) == (lsh.b, lsh.r)
    assert lsh_params(0.7, 128) == (14, 9)


def test_band_keys_equal_iff_band_values_equal():
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, size=(50, 20), dtype=np.uint32)
    sigs[1, :10] = sigs[0, :10]  # shares band 0 (rows 0-4) and band 1 (5-9)
    keys = band_keys(sigs, 4, 5)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] == keys[1, 1]
    assert keys[0, 2] != keys[1, 2]
    with pytest.raises(ValueError):
        band_keys(sigs, 5, 5)


def test_bucket_edges_join_each_bucket():
    docs = np.array([10, 11, 12, 13, 14, 15])
    keys = np.array([7, 8, 7, 9, 7, 8], dtype=np.uint64)
    u, v = bucket_edges(docs, keys)
    buckets = {}
    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        buckets.setdefault(b, set()).add(a)
    groups = sorted(sorted(members | {anchor}) for anchor, members in buckets.items())
    assert groups == [[10, 12, 14], [11, 15]]
    assert len(bucket_edges(np.array([], dtype=np.int64), np.array([], dtype=np.uint64))[0]) == 0
