"""Vectorised union-find against a plain breadth-first search."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from korpus.dedup import unionfind


def bfs_components(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    adj = defaultdict(set)
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    seen, comps = set(), set()
    for start in range(n):
        if start in seen:
            continue
        comp, todo = set(), [start]
        while todo:
            x = todo.pop()
            if x not in comp:
                comp.add(x)
                todo.extend(adj[x] - comp)
        seen |= comp
        comps.add(frozenset(comp))
    return comps


def forest_components(roots: np.ndarray) -> set[frozenset[int]]:
    groups = defaultdict(set)
    for i, r in enumerate(roots.tolist()):
        groups[r].add(i)
    return {frozenset(g) for g in groups.values()}


@given(st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30),
                         max_size=5))))
@settings(max_examples=100, deadline=None)
def test_components_match_bfs(case):
    n, batches = case
    parent = unionfind.new_forest(n)
    for batch in batches:
        if batch:
            u, v = np.array(batch).T
            unionfind.union(parent, u, v)
    roots = unionfind.roots(parent)
    assert forest_components(roots) == bfs_components(n, [e for b in batches for e in b])
    assert (parent <= np.arange(n)).all()


def test_long_chain_in_one_batch():
    n = 10_000
    parent = unionfind.new_forest(n)
    unionfind.union(parent, np.arange(1, n)[::-1], np.arange(n - 1)[::-1])
    assert (unionfind.roots(parent) == 0).all()


def test_dedup_doctests():
    import doctest
    import importlib

    for name in ("shingles", "minhash", "unionfind", "lsh", "keep", "keys", "near", "report"):
        module = importlib.import_module(f"korpus.dedup.{name}")
        result = doctest.testmod(module)
        assert result.failed == 0, name
