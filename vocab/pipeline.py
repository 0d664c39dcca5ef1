"""The BERT tokenizer pipeline around a WordPiece model, for either unit."""

from __future__ import annotations

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

from korpus.vocab.layout import CLS, SEP, SPECIALS, UNK
from korpus.vocab.units import normalizer

PREFIX = "##"
MAX_CHARS_PER_WORD = 100  # BERT's limit: longer words become [UNK]


def bert_tokenizer(unit: str, vocab: dict[str, int] | None = None) -> Tokenizer:
    """Normalizer for ``unit``, BERT pre-tokenisation (whitespace and punctuation), ``##`` decoding.

    Without ``vocab`` the model is empty, ready for a trainer.
    """
    model = models.WordPiece(vocab or {}, unk_token=UNK, continuing_subword_prefix=PREFIX,
                             max_input_chars_per_word=MAX_CHARS_PER_WORD)
    tokenizer = Tokenizer(model)
    tokenizer.normalizer = normalizer(unit)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix=PREFIX)
    return tokenizer


def finished_tokenizer(unit: str, tokens: list[str]) -> Tokenizer:
    """The full pipeline over ``tokens`` (ids in list order), specials marked as special."""
    tokenizer = bert_tokenizer(unit, {token: i for i, token in enumerate(tokens)})
    tokenizer.add_special_tokens(list(SPECIALS))
    add_bert_template(tokenizer)
    return tokenizer


def add_bert_template(tokenizer: Tokenizer) -> None:
    """``[CLS] A [SEP]`` and ``[CLS] A [SEP] B [SEP]`` with segment ids 0 and 1."""
    cls_id, sep_id = tokenizer.token_to_id(CLS), tokenizer.token_to_id(SEP)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{CLS} $A {SEP}",
        pair=f"{CLS} $A {SEP} $B:1 {SEP}:1",
        special_tokens=[(CLS, cls_id), (SEP, sep_id)],
    )
