"""The crawl's state in the database: its run row, failures and the pages it has seen.

`CrawlState` is a Scrapy extension (enabled in settings.EXTENSIONS). Other
components ask Scrapy for it with `crawler.get_extension(CrawlState)` and use
its small interface:

- `record_failure(...)`: a page that could not become an article, with why;
- `remember_page(...)` / `page_seen(url)`: validators and links of a page,
  for conditional GET and incremental discovery (looked up by primary key,
  never loaded whole);
- `count(outlet, event)`: per-outlet counters, kept in Scrapy's stats
  collector as `outlet/<key>/<event>` (and `news/<event>` for the run);
- `note_links(...)`, `note_example(...)`, `skip_outlets(...)`: what outlet
  health (crawler/health.py) needs beyond the counters.

Spiders that set `records_outlet_health` get one `outlet_runs` row per
outlet at the end of the run, judged by the health rules.

The run row is opened on `spider_opened` with the spider's arguments, its
counters are saved on it every NEWS_RUN_CHECKPOINT_SECONDS, and it is closed
on `spider_closed` with the counters and its outcome. A run whose process
died stays 'running' until the next crawl marks it 'interrupted'.

The extension holds the database's lock (crawler/storage/lock.py) from the
moment it opens the database until the crawl ends: one writer at a time.
An exception that escapes a pipeline or a callback becomes a failure row;
a failure that cannot even be written fails the run.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task
from scrapy.utils.misc import load_object

from crawler import health
from crawler.processing import ArticleProcessor
from crawler.storage import NewsDatabase, utc_now
from crawler.storage.lock import EXIT_LOCKED, DatabaseLock, DatabaseLocked
from crawler.storage.repair import repair
from extractors.urls import canonical_url

logger = logging.getLogger(__name__)

OUTLET_STAT_PREFIX = "outlet/"
RUN_STAT_PREFIX = "news/"
# Own-site links kept per outlet to show what its URLs look like now when none matches its pattern.
LINK_EXAMPLES_KEPT = 3


def enabled_extension(crawler, extension_class):
    """The crawl's instance of a Scrapy extension this project needs, or a clear error."""
    extension = crawler.get_extension(extension_class)
    if extension is None:
        raise NotConfigured(f"{extension_class.__module__}.{extension_class.__name__} must be enabled in EXTENSIONS")
    return extension


class CrawlState:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        store = crawler.settings.get("NEWS_STATE_STORE")
        if store:
            # Distributed mode: a store with the same calls that keeps pages in
            # Redis and sends the rest to the one writer, which holds the lock.
            self.lock = None
            self.database = load_object(store)(crawler)
            # The writer owns the SQLite database: recovery, checkpoints and
            # outlet health (which needs every worker's counts) are its to do.
            self.local_database: NewsDatabase | None = None
        else:
            db_path = Path(crawler.settings.get("NEWS_DB", "news.db"))
            db_path.parent.mkdir(parents=True, exist_ok=True)
            self.lock = DatabaseLock(db_path, crawler.settings.get("NEWS_DB_LOCK") or None)
            try:
                self.lock.acquire()
            except DatabaseLocked as error:
                # Before anything is opened: a clear line and EX_TEMPFAIL, not a traceback.
                logger.error("%s", error)
                raise SystemExit(EXIT_LOCKED) from None
            self.database = NewsDatabase(db_path)
            self.local_database = self.database
        # The steps after extraction, sharing this crawl's database.
        self.processor = ArticleProcessor(self.database)
        self.run_id: int | None = None
        self.started = time.monotonic()
        self.outlet_keys: list[str] = []
        # Outlet health beyond the counters: skipped outlets and their reason,
        # one example per kind of trouble, and links that matched no pattern.
        self.skipped: dict[str, str] = {}
        self.examples: dict[str, dict[str, str]] = defaultdict(dict)
        self.link_examples: dict[str, list[str]] = defaultdict(list)
        self.health_thresholds = health.HealthThresholds.from_settings(crawler.settings.get)
        self.checkpoint_seconds = crawler.settings.getfloat("NEWS_RUN_CHECKPOINT_SECONDS", 30)
        self.checkpoints: task.LoopingCall | None = None
        # Whether the last run did not finish: its discovery may have stopped
        # half-way, so this one must not trust "nothing new here" (see NewsSpider).
        self.resuming = False

    @classmethod
    def from_crawler(cls, crawler):
        state = cls(crawler)
        crawler.signals.connect(state.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(state.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(state.response_received, signal=signals.response_received)
        crawler.signals.connect(state.item_error, signal=signals.item_error)
        crawler.signals.connect(state.spider_error, signal=signals.spider_error)
        return state

    @classmethod
    def of(cls, crawler) -> "CrawlState":
        return enabled_extension(crawler, cls)

    # -- the interface -------------------------------------------------------

    def count(self, outlet: str, event: str, amount: int = 1) -> None:
        self.stats.inc_value(f"{RUN_STAT_PREFIX}{event}", amount)
        if outlet:
            self.stats.inc_value(f"{OUTLET_STAT_PREFIX}{outlet}/{event}", amount)

    def record_failure(self, url: str, outlet: str, stage: str, reason: str, http_status: int | None = None) -> None:
        logger.warning("failure [%s] %s %s: %s", stage, outlet, url, reason)
        self.count(outlet, "failures")
        self.count(outlet, f"failed_{stage}")
        self.note_example(outlet, stage, f"{reason} at {url}")
        try:
            self.database.record_failure(self.run_id, url, outlet, stage, reason, http_status)
        except sqlite3.Error:
            logger.exception("could not record the failure of %s; the run will be marked failed", url)
            self.count(outlet, "unrecorded_failures")

    def remember_page(self, url: str, outlet: str, kind: str, etag: str | None = None,
                      last_modified: str | None = None, http_status: int = 200,
                      links: list[str] | None = None) -> None:
        self.database.remember_page(canonical_url(url), outlet, kind, etag, last_modified, http_status, links)

    def page_seen(self, url: str) -> dict | None:
        return self.database.page_seen(canonical_url(url))

    def note_example(self, outlet: str, kind: str, text: str) -> None:
        """The first example of a kind of trouble (download, extract, robots...), for the health reasons."""
        if outlet:
            self.examples[outlet].setdefault(kind, text)

    def note_links(self, outlet: str, found: int, matching: int, unmatched_examples: list[str]) -> None:
        """Links a list page, feed or sitemap gave, how many matched the article pattern, and some that did not."""
        self.count(outlet, "links_found", found)
        self.count(outlet, "links_matching", matching)
        kept = self.link_examples[outlet]
        for url in unmatched_examples:
            if len(kept) >= LINK_EXAMPLES_KEPT:
                break
            if url not in kept:
                kept.append(url)

    def skip_outlets(self, outlets, reason: str) -> None:
        """Outlets this crawl cannot visit: stored in `sites`, reported as skipped, not failed."""
        outlets = list(outlets)
        self.database.upsert_sites(outlets)
        for outlet in outlets:
            self.skipped[outlet.key] = reason

    def register_outlets(self, outlets) -> None:
        """The outlets this crawl covers: stored in `sites`, and judged at the end."""
        outlets = list(outlets)
        self.database.upsert_sites(outlets)
        self.outlet_keys = [outlet.key for outlet in outlets]

    # -- signals -------------------------------------------------------------

    def spider_opened(self, spider):
        if self.local_database is not None:
            self.recover_from_earlier_runs(self.local_database)
        arguments = {key: value for key, value in getattr(spider, "arguments", {}).items() if value is not None}
        self.run_id = self.database.start_run(spider.name, arguments)
        if self.local_database is not None:
            self.checkpoints = task.LoopingCall(self.checkpoint, self.local_database)
            self.checkpoints.start(self.checkpoint_seconds, now=False)

    def recover_from_earlier_runs(self, database: NewsDatabase) -> None:
        """Close the runs a dead process left open, and repair articles it left without derived rows."""
        for run_id in database.close_interrupted_runs():
            logger.warning("crawl run %s had been left running by a process that died: marked interrupted", run_id)
        self.resuming = database.last_run_status() not in (None, "finished")
        for what, count in repair(database).items():
            logger.warning("repaired %d article(s) without a %s", count, what)

    def checkpoint(self, database: NewsDatabase) -> None:
        counts, per_outlet = self.counters()
        try:
            database.checkpoint_run(self.run_id, counts, per_outlet, time.monotonic() - self.started)
        except sqlite3.Error as error:  # the next checkpoint or the run's end writes them again
            logger.warning("could not save the run's counters: %s", error)

    def item_error(self, item, response, spider, failure):
        """An exception that escaped a pipeline step (ArticleStep records its own): still a failure row."""
        url = getattr(item, "url", "") or (response.url if response is not None else "")
        outlet = getattr(item, "site", "") or getattr(item, "outlet", "")
        self.record_failure(url, outlet, "pipeline", f"{type(failure.value).__name__}: {failure.getErrorMessage()}")

    def spider_error(self, failure, response, spider):
        """An exception inside a spider callback: a failure row for the page it was reading."""
        url, outlet = (response.url, response.meta.get("outlet", "")) if response is not None else ("", "")
        self.record_failure(url, outlet, "parse", f"{type(failure.value).__name__}: {failure.getErrorMessage()}")

    def response_received(self, response, request, spider):
        outlet = request.meta.get("outlet")
        if not outlet:
            return  # robots.txt and other requests outside any outlet's crawl
        self.count(outlet, "responses")
        if response.status < 400:
            self.count(outlet, "responses_ok")
            self.count(outlet, f"fetched_{request.meta.get('page_kind', 'page')}")
        if response.status == 304:
            self.count(outlet, "not_modified")
        elif request.meta.get("page_kind") == "article" and response.status == 200:
            self.count(outlet, "article_pages_fetched")

    def spider_closed(self, spider, reason):
        if self.checkpoints is not None and self.checkpoints.running:
            self.checkpoints.stop()
        if self.run_id is None:
            self.release_lock()
            return
        counts, per_outlet = self.counters()
        # Only a complete run says something about an outlet; a killed one would look quiet.
        if getattr(spider, "records_outlet_health", False) and reason == "finished" and self.local_database:
            self.record_outlet_runs(self.local_database, per_outlet)
        status = self.status(reason, per_outlet)
        self.database.finish_run(self.run_id, status, counts, per_outlet, time.monotonic() - self.started)
        logger.info("crawl run %s %s: %s", self.run_id, status, counts)
        self.database.close()
        self.release_lock()

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()

    # -- the outcome ---------------------------------------------------------

    def record_outlet_runs(self, database: NewsDatabase, per_outlet: dict[str, dict[str, int]]) -> None:
        """One judged `outlet_runs` row per outlet of this run; flagged outlets are logged."""
        finished_at = utc_now()
        for key in [*self.outlet_keys, *self.skipped]:
            run = health.outlet_run_from_counters(self.run_id, key, per_outlet.get(key, {}), finished_at)
            run.notes = dict(self.examples.get(key, {}))
            if key in self.skipped:
                run.notes[health.SKIPPED] = self.skipped[key]
            run.link_examples = " ".join(self.link_examples.get(key, []))
            history = database.outlet_history(key, self.run_id, self.health_thresholds)
            health.assess(run, history, self.health_thresholds)
            database.save_outlet_run(run)
            if run.flagged:
                logger.warning("outlet %s flagged %s:\n%s", key, run.health, run.health_reasons)

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
        """'failed' when the crawl did not finish, no outlet answered at all, or a failure could not be recorded.

        A single outlet that is down does not fail the run: its failures are
        recorded per outlet, and the cron wrapper keeps going. A crawl stopped
        by a signal (Ctrl-C, SIGTERM) is 'interrupted'.
        """
        if close_reason == "shutdown":
            return "interrupted"
        if close_reason != "finished" or self.stats.get_value(f"{RUN_STAT_PREFIX}unrecorded_failures"):
            return "failed"
        if self.outlet_keys and not any(per_outlet.get(key, {}).get("responses") for key in self.outlet_keys):
            return "failed"
        return "finished"
