"""A tiny BertForPreTraining trained on our records: the masked-LM loss must fall.

Needs the ``torch`` extra (torch, transformers); skipped where they are absent.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from test_pretrain_fixtures import SYLLABLES, write_corpus, write_vocab

from korpus.pretrain.data import build_pretraining_data
from korpus.pretrain.example import decode_example
from korpus.pretrain.instances import InstanceParams
from korpus.pretrain.tfrecord import read_records

STEPS = 50
BATCH = 16


def phrase_documents(seed: int = 0) -> list[list[str]]:
    """Documents made of eight recurring sentences: a masked token is guessable from context."""
    rng = random.Random(seed)
    phrases = [" ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
                        for _ in range(rng.randint(3, 6))) + "." for _ in range(8)]
    return [[rng.choice(phrases) for _ in range(rng.randint(2, 8))] for _ in range(60)]


def load_records(out) -> dict[str, np.ndarray]:
    columns: dict[str, list] = {}
    for path in sorted((out / "records").glob("*.tfrecord")):
        for data in read_records(path):
            for name, (_kind, values) in decode_example(data).items():
                columns.setdefault(name, []).append(values)
    return {name: np.stack(values) for name, values in columns.items()}


@pytest.mark.torch
def test_tiny_bert_masked_lm_loss_falls(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    corpus = write_corpus(tmp_path / "c.parquet", phrase_documents())
    manifest = build_pretraining_data(corpus, write_vocab(tmp_path / "vocab.txt"),
                                      tmp_path / "out", params=InstanceParams(dupe_factor=5),
                                      shard_mb=1.0)
    data = load_records(tmp_path / "out")
    assert data["input_ids"].shape == (manifest["counts"]["instances"], 128)
    assert len(data["input_ids"]) >= STEPS * BATCH // 2

    torch.manual_seed(0)
    torch.set_num_threads(1)  # small matrices: more threads only contend
    config = transformers.BertConfig(
        vocab_size=manifest["vocab"]["size"], hidden_size=64, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=128, max_position_embeddings=128)
    model = transformers.BertForPreTraining(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = np.random.default_rng(0)
    losses = []
    model.train()
    for _ in range(STEPS):
        rows = rng.choice(len(data["input_ids"]), size=BATCH, replace=False)
        batch = {k: torch.as_tensor(v[rows]) for k, v in data.items()}
        out = model(input_ids=batch["input_ids"], attention_mask=batch["input_mask"],
                    token_type_ids=batch["segment_ids"])
        positions = batch["masked_lm_positions"]
        logits = torch.gather(out.prediction_logits, 1,
                              positions[..., None].expand(-1, -1, config.vocab_size))
        weights = batch["masked_lm_weights"]
        per_token = torch.nn.functional.cross_entropy(
            logits.reshape(-1, config.vocab_size), batch["masked_lm_ids"].reshape(-1),
            reduction="none")
        mlm = (per_token * weights.reshape(-1)).sum() / weights.sum()
        nsp = torch.nn.functional.cross_entropy(out.seq_relationship_logits,
                                                batch["next_sentence_labels"].reshape(-1))
        loss = mlm + nsp
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(mlm.item())
    start, end = np.mean(losses[:5]), np.mean(losses[-5:])
    with capsys.disabled():
        print(f"\nmasked-LM loss: first 5 steps {start:.3f}, last 5 steps {end:.3f}; "
              f"all: {' '.join(f'{x:.2f}' for x in losses)}")
    assert end < start - 0.5
