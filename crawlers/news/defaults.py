"""Defaults of a news crawl, shared by the library, its Scrapy settings and the CLI (no heavy imports)."""

DEPTH = 3  # link depth from start pages
DELAY = 1.0  # seconds between requests to one site
CONCURRENCY = 2  # requests in flight per site
MAX_PAGES = 0  # 0: no limit
SHARD_SIZE = 1000  # articles per Parquet shard
MIN_CHARS = 200  # shortest body text kept as an article
RETRIES = 4  # retries of a page after 429/5xx or a dropped connection
BACKOFF = 2.0  # first back-off wait in seconds, doubling per retry
LOG_LEVEL = "CRITICAL"  # of `korpus crawl news`: korpus's progress and summary only; `scrapy crawl news` logs at INFO
