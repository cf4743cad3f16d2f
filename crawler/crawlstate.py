"""The crawl's state in the database: its run row, failures and the pages it has seen.

`CrawlState` is a Scrapy extension (enabled in settings.EXTENSIONS). Other
components ask Scrapy for it with `crawler.get_extension(CrawlState)` and use
its small interface:

- `record_failure(...)`: a page that could not become an article, with why;
- `remember_page(...)` / `page_seen(url)`: validators and links of a page,
  for conditional GET and incremental discovery (looked up by primary key,
  never loaded whole);
- `count(outlet, event)`: per-outlet counters, kept in Scrapy's stats
  collector as `outlet/<key>/<event>` (and `news/<event>` for the run).

The run row is opened on `spider_opened` with the spider's arguments and
closed on `spider_closed` with the counters and its outcome.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from crawler.processing import ArticleProcessor
from crawler.storage import NewsDatabase

logger = logging.getLogger(__name__)

OUTLET_STAT_PREFIX = "outlet/"
RUN_STAT_PREFIX = "news/"


def open_database(crawler) -> NewsDatabase:
    """The default NEWS_STATE_STORE: the SQLite database of settings.NEWS_DB."""
    db_path = Path(crawler.settings.get("NEWS_DB", "news.db"))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return NewsDatabase(db_path)


class CrawlState:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        # The SQLite database; in distributed mode a store with the same calls
        # that keeps pages in Redis and sends the rest to the one writer.
        open_store = load_object(crawler.settings.get("NEWS_STATE_STORE") or "crawler.crawlstate.open_database")
        self.database = open_store(crawler)
        # The steps after extraction, sharing this crawl's database.
        self.processor = ArticleProcessor(self.database)
        self.run_id: int | None = None
        self.started = time.monotonic()
        self.outlet_keys: list[str] = []

    @classmethod
    def from_crawler(cls, crawler):
        state = cls(crawler)
        crawler.signals.connect(state.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(state.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(state.response_received, signal=signals.response_received)
        return state

    @classmethod
    def of(cls, crawler) -> "CrawlState":
        state = crawler.get_extension(cls)
        if state is None:
            raise NotConfigured("crawler.crawlstate.CrawlState must be enabled in EXTENSIONS")
        return state

    # -- the interface -------------------------------------------------------

    def count(self, outlet: str, event: str, amount: int = 1) -> None:
        self.stats.inc_value(f"{RUN_STAT_PREFIX}{event}", amount)
        if outlet:
            self.stats.inc_value(f"{OUTLET_STAT_PREFIX}{outlet}/{event}", amount)

    def record_failure(self, url: str, outlet: str, stage: str, reason: str, http_status: int | None = None) -> None:
        logger.warning("failure [%s] %s %s: %s", stage, outlet, url, reason)
        self.count(outlet, "failures")
        self.database.record_failure(self.run_id, url, outlet, stage, reason, http_status)

    def remember_page(self, url: str, outlet: str, kind: str, etag: str | None = None,
                      last_modified: str | None = None, http_status: int = 200,
                      links: list[str] | None = None) -> None:
        self.database.remember_page(url, outlet, kind, etag, last_modified, http_status, links)

    def page_seen(self, url: str) -> dict | None:
        return self.database.page_seen(url)

    def register_outlets(self, outlets) -> None:
        """The outlets this crawl covers: stored in `sites`, and judged at the end."""
        outlets = list(outlets)
        self.database.upsert_sites(outlets)
        self.outlet_keys = [outlet.key for outlet in outlets]

    # -- signals -------------------------------------------------------------

    def spider_opened(self, spider):
        arguments = {key: value for key, value in getattr(spider, "arguments", {}).items() if value is not None}
        self.run_id = self.database.start_run(spider.name, arguments)

    def response_received(self, response, request, spider):
        outlet = request.meta.get("outlet")
        if not outlet:
            return  # robots.txt and other requests outside any outlet's crawl
        self.count(outlet, "responses")
        if response.status == 304:
            self.count(outlet, "not_modified")
        elif request.meta.get("page_kind") == "article" and response.status == 200:
            self.count(outlet, "article_pages_fetched")

    def spider_closed(self, spider, reason):
        if self.run_id is None:
            return
        counts, per_outlet = self.counters()
        status = self.status(reason, per_outlet)
        self.database.finish_run(self.run_id, status, counts, per_outlet, time.monotonic() - self.started)
        logger.info("crawl run %s %s: %s", self.run_id, status, counts)
        self.database.close()

    # -- the outcome ---------------------------------------------------------

    def counters(self) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        counts: dict[str, int] = {}
        per_outlet: dict[str, dict[str, int]] = defaultdict(dict)
        for key, value in self.stats.get_stats().items():
            if key.startswith(RUN_STAT_PREFIX):
                counts[key[len(RUN_STAT_PREFIX):]] = value
            elif key.startswith(OUTLET_STAT_PREFIX):
                outlet, _, event = key[len(OUTLET_STAT_PREFIX):].rpartition("/")
                per_outlet[outlet][event] = value
        return counts, dict(per_outlet)

    def status(self, close_reason: str, per_outlet: dict[str, dict[str, int]]) -> str:
        """'failed' when the crawl did not finish or no outlet answered at all.

        A single outlet that is down does not fail the run: its failures are
        recorded per outlet, and the cron wrapper keeps going.
        """
        if close_reason != "finished":
            return "failed"
        if self.outlet_keys and not any(per_outlet.get(key, {}).get("responses") for key in self.outlet_keys):
            return "failed"
        return "finished"
