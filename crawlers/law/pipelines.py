"""Item pipeline: documents -> Parquet shards in the corpus schema.

Documents are buffered and written as one shard per batch (``part-rRUN-SEQ.parquet``,
atomically), so a killed crawl loses at most the unwritten batch, and the
next run re-fetches exactly that (see :mod:`korpus.crawlers.law.state`). With
``KORPUS_LAW_KEEP_RAW`` the masked body XML is kept under ``_raw/<target>/<MST or ID>.xml``
(a name the build's folder walk skips, so bodies are not read twice).
"""

from __future__ import annotations

import time
from pathlib import Path

from korpus.core.errors import OutputError
from korpus.core.io import atomic_path
from korpus.core.parquet import write_records
from korpus.core.schema import Record
from korpus.crawlers.law import defaults
from korpus.crawlers.law.items import LawDocumentItem, item_to_record
from korpus.crawlers.law.state import RAW_DIR


class ParquetShardPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.batch_size = max(1, settings.getint("KORPUS_LAW_BATCH_SIZE", defaults.BATCH_SIZE))
        self.flush_seconds = settings.getfloat("KORPUS_LAW_FLUSH_SECONDS", defaults.FLUSH_SECONDS)
        self.keep_raw = settings.getbool("KORPUS_LAW_KEEP_RAW", False)
        self.buffer: list[tuple[LawDocumentItem, Record]] = []
        self.last_flush = time.monotonic()
        self.state = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.state = self.crawler.spider.state

    def process_item(self, item):
        if not isinstance(item, LawDocumentItem):
            return item
        raw = item.pop("raw", None)
        if self.keep_raw and raw is not None:
            try:
                self._write_raw(item, raw)
            except (OSError, OutputError) as err:
                self._storage_error(f"raw body of {item['id']}: {err}")
                raise
        self.buffer.append((item, item_to_record(item)))
        if len(self.buffer) >= self.batch_size or time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def _storage_error(self, message: str) -> None:
        """Noted on the spider, which then stops at its next response."""
        self.crawler.spider.storage_errors.append(message)

    def _write_raw(self, item: LawDocumentItem, raw: bytes) -> None:
        path = Path(self.state.out) / RAW_DIR / item["target"] / f"{item['serial']}.xml"
        with atomic_path(path) as tmp:
            tmp.write_bytes(raw)

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        shard = self.state.next_shard()
        try:
            write_records((record for _, record in batch), shard)
            replaced = self.state.commit(
                shard, [(it["target"], it["key"], it["version"], it["id"]) for it, _ in batch])
        except (OSError, OutputError) as err:
            # not committed, so the next run fetches these again; this run must not pass as complete
            self.crawler.stats.inc_value("law/unwritten", len(batch))
            self._storage_error(f"{shard.name}: {err}")
            raise
        stats = self.crawler.stats
        for it, _ in batch:
            stats.inc_value(f"law/{it['target']}/stored")
        stats.inc_value("law/shards_written")
        if replaced:
            stats.inc_value("law/old_versions_removed", replaced)
