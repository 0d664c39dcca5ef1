"""Silver labels: where kss-mecab and Kiwi cut a text, as non-space offsets.

Both teachers run in worker processes; their cuts are cached under a work
folder, keyed by the texts and the teachers' versions, so retraining does not
split the same text twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

from korpus.core.io import write_text_atomic

TEACHERS = ("kss-mecab", "kiwi")
TEACHER_PACKAGES = ("kss", "python-mecab-ko", "python-mecab-ko-dic", "kiwipiepy", "kiwipiepy_model")


def non_space_ends(sentences: list[str]) -> list[int]:
    """Non-space offsets where the sentences end, without the text's end.

    >>> non_space_ends(["가 나.", " 다", "라 "])
    [3, 4]
    """
    out, n = [], 0
    for sentence in sentences:
        n += len("".join(sentence.split()))
        out.append(n)
    return sorted(set(out[:-1]) - {n})


def _splitter(name: str) -> Callable[[str], list[str]]:
    if name == "kiwi":
        from kiwipiepy import Kiwi

        kiwi = Kiwi(num_workers=-1)
        return lambda text: [s.text for s in kiwi.split_into_sents(text)]
    import kss

    return lambda text: kss.split_sentences(text, backend="mecab", num_workers=1)


def _run(args: tuple[str, list[str]]) -> list[list[int] | None]:
    name, texts = args
    split = _splitter(name)
    out: list[list[int] | None] = []
    for text in texts:
        sentences = split(text) if text.strip() else []
        same = "".join("".join(sentences).split()) == "".join(text.split())
        out.append(non_space_ends(sentences) if same else None)  # None: the teacher changed the text
    return out


def versions(packages: tuple[str, ...] = TEACHER_PACKAGES) -> dict[str, str]:
    """The installed version of each package (the teachers' by default)."""
    return {p: version(p) for p in packages}


def teacher_cuts(texts: list[str], cache: Path, workers: int = 2) -> dict[str, list[list[int] | None]]:
    """Each teacher's cuts of each text (None where it changed the text's characters)."""
    key = hashlib.sha256(json.dumps([versions(), texts], ensure_ascii=False).encode()).hexdigest()[:16]
    path = cache / f"teachers-{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    chunk = max(1, len(texts) // (4 * workers) + 1)
    jobs = [(name, texts[i:i + chunk]) for name in TEACHERS for i in range(0, len(texts), chunk)]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_run, jobs))
    out: dict[str, list] = {name: [] for name in TEACHERS}
    for (name, _), cuts in zip(jobs, results, strict=True):
        out[name].extend(cuts)
    cache.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(out))
    return out
