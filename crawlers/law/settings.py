"""Scrapy settings of the law.go.kr crawler: polite by default.

This is a government server: few requests at a time per domain, a delay
between them that AutoThrottle adapts to the server's latency, robots.txt
obeyed, intermittent 404/429/5xx and time-outs retried with exponential
back-off. ``korpus crawl law`` overrides a few of these from its options.
"""

from korpus import __version__
from korpus.crawlers.law import defaults  # lower-case: Scrapy reads upper-case names only

BOT_NAME = "korpus_law"
SPIDER_MODULES = ["korpus.crawlers.law.spiders"]
NEWSPIDER_MODULE = "korpus.crawlers.law.spiders"

USER_AGENT = f"korpus/{__version__} (Korean corpus research crawler; Scrapy)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = defaults.CONCURRENCY
DOWNLOAD_DELAY = defaults.DELAY
DOWNLOAD_DELAY_JITTER = 0.5  # each delay varies by ±50%
DOWNLOAD_TIMEOUT = defaults.TIMEOUT

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = defaults.RETRIES
# the API answers bursts with 404 as well as 429/5xx; all succeed on retry
RETRY_HTTP_CODES = [404, 408, 429, 500, 502, 503, 504, 522, 524]
KORPUS_RETRY_BACKOFF_BASE = defaults.BACKOFF
KORPUS_RETRY_BACKOFF_MAX = defaults.BACKOFF_MAX

COOKIES_ENABLED = False
REFERRER_POLICY = "no-referrer"  # a Referer would carry the OC of the list URL
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no control port on the crawling machine
# Scrapy imports every listed extension, even a disabled one, and the remote-control
# (aiohttp) and telnet (twisted.conch) modules cost about a second of start-up per
# crawl: list only the extensions this crawler uses.
EXTENSIONS_BASE = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.memusage.MemoryUsage": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.logstats.LogStats": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
    "korpus.crawlers.scrapy_run.ProgressLines": 0,
}

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "korpus.crawlers.law.middlewares.BackoffRetryMiddleware": 550,
    "korpus.crawlers.law.middlewares.MaskSecretMiddleware": 950,
}
ITEM_PIPELINES = {"korpus.crawlers.law.pipelines.ParquetShardPipeline": 300}

KORPUS_LAW_BATCH_SIZE = defaults.BATCH_SIZE
KORPUS_LAW_FLUSH_SECONDS = defaults.FLUSH_SECONDS
KORPUS_LAW_KEEP_RAW = False

# our callbacks yield few items each; Scrapy starts this many item tasks per response
CONCURRENT_ITEMS = 16
# the check re-parses each callback's source for every response (its cache misses bound methods)
WARN_ON_GENERATOR_RETURN_VALUE = False

LOG_LEVEL = defaults.LOG_LEVEL
