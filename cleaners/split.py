"""Sentence splitters by name: ours, Kiwi, kss's backends, and none.

Every splitter is a picklable callable ``text -> list[str]`` that loads what
it needs (a model, kss, MeCab, Kiwi) in the process that first calls it; use
:func:`split_many` to split many texts (a batch at a time where the splitter can).

- ``fast`` (default): the learned splitter (:mod:`korpus.cleaners.boundary`),
  candidates from a scan, decisions from a small shipped model; numpy only.
- ``rules``: the rule splitter alone (:mod:`korpus.cleaners.rule_splitter`).
- ``rules-mecab``: the rule splitter with a MeCab check on ambiguous endings
  (the default before the learned splitter).
- ``kiwi``: kiwipiepy's ``split_into_sents`` (``pip install 'korpus[kiwi]'``).
- ``kss-mecab``, ``kss-punct``, ``kss-fast``, ``kss-pecab``: kss 6's backends,
  one process each (``num_workers=1``).
- ``none``: the whole document as one unit.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable

from korpus.cleaners.rule_splitter import split_sentences

SPLITTERS: dict[str, str] = {
    "fast": "learned boundary model over a fast scan (default; numpy only)",
    "rules": "rules only: punctuation, Korean final endings, quotes and brackets",
    "rules-mecab": "rules + a MeCab check on ambiguous endings (needs python-mecab-ko)",
    "kiwi": "kiwipiepy's split_into_sents (pip install 'korpus[kiwi]')",
    "kss-mecab": "kss 6, mecab backend (the reference; slow)",
    "kss-punct": "kss 6, punct backend",
    "kss-fast": "kss 6, fast backend (splits inside words)",
    "kss-pecab": "kss 6, pecab backend (very slow)",
    "none": "the whole document as one unit",
}


class RuleSplitter:
    """The rule splitter, with the MeCab check when ``morphology`` is on.

    >>> RuleSplitter(morphology=False)("좋았다. 또 가자")
    ['좋았다.', '또 가자']
    """

    def __init__(self, morphology: bool = True):
        self.morphology = morphology
        self.resolver = None
        if morphology:
            from korpus.cleaners.mecab_check import MecabResolver

            self.resolver = MecabResolver()

    def __call__(self, text: str) -> list[str]:
        return split_sentences(text, self.resolver)


class KiwiSplitter:
    """Kiwi's ``split_into_sents``, one thread, the model loaded on first use."""

    def __init__(self):
        self._kiwi = None

    def __getstate__(self):
        return {"_kiwi": None}

    def __call__(self, text: str) -> list[str]:
        if not text.strip():
            return []
        if self._kiwi is None:
            from kiwipiepy import Kiwi

            self._kiwi = Kiwi(num_workers=-1)
        return [s.text.strip() for s in self._kiwi.split_into_sents(text) if s.text.strip()]


class KssSplitter:
    """kss's ``split_sentences`` with one backend, in this process only."""

    def __init__(self, backend: str):
        self.backend = backend

    def __call__(self, text: str) -> list[str]:
        if not text.strip():
            return []
        import kss

        return kss.split_sentences(text, backend=self.backend, num_workers=1)


def split_none(text: str) -> list[str]:
    """The whole document as one unit (comments).

    >>> split_none(" 댓글 하나 ")
    ['댓글 하나']
    >>> split_none("  ")
    []
    """
    text = text.strip()
    return [text] if text else []


def split_many(split: Callable[[str], list[str]], texts: Iterable[str]) -> Iterable[list[str]]:
    """The sentences of each text, in order: in batches where ``split`` has ``iter_split``."""
    batched = getattr(split, "iter_split", None)
    return batched(texts) if batched is not None else map(split, texts)


def get_splitter(name: str) -> Callable[[str], list[str]]:
    """A fresh splitter by name; a clear error for an unknown name or a missing backend.

    >>> get_splitter("rules")("하나. 둘.")
    ['하나.', '둘.']
    """
    from korpus.core.errors import ConfigError, did_you_mean

    if name not in SPLITTERS:
        raise ConfigError(f"unknown splitter '{name}' (known: {', '.join(SPLITTERS)})"
                          f"{did_you_mean(name, SPLITTERS)}")
    if name == "none":
        return split_none
    if name == "fast":
        from korpus.cleaners.boundary.splitter import BoundarySplitter

        return BoundarySplitter()
    if name == "rules":
        return RuleSplitter(morphology=False)
    needs = {"rules-mecab": "mecab", "kss-mecab": "mecab", "kss-pecab": "pecab", "kiwi": "kiwipiepy"}.get(name)
    if needs and importlib.util.find_spec(needs) is None:
        package = {"mecab": "python-mecab-ko", "kiwipiepy": "'korpus[kiwi]'"}.get(needs, needs)
        raise ConfigError(f"splitter '{name}' needs {needs} (pip install {package}); "
                          f"or use --splitter fast")
    if name.startswith("kss-") and importlib.util.find_spec("kss") is None:
        raise ConfigError(f"splitter '{name}' needs kss (pip install kss)")
    if name == "rules-mecab":
        return RuleSplitter(morphology=True)
    if name == "kiwi":
        return KiwiSplitter()
    return KssSplitter(name.removeprefix("kss-"))
