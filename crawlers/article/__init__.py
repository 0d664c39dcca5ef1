"""News article extraction, one for every way a page arrives: a saved ``.html`` file or a
WARC record (the news reader) and a fetched response (the news spider).

``decode`` bytes to text, ``metadata`` (title, date, canonical URL) from the
untouched page, ``boilerplate`` furniture out, ``body`` picks the article's block,
``text`` renders its paragraphs; ``extract`` runs them in that order. Whether a
page is an article at all is the caller's policy (the spider's lives in
:mod:`korpus.crawlers.news.pages`).
"""
