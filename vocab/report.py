"""What a trained vocabulary is made of and how well it covers held-out text."""

from __future__ import annotations

from tokenizers import Tokenizer

from korpus.vocab.layout import SPECIALS, UNK
from korpus.vocab.pipeline import PREFIX, bert_tokenizer
from korpus.vocab.units import detect_unit, is_conjoining_jamo, is_hangul_syllable


def _piece(token: str) -> str:
    return token[len(PREFIX):] if token.startswith(PREFIX) and token != PREFIX else token


def composition(tokens: list[str]) -> dict:
    """Counts over the non-special tokens: ``##`` pieces, single characters, Hangul shares.

    >>> c = composition(list(SPECIALS) + ["한", "##국", "ab", "\u1112"])
    >>> c["continuation_pieces"], c["hangul_syllable_share"], c["tokens_with_conjoining_jamo"]
    (1, 0.5, 1)
    """
    body = [t for t in tokens if t not in SPECIALS]
    pieces = [_piece(t) for t in body]
    n = max(len(body), 1)
    syllable_only = sum(1 for p in pieces if p and all(is_hangul_syllable(c) for c in p))
    jamo_only = sum(1 for p in pieces if p and all(is_conjoining_jamo(c) for c in p))
    return {
        "tokens": len(tokens),
        "continuation_pieces": sum(1 for t in body if t.startswith(PREFIX) and t != PREFIX),
        "single_characters": sum(1 for t in body if len(_piece(t)) == 1 and not t.startswith(PREFIX)),
        "hangul_syllable_share": round(syllable_only / n, 4),
        "hangul_syllables_distinct": len({c for p in pieces for c in p if is_hangul_syllable(c)}),
        "jamo_share": round(jamo_only / n, 4),
        "tokens_with_conjoining_jamo": sum(1 for p in pieces if any(is_conjoining_jamo(c) for c in p)),
    }


def evaluate(tokenizer: Tokenizer, sentences: list[str]) -> dict:
    """``[UNK]`` rate (of tokens, and of characters lost to ``[UNK]``) and tokens per word.

    Words are whitespace-separated (eojeol), as in KR-BERT's word counts.
    """
    unk_id = tokenizer.token_to_id(UNK)
    tokens = unk = unk_chars = 0
    for enc in tokenizer.encode_batch(sentences, add_special_tokens=False):
        tokens += len(enc.ids)
        for token_id, (start, end) in zip(enc.ids, enc.offsets, strict=True):
            if token_id == unk_id:
                unk += 1
                unk_chars += end - start
    words = sum(len(s.split()) for s in sentences)
    chars = sum(len(s) - s.count(" ") for s in sentences)
    return {
        "sentences": len(sentences),
        "words": words,
        "tokens": tokens,
        "unk_tokens": unk,
        "unk_rate": round(unk / tokens, 6) if tokens else None,
        "unk_char_rate": round(unk_chars / chars, 6) if chars else None,
        "tokens_per_word": round(tokens / words, 4) if words else None,
    }


def compare(tokens: list[str], other: list[str], heldout: list[str]) -> dict:
    """Overlap with another vocabulary, and that vocabulary on the same held-out slice."""
    ours, theirs = set(tokens), set(other)
    shared = ours & theirs
    result = {
        "other_tokens": len(other),
        "other_unit": detect_unit(other),
        "shared": len(shared),
        "share_of_ours": round(len(shared) / len(ours), 4),
        "share_of_other": round(len(shared) / len(theirs), 4),
        "jaccard": round(len(shared) / len(ours | theirs), 4),
        "other_composition": composition(other),
    }
    if UNK in theirs and heldout:
        vocab: dict[str, int] = {}
        for token in other:
            vocab.setdefault(token, len(vocab))
        result["other_heldout"] = evaluate(bert_tokenizer(result["other_unit"], vocab), heldout)
    return result


def summary_lines(report: dict) -> list[str]:
    """A few human lines for the CLI; report.json has everything."""
    comp, run = report["vocab"], report["input"]
    lines = [
        f"wrote {report['out']}: {comp['tokens']} tokens ({report['options']['unit']}), "
        f"{comp['continuation_pieces']} ## pieces, Hangul-syllable tokens {comp['hangul_syllable_share']:.1%}",
        f"trained on {run['sentences_trained']:,} sentences ({run['bytes_trained'] / 1e6:,.1f} MB, "
        f"sample {run['sample_fraction']:.4g}) in {report['seconds']['train']:.1f} s, "
        f"peak RSS {report['peak_rss_mb']:,.0f} MB",
    ]
    lines.append("held-out: " + _eval_line(report.get("heldout")))
    if "compare" in report:
        cmp = report["compare"]
        lines.append(f"vs {report['compare_path']}: {cmp['shared']:,} shared tokens "
                     f"({cmp['share_of_ours']:.1%} of ours, {cmp['share_of_other']:.1%} of theirs)")
        if "other_heldout" in cmp:
            lines.append("   its held-out: " + _eval_line(cmp["other_heldout"]))
    return lines


def _eval_line(ev: dict | None) -> str:
    if not ev or not ev["tokens"]:
        return "no held-out sentences (raise --heldout)"
    return (f"{ev['sentences']:,} sentences, [UNK] {ev['unk_rate']:.3%} of tokens "
            f"({ev['unk_char_rate']:.3%} of characters), {ev['tokens_per_word']:.3f} tokens/word")
