"""KR-BERT-MEDIUM's published model and training settings, and what we had to assume.

Published (snunlp/KR-BERT-MEDIUM): BERT-base (12 layers, hidden 768, 12 heads,
intermediate 3072, max positions 512, 2 segment types), a 20,000-token cased
WordPiece vocabulary, 2,000,000 steps of batch 64 at maxlen 128 and learning
rate 1e-4, 22 hours on a TPU v3-8, trained with google-research/bert.

Not published: the data-generation flags and the warmup. Where they are
needed we use google-research/bert's defaults and say so in the manifest.
"""

from __future__ import annotations

# BERT-base as in KR-BERT-MEDIUM's bert_config; vocab_size comes from the vocabulary.
BERT_CONFIG = {
    "attention_probs_dropout_prob": 0.1,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 768,
    "initializer_range": 0.02,
    "intermediate_size": 3072,
    "max_position_embeddings": 512,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "type_vocab_size": 2,
}

TRAIN_STEPS = 2_000_000
TRAIN_BATCH_SIZE = 64
MAX_SEQ_LENGTH = 128
LEARNING_RATE = 1e-4
WARMUP_STEPS = 10_000  # assumption: google-research/bert's run_pretraining default
MAX_PREDICTIONS_PER_SEQ = 20  # assumption: upstream's value for maxlen 128
DUPE_FACTOR = 10  # assumption: upstream create_pretraining_data default
MASKED_LM_PROB = 0.15
SHORT_SEQ_PROB = 0.1
RANDOM_SEED = 12345  # upstream create_pretraining_data default

PUBLISHED = {
    "architecture": "BERT-base (12 layers, hidden 768, 12 heads)",
    "vocab_size": 20000,
    "do_lower_case": False,
    "max_seq_length": MAX_SEQ_LENGTH,
    "train_batch_size": TRAIN_BATCH_SIZE,
    "learning_rate": LEARNING_RATE,
    "num_train_steps": TRAIN_STEPS,
    "hardware": "TPU v3-8, about 22 hours",
    "source": "snunlp/KR-BERT-MEDIUM (README and bert_config_v20K.json)",
}

ASSUMPTIONS = {
    "dupe_factor": "not published; google-research/bert's create_pretraining_data default (10)",
    "max_predictions_per_seq": "not published; upstream's recommended value for "
                               "max_seq_length 128 (20, about 15% of 128)",
    "masked_lm_prob": "not published; upstream default (0.15)",
    "short_seq_prob": "not published; upstream default (0.1)",
    "warmup_steps": "not published; upstream run_pretraining default (10,000)",
    "random_seed": "not published; upstream default (12345)",
    "do_whole_word_mask": "not published; off (the original 2018 algorithm)",
    "random_next_pool": "random 'next' segments come from documents of the same shard, as "
                        "when create_pretraining_data.py is run once per input shard",
    "optimizer": "AdamW with linear decay to 0 (Model Garden's 'adamw', as upstream's "
                 "AdamWeightDecayOptimizer)",
}


def bert_config(vocab_size: int) -> dict:
    """KR-BERT-MEDIUM's bert_config.json for a vocabulary of ``vocab_size`` tokens.

    >>> bert_config(20000)["hidden_size"], bert_config(123)["vocab_size"]
    (768, 123)
    """
    return {**BERT_CONFIG, "vocab_size": vocab_size}
