"""The evaluation index cached between builds: reused while its inputs are the same, rebuilt otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from korpus.dedup.config import DecontamSet
from korpus.dedup.evalcache import cached_index, index_key
from korpus.dedup.evalindex import EvalIndex, MatchOptions
from korpus.dedup.evalsets import read_eval_set

LINES = "이 영화 정말 재미있게 봤어요 배우들 연기가 최고\n스토리가 너무 지루해서 중간에 잠들었습니다\n"


@pytest.fixture
def evalfile(tmp_path, monkeypatch):
    monkeypatch.setenv("KORPUS_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "eval.txt"
    path.write_text(LINES, encoding="utf-8")
    return path


def builder(sets, calls):
    def build():
        calls.append(1)
        return EvalIndex([read_eval_set(s.name, s.path, s.text_field, s.encoding) for s in sets])
    return build


def test_second_use_loads_the_cached_index(evalfile):
    sets, calls = [DecontamSet("nsmc", str(evalfile))], []
    first = cached_index(sets, builder(sets, calls))
    second = cached_index(sets, builder(sets, calls))
    assert calls == [1]
    assert second.loaded_from is not None and second.loaded_from.is_file()
    assert second.texts == first.texts
    for name in EvalIndex.ARRAYS:
        assert np.array_equal(getattr(second, name), getattr(first, name)), name


def test_changed_bytes_name_or_field_make_a_new_key(evalfile):
    sets = [DecontamSet("nsmc", str(evalfile))]
    key = index_key(sets, MatchOptions())
    assert index_key([DecontamSet("other", str(evalfile))], MatchOptions()) != key
    assert index_key([DecontamSet("nsmc", str(evalfile), text_field="document")], MatchOptions()) != key
    assert index_key(sets, MatchOptions(ngram=5)) != key
    evalfile.write_text(LINES + "새로 들어온 리뷰 한 줄입니다 재미있네요\n", encoding="utf-8")
    assert index_key(sets, MatchOptions()) != key
    calls = []
    index = cached_index(sets, builder(sets, calls))
    assert calls == [1] and len(index.texts) == 3


def test_missing_file_has_no_key_and_the_reader_reports_it(evalfile, tmp_path):
    from korpus.core.errors import InputError

    sets = [DecontamSet("nsmc", str(tmp_path / "nope.txt"))]
    assert index_key(sets, MatchOptions()) is None
    with pytest.raises(InputError, match="nope.txt"):
        cached_index(sets, builder(sets, []))


def test_off_damaged_or_unwritable_cache_still_gives_the_index(evalfile, tmp_path, monkeypatch):
    sets, calls = [DecontamSet("nsmc", str(evalfile))], []
    monkeypatch.setenv("KORPUS_CACHE_DIR", "off")
    cached_index(sets, builder(sets, calls))
    cached_index(sets, builder(sets, calls))
    assert calls == [1, 1]

    monkeypatch.setenv("KORPUS_CACHE_DIR", str(tmp_path / "cache"))
    cached_index(sets, builder(sets, calls))
    (saved,) = (tmp_path / "cache" / "evalindex").iterdir()
    saved.write_bytes(b"not an npz")
    assert len(cached_index(sets, builder(sets, calls)).texts) == 2 and calls == [1, 1, 1, 1]
    assert EvalIndex.load(saved).texts  # rebuilt over the damaged file
    saved.write_bytes(saved.read_bytes()[:200])  # cut short
    assert len(cached_index(sets, builder(sets, calls)).texts) == 2 and len(calls) == 5

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("KORPUS_CACHE_DIR", str(blocker / "cache"))  # a folder cannot be made under a file
    assert len(cached_index(sets, builder(sets, calls)).texts) == 2


def test_only_the_indexes_used_last_are_kept(evalfile, monkeypatch):
    import os

    from korpus.dedup import evalcache

    monkeypatch.setattr(evalcache, "KEEP", 3)
    sets, keys = [DecontamSet("nsmc", str(evalfile))], []
    for i in range(5):  # five versions of the file, each indexed once
        evalfile.write_text(LINES + f"{i}번째로 바뀐 평가 파일의 새 리뷰 한 줄\n", encoding="utf-8")
        keys.append(evalcache.index_key(sets, MatchOptions()))
        cached_index(sets, builder(sets, []))
        folder = evalfile.parent / "cache" / "evalindex"
        for age, key in enumerate(reversed(keys)):  # older versions further in the past
            if (folder / f"{key}.npz").exists():
                os.utime(folder / f"{key}.npz", (1e9 - age, 1e9 - age))
    assert sorted(p.stem for p in folder.iterdir()) == sorted(keys[-3:])


def test_the_contamination_command_uses_the_cache_and_says_the_same(evalfile, tmp_path):
    from conftest import run_korpus

    from korpus.core.parquet import write_records
    from korpus.core.schema import Record

    corpus = tmp_path / "c.parquet"
    write_records([Record(id="c/1", source="comments", text=LINES.splitlines()[0], sentences=[])], corpus)
    env = {"KORPUS_CACHE_DIR": str(tmp_path / "cli-cache")}
    runs = [run_korpus("contamination", str(corpus), "--against", f"nsmc={evalfile}", env=env, check=True)
            for _ in range(2)]
    assert len(list((tmp_path / "cli-cache" / "evalindex").glob("*.npz"))) == 1
    assert runs[0].stdout == runs[1].stdout and "nsmc" in runs[0].stdout


def test_a_cache_that_cannot_be_touched_still_serves(evalfile, monkeypatch):
    from korpus.dedup import evalcache

    sets, calls = [DecontamSet("nsmc", str(evalfile))], []
    cached_index(sets, builder(sets, calls))

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(evalcache.os, "utime", refuse)
    assert cached_index(sets, builder(sets, calls)).loaded_from is not None
    assert calls == [1]
