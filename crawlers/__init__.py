"""Collection and ingest: the law.go.kr Scrapy project, dump downloaders, and
the streaming readers that turn every raw source into corpus records."""
