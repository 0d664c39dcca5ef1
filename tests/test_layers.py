"""The layers: every import runs down, never up (README, "Layers").

kernel (korpus.core) < stages (crawlers, cleaners, dedup, corpus_stats, vocab, pretrain)
< build (korpus.build) < CLI (korpus.cli). Read from the source with ``ast``, so an import
inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import REPO

STAGES = ("crawlers", "cleaners", "dedup", "corpus_stats", "vocab", "pretrain")
RANK = {"core": 0, **dict.fromkeys(STAGES, 1), "build": 2, "cli": 3}
PLAIN_MODULES = {"korpus": "core", "korpus.__main__": "cli"}


def layer_of(module: str) -> str | None:
    """``korpus.dedup.near`` -> ``dedup``; ``korpus.core.io`` -> ``core``; not ours -> None.

    >>> layer_of("korpus.build.engines.ray"), layer_of("korpus.vocab"), layer_of("numpy")
    ('build', 'vocab', None)
    """
    if module in PLAIN_MODULES:
        return PLAIN_MODULES[module]
    parts = module.split(".")
    if parts[0] != "korpus":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def source_files() -> dict[str, Path]:
    """Module name -> file, for every module of the package as its folders hold it (not via links)."""
    files: dict[str, Path] = {}
    for folder, prefix in [(REPO / "korpus", "korpus"), *((REPO / s, f"korpus.{s}") for s in STAGES)]:
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("").parts
            if folder.name == "korpus" and rel[0] in STAGES:
                continue  # the links into the stage folders, read below from the folders themselves
            files[".".join((prefix, *rel)).removesuffix(".__init__") or prefix] = path
    return files


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import statement, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.append((node.lineno, base))
    return found


def violations(graph: dict[str, list[tuple[int, str]]]) -> list[str]:
    """Imports that run up the layers, or that name a stage without the ``korpus.`` prefix.

    >>> violations({"korpus.core.io": [(3, "korpus.build.run")], "korpus.vocab.x": [(1, "korpus.core.io")]})
    ['korpus.core.io line 3: core imports build (korpus.build.run)']
    >>> violations({"korpus.cli.main": [(9, "dedup.near")]})
    ['korpus.cli.main line 9: plain stage import dedup.near (use korpus.dedup)']
    """
    bad = []
    for module, imports in sorted(graph.items()):
        here = layer_of(module)
        for line, target in imports:
            if target.split(".")[0] in STAGES:
                bad.append(f"{module} line {line}: plain stage import {target} (use korpus.{target.split('.')[0]})")
                continue
            there = layer_of(target)
            if there is not None and RANK[there] > RANK[here]:
                bad.append(f"{module} line {line}: {here} imports {there} ({target})")
    return bad


def folder_cycles(graph: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """Cycles in the graph of layer folders (an edge for any import between two of them).

    >>> folder_cycles({"korpus.vocab.a": [(1, "korpus.dedup.b")], "korpus.dedup.b": [(2, "korpus.vocab.a")]})
    [['dedup', 'vocab', 'dedup']]
    """
    edges: dict[str, set[str]] = {}
    for module, imports in graph.items():
        for _, target in imports:
            a, b = layer_of(module), layer_of(target)
            if b is not None and a != b:
                edges.setdefault(a, set()).add(b)
    cycles, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        for nxt in sorted(edges.get(node, ())):
            visit(nxt, path + [node])
        done.add(node)

    for start in sorted(edges):
        visit(start, [])
    return cycles


@pytest.fixture(scope="module")
def graph() -> dict[str, list[tuple[int, str]]]:
    return {module: imports_of(path, module) for module, path in source_files().items()}


def test_every_layer_is_read(graph):
    layers = {layer_of(m) for m in graph}
    assert layers == set(RANK), layers
    assert len(graph) > 120  # the whole package (140 modules at the layering), not a handful


def test_no_import_runs_up_the_layers(graph):
    assert violations(graph) == []


def test_no_import_cycle_between_folders(graph):
    assert folder_cycles(graph) == []


def test_kernel_imports_only_the_kernel(graph):
    kernel = {m: imps for m, imps in graph.items() if layer_of(m) == "core"}
    assert kernel, "no kernel modules found"
    reached = {layer_of(t) for imps in kernel.values() for _, t in imps} - {None}
    assert reached <= {"core"}, reached


def test_stage_links_point_at_the_stage_folders():
    for stage in STAGES:
        link = REPO / "korpus" / stage
        assert link.is_symlink() and link.resolve() == (REPO / stage).resolve(), link


def test_the_checker_sees_a_function_level_import(tmp_path):
    """An upward import hidden inside a function is still found."""
    path = tmp_path / "mod.py"
    path.write_text("def f():\n    from korpus.cli.main import app\n    return app\n", encoding="utf-8")
    found = imports_of(path, "korpus.core.mod")
    assert violations({"korpus.core.mod": found}) == ["korpus.core.mod line 2: core imports cli (korpus.cli.main)"]


def test_no_stale_module_names_in_code():
    """Modules that moved in the layering are not named by their old paths anywhere in the code."""
    old = re.compile(r"\bkorpus\.(schema|errors|stats|steps|io|config|tasks|write|runner|sample|engines)\b")
    files = [*source_files().values(), *(REPO / "tests").glob("*.py"), *(REPO / "bench").glob("*.py")]
    hits = [f"{p.relative_to(REPO)}:{n}" for p in files if p.name != "test_layers.py"
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if old.search(line)]
    assert hits == []


def test_doctests():
    import doctest
    import sys

    result = doctest.testmod(sys.modules[__name__])
    assert result.failed == 0 and result.attempted >= 4
