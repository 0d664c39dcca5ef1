"""The law.go.kr Open API (DRF) crawler: a Scrapy project.

``spiders/law_api.py`` walks ``lawSearch.do`` lists and fetches ``lawService.do``
bodies; ``assemble.py`` turns a body into one document's text; ``pipelines.py``
writes Parquet shards in the corpus schema; ``state.py`` derives what is already
stored from those shards, so a killed or repeated crawl fetches only what is
missing, new or changed. ``runner.py`` runs one crawl in-process
(``korpus crawl law``); ``scrapy crawl law_api`` works too (see ``scrapy.cfg``).
"""
