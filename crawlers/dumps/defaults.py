"""Defaults of the dump downloads, shared by the library and the CLI (no heavy imports here)."""

WIKI_MIRROR = "https://dumps.wikimedia.org"
KCBERT_BASE = "https://github.com/Beomi/KcBERT/releases/download/TrainData_v1"
RETRY_ATTEMPTS = 6  # failed tries in a row (without new bytes) before giving up
RETRY_BACKOFF = 2.0  # first back-off wait in seconds, doubling
