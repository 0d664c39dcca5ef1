"""A morphological check for words the rules cannot call: is the last morpheme a final ending?

Runs MeCab (python-mecab-ko with its bundled mecab-ko-dic) on a two-word
window, the candidate word and the next word, and applies kss's test: the
word ends in a final ending (EF), or in a nominal ending (ETN, not 기), and
the next word does not begin with a connective ending, a particle or an
auxiliary. Only ambiguous words reach it (a small share of the text), so the
splitter keeps most of the speed of the rules.

The tagger loads on first use in each process and is not pickled.
"""

from __future__ import annotations

# A next word that begins with one of these carries the clause on (kss's 예외 2).
_CONTINUING = ("EC", "J", "VX", "VCP", "XS", "EP", "EF", "ETM", "ETN")


class MecabUnavailable(RuntimeError):
    pass


class MecabResolver:
    """``resolver(word, next_text) -> bool``, picklable; the tagger is per process."""

    def __init__(self, cache_size: int = 65536) -> None:
        self.cache_size = cache_size
        self._tagger = None
        self._lattice = None
        self._cache: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def __getstate__(self) -> dict:
        return {"cache_size": self.cache_size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def clear_cache(self) -> None:
        self._cache.clear()

    def __call__(self, word: str, next_text: str) -> bool:
        nxt = next_text.split()[0] if next_text.split() else ""
        return _decide(self.tags(word, nxt), len(word))

    def tags(self, word: str, nxt: str) -> list[tuple[str, str]]:
        """(surface, POS) pairs of ``word + " " + nxt``, cached per window."""
        key = (word, nxt)
        tags = self._cache.get(key)
        if tags is None:
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            tags = self._cache[key] = self._parse(f"{word} {nxt}" if nxt else word)
        return tags

    def _parse(self, window: str) -> list[tuple[str, str]]:
        if self._tagger is None:
            self._load()
        self._lattice.set_sentence(window)
        if not self._tagger.parse(self._lattice):
            return []
        out = []
        for line in self._lattice.to_string().split("\n"):
            surface, _, feature = line.partition("\t")
            if feature:
                out.append((surface, feature.split(",", 1)[0]))
        return out

    def _load(self) -> None:
        try:
            import _mecab
            import mecab
        except ImportError as err:
            raise MecabUnavailable(
                "the default splitter needs python-mecab-ko (pip install python-mecab-ko); "
                "or choose --splitter rules"
            ) from err
        self._tagger = mecab.MeCab()._tagger
        self._lattice = _mecab.Lattice()
        self._lattice.add_request_type(_mecab.MECAB_ALLOCATE_SENTENCE)


def _decide(tags: list[tuple[str, str]], word_len: int) -> bool:
    """Final when the word's last morpheme is EF (or ETN but not 기) and the next word starts a clause.

    >>> _decide([("해", "VV+EC"), ("줬", "VX+EP"), ("어", "EF"), ("이제", "MAG")], 3)
    True
    >>> _decide([("먹", "VV"), ("어", "EC"), ("보", "VX"), ("니", "EC")], 2)
    False
    >>> _decide([("있", "VA"), ("다", "EF"), ("보", "VX"), ("니", "EC")], 2)
    False
    """
    n = 0
    last = None
    for i, (surface, _) in enumerate(tags):
        n += len(surface)
        if n >= word_len:
            last = i
            break
    if last is None or n != word_len:
        return False
    surface, pos = tags[last]
    end = pos.split("+")[-1]
    if not (end == "EF" or (end == "ETN" and surface[-1:] not in ("기", "길"))):
        return False
    if last + 1 < len(tags):
        first_next = tags[last + 1][1].split("+")[0]
        if first_next.startswith(_CONTINUING):
            return False
    return True
