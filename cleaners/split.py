"""Sentence splitters by name: ours, kss's backends, and none.

Every splitter is a picklable callable ``text -> list[str]`` that loads what
it needs (kss, MeCab) in the process that first calls it.

- ``fast`` (default): the rule splitter (:mod:`korpus.cleaners.rule_splitter`) with a
  MeCab check on the words the rules cannot call (python-mecab-ko).
- ``rules``: the rule splitter alone; no dependency, fastest.
- ``kss-mecab``, ``kss-punct``, ``kss-fast``, ``kss-pecab``: kss 6's backends,
  one process each (``num_workers=1``).
- ``none``: the whole document as one unit.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from korpus.cleaners.rule_splitter import split_sentences

SPLITTERS: dict[str, str] = {
    "fast": "rules + a MeCab check on ambiguous endings (default; needs python-mecab-ko)",
    "rules": "rules only: punctuation, Korean final endings, quotes and brackets",
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


def get_splitter(name: str) -> Callable[[str], list[str]]:
    """A fresh splitter by name; a clear error for an unknown name or a missing backend.

    >>> get_splitter("rules")("하나. 둘.")
    ['하나.', '둘.']
    """
    from korpus.core.errors import ConfigError

    if name not in SPLITTERS:
        raise ConfigError(f"unknown splitter '{name}' (known: {', '.join(SPLITTERS)})")
    if name == "none":
        return split_none
    if name == "rules":
        return RuleSplitter(morphology=False)
    needs = {"fast": "mecab", "kss-mecab": "mecab", "kss-pecab": "pecab"}.get(name)
    if needs and importlib.util.find_spec(needs) is None:
        package = "python-mecab-ko" if needs == "mecab" else needs
        raise ConfigError(f"splitter '{name}' needs {package} (pip install {package}); "
                          f"or use --splitter rules")
    if name.startswith("kss-") and importlib.util.find_spec("kss") is None:
        raise ConfigError(f"splitter '{name}' needs kss (pip install kss)")
    if name == "fast":
        return RuleSplitter(morphology=True)
    return KssSplitter(name.removeprefix("kss-"))
