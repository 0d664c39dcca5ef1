"""The BERT vocabulary and a WordPiece tokenizer that behaves like google-research/bert's.

The tokenizer is HF ``tokenizers``' BERT pipeline (the same normaliser,
pre-tokeniser and WordPiece model that ``BertWordPieceTokenizer`` builds) with
``lowercase=False, strip_accents=False`` (``do_lower_case`` false, as for
KR-BERT) but *without* registering ``[CLS]``/``[SEP]``/... as added tokens:
google-research/bert's ``FullTokenizer`` splits a literal ``[SEP]`` in the
text into ``[``, ``SEP``, ``]``, so a document can never inject a separator.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from korpus.core.errors import InputError

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIALS = (PAD, UNK, CLS, SEP, MASK)
CONTINUATION = "##"
MAX_INPUT_CHARS_PER_WORD = 100  # google-research/bert's WordpieceTokenizer default


@dataclass(frozen=True)
class Vocab:
    """A BERT ``vocab.txt``: one token per line, line number = id."""

    path: Path
    tokens: tuple[str, ...]
    sha256: str
    index: dict[str, int] = field(repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.tokens)

    def id(self, token: str) -> int:
        return self.index[token]

    @property
    def unk_id(self) -> int:
        return self.id(UNK)

    @property
    def cls_id(self) -> int:
        return self.id(CLS)

    @property
    def sep_id(self) -> int:
        return self.id(SEP)

    @property
    def mask_id(self) -> int:
        return self.id(MASK)

    def continuation_mask(self) -> np.ndarray:
        """``mask[id]`` is True for ``##`` pieces (whole-word masking joins them)."""
        return np.array([t.startswith(CONTINUATION) for t in self.tokens], dtype=bool)

    def special_ids(self) -> dict[str, int]:
        return {tok: self.id(tok) for tok in SPECIALS}

    def ordinary_ids(self) -> tuple[int, ...]:
        """Ids of the tokens text can produce: not the specials nor other ``[bracketed]`` ones (``[unused1]``)."""
        return tuple(i for i, t in enumerate(self.tokens) if not (t.startswith("[") and t.endswith("]")))


def load_vocab(path: str | os.PathLike) -> Vocab:
    """Read and check a vocab.txt: specials present, ``[PAD]`` = 0, no duplicates."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read the vocabulary: {err.strerror or err}") from err
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(path, "vocabulary is not UTF-8", offset=err.start) from err
    tokens = [line.rstrip("\r") for line in text.split("\n")]
    if tokens and tokens[-1] == "":
        tokens.pop()  # the final newline
    seen: dict[str, int] = {}
    for lineno, tok in enumerate(tokens, start=1):
        if not tok.strip():
            raise InputError(path, "empty token", line=lineno)
        if tok != tok.strip():
            raise InputError(path, f"token {tok!r} has surrounding whitespace", line=lineno)
        if tok in seen:
            raise InputError(path, f"duplicate token {tok!r} (first on line {seen[tok]})",
                             line=lineno)
        seen[tok] = lineno
    missing = [tok for tok in SPECIALS if tok not in seen]
    if missing:
        raise InputError(path, f"vocabulary lacks {', '.join(missing)}")
    if seen[PAD] != 1:
        raise InputError(path, f"{PAD} must be id 0 (line 1); it is on line {seen[PAD]}",
                         line=seen[PAD])
    return Vocab(path=path, tokens=tuple(tokens), sha256=hashlib.sha256(raw).hexdigest(),
                 index={tok: line - 1 for tok, line in seen.items()})


def build_tokenizer(vocab: Vocab):
    """HF ``tokenizers`` BERT WordPiece pipeline, cased, no added special tokens."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordPiece

    model = WordPiece(
        dict(vocab.index),
        unk_token=UNK,
        max_input_chars_per_word=MAX_INPUT_CHARS_PER_WORD,
        continuing_subword_prefix=CONTINUATION,
    )
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return tokenizer


def encode_ids(tokenizer, sentences: list[str]) -> list[list[int]]:
    """Token ids of each sentence (no special tokens)."""
    # encode_batch_fast (tokenizers >= 0.20) skips the offsets we do not use.
    encode = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
    return [enc.ids for enc in encode(sentences, add_special_tokens=False)]
