"""Shared fixtures for the pretrain tests: a small corpus, a vocabulary made from its
characters, an independent TFRecord reader and ``tf.train.Example`` built with protobuf's
descriptor API (no TensorFlow)."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import google_crc32c

from korpus.core.parquet import write_records
from korpus.core.schema import Record

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SYLLABLES = list("가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주")
OUT_OF_VOCAB = "뷁"  # never in the vocabulary: becomes [UNK]
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def make_documents(n_docs: int = 60, seed: int = 7) -> list[list[str]]:
    """Documents of 1-12 sentences of 2-9 words of 1-4 syllables (with a rare [UNK])."""
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        sentences = []
        for _ in range(rng.randint(1, 12)):
            words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
                     for _ in range(rng.randint(2, 9))]
            if rng.random() < 0.05:
                words.append(OUT_OF_VOCAB)
            sentences.append(" ".join(words) + ".")
        docs.append(sentences)
    return docs


def write_corpus(path: Path, docs: list[list[str]], source: str = "test") -> Path:
    records = [Record(id=f"test/{i}", source=source, text=" ".join(s), sentences=s)
               for i, s in enumerate(docs)]
    write_records(records, path)
    return path


def write_vocab(path: Path, extra: list[str] = ()) -> Path:
    """[PAD] first; every syllable and '.' as a word start and as a ## piece."""
    pieces = SYLLABLES + ["."]
    tokens = SPECIALS + pieces + ["##" + p for p in pieces] + list(extra)
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


# --- an independent reader --------------------------------------------------------------


def crc32c_masked(data: bytes) -> int:
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_tfrecord_raw(path: Path) -> list[bytes]:
    """Parse the framing by hand and assert both CRCs of every record."""
    data = path.read_bytes()
    out, pos = [], 0
    while pos < len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        (length_crc,) = struct.unpack_from("<I", data, pos + 8)
        assert length_crc == crc32c_masked(data[pos:pos + 8]), f"length CRC at {pos}"
        payload = data[pos + 12:pos + 12 + length]
        (data_crc,) = struct.unpack_from("<I", data, pos + 12 + length)
        assert data_crc == crc32c_masked(payload), f"data CRC at {pos}"
        out.append(payload)
        pos += 12 + length + 4
    assert pos == len(data)
    return out


def example_class():
    """``tensorflow.Example`` built from descriptors (the proto of tensorflow/core/example)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    fdp = descriptor_pb2.FileDescriptorProto(
        name="korpus_test/example.proto", package="korpustest", syntax="proto3")
    F = descriptor_pb2.FieldDescriptorProto

    def message(name, fields):
        msg = fdp.message_type.add(name=name)
        for number, (fname, ftype, label, type_name) in enumerate(fields, start=1):
            f = msg.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = type_name
        return msg

    message("BytesList", [("value", F.TYPE_BYTES, F.LABEL_REPEATED, None)])
    message("FloatList", [("value", F.TYPE_FLOAT, F.LABEL_REPEATED, None)])
    message("Int64List", [("value", F.TYPE_INT64, F.LABEL_REPEATED, None)])
    feature = message("Feature", [
        ("bytes_list", F.TYPE_MESSAGE, F.LABEL_OPTIONAL, ".korpustest.BytesList"),
        ("float_list", F.TYPE_MESSAGE, F.LABEL_OPTIONAL, ".korpustest.FloatList"),
        ("int64_list", F.TYPE_MESSAGE, F.LABEL_OPTIONAL, ".korpustest.Int64List"),
    ])
    feature.oneof_decl.add(name="kind")
    for f in feature.field:
        f.oneof_index = 0
    features = message("Features", [
        ("feature", F.TYPE_MESSAGE, F.LABEL_REPEATED, ".korpustest.Features.FeatureEntry")])
    entry = features.nested_type.add(name="FeatureEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    entry.field.add(name="value", number=2, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".korpustest.Feature")
    message("Example", [("features", F.TYPE_MESSAGE, F.LABEL_OPTIONAL, ".korpustest.Features")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("korpustest.Example"))


def parse_with_protobuf(data: bytes) -> dict[str, tuple[str, list]]:
    msg = example_class()()
    msg.ParseFromString(data)
    out = {}
    for key, feature in msg.features.feature.items():
        kind = feature.WhichOneof("kind")
        out[key] = (kind, list(getattr(feature, kind).value))
    return out


def test_fixture_vocabulary_covers_the_corpus(tmp_path):
    vocab = write_vocab(tmp_path / "v.txt").read_text(encoding="utf-8").split("\n")
    assert vocab[0] == "[PAD]" and len(set(vocab[:-1])) == len(vocab) - 1
    chars = {c for doc in make_documents() for s in doc for c in s if c != " "}
    assert chars - set(vocab) == {OUT_OF_VOCAB}
