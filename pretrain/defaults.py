"""Default options of ``korpus pretrain data|launch`` besides KR-BERT's own settings
(:mod:`korpus.pretrain.krbert`); shared by the library and the CLI (no heavy imports here)."""

# Sentence text per shard: 8 MB at dupe factor 10 holds about 330 MB of instances per worker.
SHARD_MB = 8.0

ZONE = "europe-west4-a"  # a zone with v3-8 TPU VMs
TPU = "v3-8"  # KR-BERT-MEDIUM's hardware
RUNTIME_VERSION = "tpu-vm-tf-2.16.1-se"
RUN_NAME = "krbert-medium"
STEPS_PER_EPOCH = 100_000  # a checkpoint each
MAX_UNK_RATE = 0.02  # the [UNK] check fails above this share
CHECK_SAMPLE = 256  # records decoded per sampled file by the local checks
