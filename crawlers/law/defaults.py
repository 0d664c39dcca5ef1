"""Defaults of a law.go.kr crawl, shared by the library, its Scrapy settings and the CLI (no heavy imports)."""

CONCURRENCY = 2  # requests in flight per domain: a government server
DELAY = 1.0  # minimum seconds between requests (AutoThrottle adapts above it)
TIMEOUT = 60.0  # seconds before a request times out (then it is retried)
RETRIES = 6  # retries per request for 404/429/5xx and time-outs
BACKOFF = 1.0  # first retry wait in seconds, doubling per retry
BACKOFF_MAX = 60.0  # longest retry wait in seconds
BATCH_SIZE = 500  # documents per shard: a kill loses at most this many
FLUSH_SECONDS = 60.0  # a shard is written at least this often
DISPLAY = 100  # list page size (the API allows up to 100)
LOG_LEVEL = "CRITICAL"  # Scrapy's own log: off; korpus prints its progress and summary (INFO: Scrapy's lines)
