"""Scrapy project for news sites: ``korpus crawl news`` or, from this folder, ``scrapy crawl news``.

Sitemaps (Scrapy's SitemapSpider) or start pages with link following, robots.txt
obeyed, AutoThrottle, retries with back-off; article pages become corpus records
(``source`` news, ids ``news/<first 16 hex of sha1(canonical URL)>``) written as
``part-*.parquet`` shards, with resume state under ``<out>/_state/``.
"""
