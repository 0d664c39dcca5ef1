"""TFRecord framing, CRC32C and the tf.train.Example encoder against protobuf."""

from __future__ import annotations

import numpy as np
import pytest
from test_pretrain_fixtures import (
    crc32c_masked,
    example_class,
    parse_with_protobuf,
    read_tfrecord_raw,
)

from korpus.core.errors import InputError
from korpus.pretrain.example import (
    decode_example,
    encode_example,
    encode_examples,
    packed_varints,
    varint,
)
from korpus.pretrain.tfrecord import (
    TFRecordWriter,
    count_records,
    crc32c,
    frame,
    masked_crc32c,
    read_records,
)

# --- CRC32C -----------------------------------------------------------------------------


def test_crc32c_standard_check_value():
    # The CRC-32C (Castagnoli) check value of "123456789" (RFC 3720 / iSCSI).
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0
    assert crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720 B.4: 32 bytes of zeros


def test_masked_crc_is_tensorflows_rotation_plus_constant():
    crc = 0xE3069283
    want = ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF
    assert masked_crc32c(b"123456789") == want
    assert masked_crc32c(b"abc") == crc32c_masked(b"abc")


# --- framing ----------------------------------------------------------------------------


def test_frame_layout():
    framed = frame(b"hello")
    assert framed[:8] == (5).to_bytes(8, "little")
    assert framed[8:12] == masked_crc32c(framed[:8]).to_bytes(4, "little")
    assert framed[12:17] == b"hello"
    assert framed[17:] == masked_crc32c(b"hello").to_bytes(4, "little")
    assert len(frame(b"")) == 16


def test_writer_and_readers_round_trip(tmp_path):
    items = [b"", b"a", bytes(range(256)) * 40, "한국어".encode()]
    path = tmp_path / "x.tfrecord"
    with TFRecordWriter(path) as writer:
        writer.write_many(items)
    assert writer.count == 4 and writer.bytes == path.stat().st_size
    assert list(read_records(path)) == items
    assert read_tfrecord_raw(path) == items
    assert count_records(path) == 4


def test_writer_is_atomic(tmp_path):
    path = tmp_path / "x.tfrecord"
    with pytest.raises(RuntimeError), TFRecordWriter(path) as writer:
        writer.write(b"partial")
        raise RuntimeError("killed")
    assert not path.exists() and not list(tmp_path.iterdir())


def test_reader_names_file_and_offset_of_a_bad_crc(tmp_path):
    path = tmp_path / "x.tfrecord"
    path.write_bytes(frame(b"first") + frame(b"second"))
    raw = bytearray(path.read_bytes())
    raw[len(frame(b"first")) + 12] ^= 0xFF  # corrupt the second record's data
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError) as err:
        list(read_records(path))
    assert err.value.offset == len(frame(b"first"))
    assert "x.tfrecord" in str(err.value) and "CRC" in str(err.value)


def test_reader_reports_truncation(tmp_path):
    path = tmp_path / "x.tfrecord"
    path.write_bytes(frame(b"whole") + frame(b"cut off")[:-3])
    with pytest.raises(InputError, match="truncated"):
        list(read_records(path))
    with pytest.raises(InputError, match="truncated"):
        count_records(path)


# --- Example encoding ---------------------------------------------------------------------


def _protobuf_bytes(features: dict) -> bytes:
    msg = example_class()()
    for name, values in features.items():
        values = np.asarray(values)
        target = msg.features.feature[name]
        if np.issubdtype(values.dtype, np.floating):
            target.float_list.value.extend(values.astype(np.float32).tolist())
        else:
            target.int64_list.value.extend(int(v) for v in values)
    return msg.SerializeToString(deterministic=True)


def test_encoder_matches_protobuf_on_bert_features():
    rng = np.random.default_rng(0)
    n = 40
    features = {
        "input_ids": rng.integers(0, 20000, (n, 128)),
        "input_mask": rng.integers(0, 2, (n, 128)),
        "segment_ids": rng.integers(0, 2, (n, 128)),
        "masked_lm_positions": rng.integers(0, 128, (n, 20)),
        "masked_lm_ids": rng.integers(0, 20000, (n, 20)),
        "masked_lm_weights": rng.integers(0, 2, (n, 20)).astype(np.float32),
        "next_sentence_labels": rng.integers(0, 2, (n, 1)),
    }
    ours = encode_examples(features)
    for i in range(n):
        assert ours[i] == _protobuf_bytes({k: v[i] for k, v in features.items()})


@pytest.mark.parametrize("values", [
    [0], [127, 128, 16383, 16384, 2**21, 2**35, 2**63 - 1], [-1, -2**63, -300, 5],
])
def test_encoder_matches_protobuf_on_varint_edges(values):
    features = {"b": values, "a_float": [0.0, -1.5, 3.25e-8, float("inf")], "z": [1]}
    assert encode_example(features) == _protobuf_bytes(features)


def test_encoder_matches_protobuf_with_empty_lists_and_unicode_keys():
    features = {"empty": np.zeros(0, dtype=np.int64), "길이": [3, 4], "fl": np.zeros(0, np.float32)}
    assert encode_example(features) == _protobuf_bytes(features)


def test_varint_and_packed_varints_agree():
    values = np.array([[0, 1, 127, 128, 300, 2**40, -1, 2**63 - 1]])
    data, lengths = packed_varints(values)
    assert data == b"".join(varint(int(v)) for v in values[0])
    assert lengths.tolist() == [len(data)]


def test_decoder_reads_what_protobuf_writes():
    features = {"ids": [5, 300, 2**40], "w": [1.0, 0.5], "neg": [-7]}
    decoded = decode_example(_protobuf_bytes(features))
    assert decoded["ids"][0] == "int64" and decoded["ids"][1].tolist() == [5, 300, 2**40]
    assert decoded["w"][0] == "float" and decoded["w"][1].tolist() == [1.0, 0.5]
    assert decoded["neg"][1].tolist() == [-7]
    assert parse_with_protobuf(encode_example(features)) == {
        "ids": ("int64_list", [5, 300, 2**40]), "w": ("float_list", [1.0, 0.5]),
        "neg": ("int64_list", [-7])}


def test_decoder_rejects_garbage():
    with pytest.raises(ValueError):
        decode_example(b"\x0a\x05\x0a\x03")
