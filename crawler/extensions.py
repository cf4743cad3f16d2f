"""One `crawl_runs` row per crawl, and the shared state of that run.

The spider, the middlewares and the pipelines all reach the same database and
counters through `CrawlRun.of(crawler)`, so a download failure recorded by a
spider errback and an extraction failure recorded by a pipeline land in the
same run.
"""
from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from pathlib import Path

from scrapy import signals

from crawler.storage import NewsDatabase

logger = logging.getLogger(__name__)


class CrawlRun:
    def __init__(self, crawler):
        self.crawler = crawler
        db_path = Path(crawler.settings.get("NEWS_DB", "news.db"))
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = NewsDatabase(db_path)
        self.run_id: int | None = None
        self.started = time.monotonic()
        self.counts: Counter = Counter()
        self.per_outlet: dict[str, Counter] = defaultdict(Counter)
        self.pages_seen = self.db.load_pages_seen()

    @classmethod
    def of(cls, crawler) -> "CrawlRun":
        run = getattr(crawler, "news_run", None)
        if run is None:
            run = crawler.news_run = cls(crawler)
        return run

    def start(self, spider) -> None:
        if self.run_id is None:
            arguments = {key: value for key, value in vars(spider).items()
                         if key in ("outlet", "region", "since", "backfill_ids", "file", "url")
                         and value is not None}
            self.run_id = self.db.start_run(spider.name, arguments)

    def count(self, site: str, event: str, amount: int = 1) -> None:
        self.counts[event] += amount
        self.per_outlet[site][event] += amount

    def fail(self, url: str, site: str, stage: str, reason: str, http_status: int | None = None) -> None:
        logger.warning("failure [%s] %s %s: %s", stage, site, url, reason)
        self.count(site, "failures")
        self.db.record_failure(self.run_id, url, site, stage, reason, http_status)

    def status(self, close_reason: str) -> str:
        """'failed' when the crawl did not finish or no outlet answered at all.

        A single outlet that is down does not fail the run: its failures are
        recorded per outlet, and the cron wrapper keeps going.
        """
        if close_reason != "finished":
            return "failed"
        outlets = getattr(self.crawler.spider, "outlets", None) or []
        if outlets and not any(self.per_outlet[o.key]["responses"] for o in outlets):
            return "failed"
        return "finished"

    def finish(self, close_reason: str) -> None:
        if self.run_id is None:
            return
        self.counts["pages_fetched"] = self.counts["responses"]
        status = self.status(close_reason)
        per_outlet = {site: dict(counter) for site, counter in self.per_outlet.items()}
        self.db.finish_run(self.run_id, status, dict(self.counts), per_outlet, time.monotonic() - self.started)
        logger.info("crawl run %s %s: %s", self.run_id, status, dict(self.counts))
        self.db.close()


class CrawlRunRecorder:
    """Opens the run when the spider opens and closes it with its outcome."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        CrawlRun.of(self.crawler).start(spider)

    def response_received(self, response, request, spider):
        site = request.meta.get("outlet")
        if not site:
            return  # robots.txt and other requests outside any outlet's crawl
        run = CrawlRun.of(self.crawler)
        run.count(site, "responses")
        if response.status == 304:
            run.count(site, "not_modified")
        elif request.meta.get("page_kind") == "article" and response.status == 200:
            run.count(site, "article_pages_fetched")

    def spider_closed(self, spider, reason):
        CrawlRun.of(self.crawler).finish(reason)
