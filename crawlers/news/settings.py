"""Scrapy settings of the news project: polite by default (robots.txt, AutoThrottle, 2 per site)."""

from korpus.crawlers.news import defaults  # lower-case: Scrapy reads upper-case names only

BOT_NAME = "korpus-news"
SPIDER_MODULES = ["korpus.crawlers.news.spiders"]
NEWSPIDER_MODULE = "korpus.crawlers.news.spiders"
USER_AGENT = "korpus-news/0.1 (Korean corpus research crawler)"

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = defaults.DELAY
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = defaults.CONCURRENCY
COOKIES_ENABLED = False
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # sitemaps may be 50 MB uncompressed

RETRY_TIMES = defaults.RETRIES
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
KORPUS_RETRY_BACKOFF = defaults.BACKOFF
KORPUS_RETRY_MAX_WAIT = 60.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "korpus.crawlers.news.middlewares.BackoffRetryMiddleware": 550,
}

# breadth-first from start pages: sections before deep links
DEPTH_LIMIT = defaults.DEPTH
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

ITEM_PIPELINES = {"korpus.crawlers.news.pipelines.ShardPipeline": 300}
EXTENSIONS = {"korpus.crawlers.scrapy_run.ProgressLines": 0}
KORPUS_SHARD_SIZE = defaults.SHARD_SIZE
KORPUS_FLUSH_SECONDS = 300.0
KORPUS_MIN_CHARS = defaults.MIN_CHARS

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # newer Scrapy: a code-executing HTTP console; never wanted here
LOG_LEVEL = "INFO"
