"""Dump downloaders: the kowiki pages-articles dump and the KcBERT comments release.

Multi-GB files are streamed to ``<name>.part`` with HTTP Range resume, hashed
while they arrive, and renamed to their final name only once verified, so a
file without ``.part`` is always complete. Library entry points:
:func:`korpus.crawlers.dumps.wiki.download_wiki_dump` and
:func:`korpus.crawlers.dumps.kcbert.download_comments`.
"""
