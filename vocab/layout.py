"""The output folder in KR-BERT-MEDIUM's layout.

``vocab.txt`` has one token a line in id order: ``[PAD]`` ``[UNK]`` ``[CLS]``
``[SEP]`` ``[MASK]`` first, no ``[unusedN]`` slots, exactly the requested
size. ``tokenizer.json`` (the whole pipeline, for ``tokenizers`` and
``transformers``' fast tokenizers) and ``tokenizer_config.json`` (cased) sit
beside it. Each file is written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Tokenizer

from korpus.core.errors import InputError, KorpusError
from korpus.core.io import atomic_path, write_text_atomic

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = SPECIALS
MODEL_MAX_LENGTH = 512  # KR-BERT-MEDIUM's max_position_embeddings
FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")


def tokens_by_id(tokenizer: Tokenizer) -> list[str]:
    """The vocabulary in id order; ids must run 0..n-1 without gaps."""
    by_id = sorted(tokenizer.get_vocab(with_added_tokens=True).items(), key=lambda kv: kv[1])
    tokens = [token for token, _ in by_id]
    if [i for _, i in by_id] != list(range(len(tokens))):
        raise KorpusError("trained vocabulary has gaps in its ids; cannot write vocab.txt")
    return tokens


def canonical_order(tokens: list[str], prefix: str = "##") -> list[str]:
    """Sort the ``##`` single characters; keep everything else in trainer order.

    The trainer lists those in the order its hash map yields them, which
    changes from run to run; sorted, a rerun on the same input gives the same
    vocab.txt except where merges tie in count.

    >>> canonical_order(["[PAD]", "a", "b", "##b", "##a", "ab", "##ba"])
    ['[PAD]', 'a', 'b', '##a', '##b', 'ab', '##ba']
    """
    def is_single(token: str) -> bool:
        return token.startswith(prefix) and len(token) == len(prefix) + 1

    singles = [i for i, t in enumerate(tokens) if is_single(t)]
    if not singles:
        return list(tokens)
    start, end = singles[0], singles[-1] + 1
    block = tokens[start:end]
    if len(block) != len(singles):  # not one block: leave the trainer's order alone
        return list(tokens)
    return tokens[:start] + sorted(block) + tokens[end:]


def check_layout(tokens: list[str], size: int) -> None:
    """Raise unless ``tokens`` is a vocab.txt KR-BERT-MEDIUM's loaders accept."""
    if tuple(tokens[: len(SPECIALS)]) != SPECIALS:
        raise KorpusError(f"vocabulary must start with {list(SPECIALS)}, got {tokens[:5]}")
    if len(tokens) != size:
        raise KorpusError(f"vocabulary has {len(tokens)} tokens, expected exactly {size}")
    if len(set(tokens)) != len(tokens):
        raise KorpusError("vocabulary has duplicate tokens")
    bad = [t for t in tokens if not t or t != t.strip() or "\n" in t or "\r" in t]
    if bad:
        raise KorpusError(f"vocabulary has tokens that cannot be one line of vocab.txt: {bad[:3]!r}")


def tokenizer_config(unit: str) -> dict:
    """transformers' settings: cased, no accent stripping, BERT's special tokens.

    ``BertTokenizer(Fast)`` rebuilds its normalizer from these flags and drops
    the NFKD of tokenizer.json, so a subchar folder names the generic fast
    class: ``AutoTokenizer`` then keeps tokenizer.json's pipeline as is.
    """
    return {
        "tokenizer_class": "BertTokenizer" if unit == "char" else "PreTrainedTokenizerFast",
        "do_lower_case": False,
        "strip_accents": False,
        "tokenize_chinese_chars": True,
        "do_basic_tokenize": True,
        "unk_token": UNK,
        "sep_token": SEP,
        "pad_token": PAD,
        "cls_token": CLS,
        "mask_token": MASK,
        "model_max_length": MODEL_MAX_LENGTH,
        "model_input_names": ["input_ids", "token_type_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        "korpus_unit": unit,
    }


def special_tokens_map() -> dict:
    return {"unk_token": UNK, "sep_token": SEP, "pad_token": PAD, "cls_token": CLS,
            "mask_token": MASK}


def write_folder(tokenizer: Tokenizer, tokens: list[str], out_dir: Path, unit: str) -> list[Path]:
    """Write the four files, each atomically (the caller writes report.json last)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(out_dir / "tokenizer.json") as tmp:
        tokenizer.save(str(tmp), pretty=False)
    write_text_atomic(out_dir / "vocab.txt", "".join(t + "\n" for t in tokens))
    write_text_atomic(out_dir / "tokenizer_config.json", _json(tokenizer_config(unit)))
    write_text_atomic(out_dir / "special_tokens_map.json", _json(special_tokens_map()))
    return [out_dir / name for name in FILES]


def read_vocab(path: str | Path) -> list[str]:
    """Tokens of a vocab.txt (one a line), for comparing vocabularies."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise InputError(str(path), "no such vocabulary file") from err
    except UnicodeDecodeError as err:
        raise InputError(str(path), "not UTF-8", offset=err.start) from err
    tokens = text.split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    tokens = [t.rstrip("\r") for t in tokens]
    if not tokens:
        raise InputError(str(path), "empty vocabulary file")
    return tokens


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
