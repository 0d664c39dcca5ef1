"""Default options, shared by the library and the CLI (no heavy imports here)."""

SIZE = 20_000
MIN_FREQUENCY = 2
LIMIT_ALPHABET = 5_000  # KR-BERT-MEDIUM's vocab.txt holds exactly 5,000 single characters
# Text fed to the trainer at most; bounds its memory. Measured (docs/performance.md):
# 100 MB fed -> 1.1 GB peak RSS, 300 MB -> 1.7 GB, whatever the corpus size.
MAX_SAMPLE_MB = 300
HELDOUT = 0.01
HELDOUT_SENTENCES = 10_000
