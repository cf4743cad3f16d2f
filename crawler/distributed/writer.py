"""`python -m crawler.writer`: the one process that writes the SQLite database in distributed mode.

    python -m crawler.writer --redis-url redis://host:6379/0 --db news.db [--drain]

Workers push messages (crawler/distributed/messages.py) onto a Redis list.
The writer moves a batch of them to its processing list (LMOVE), applies each
one to SQLite, and removes it from the processing list only after the commit,
in the same Redis transaction that publishes what the commit changed (the
article's page memory for every worker, the run's counters). A writer killed
mid-batch finds the rest of its batch in the processing list when it starts
again; a message applied but not yet acknowledged is applied again, which
changes nothing: the article is found stored with the same text ("unchanged",
no new version), the failure is found recorded, the page is upserted.

Articles run through `ArticleProcessor.process`, the same deduplication,
Kiwi analysis, story grouping and storage as a single-machine crawl.
A lock in Redis keeps a second writer from starting by mistake.
"""
from __future__ import annotations

import argparse
import logging
import signal
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from crawler.distributed import messages
from crawler.distributed.keys import RedisKeys, connect, this_worker
from crawler.distributed.state import SharedPages
from crawler.processing import ArticleProcessor, Duplicate
from crawler.storage import NewsDatabase
from crawler.storage.database import FAILURE_REASON_MAX_CHARS

logger = logging.getLogger("crawler.writer")

DEFAULT_BATCH_SIZE = 50
DEFAULT_LOCK_SECONDS = 15.0
# Stored pages are remembered with these, as the storing pipeline step does.
ARTICLE_PAGE_KIND = "article"

# Extend the lock if this writer holds it, or take it again if it lapsed
# while nobody else took it; fail if another writer holds it.
REFRESH_LOCK = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
"""
RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LostWriterLock(RuntimeError):
    """Another writer took over (this one stalled longer than the lock lasts)."""


class WriterLock:
    def __init__(self, server, key: str, seconds: float):
        self.server = server
        self.key = key
        self.token = this_worker()
        self.milliseconds = int(seconds * 1000)

    def acquire(self, stop: threading.Event) -> bool:
        waiting_logged = False
        while not stop.is_set():
            if self.server.set(self.key, self.token, nx=True, px=self.milliseconds):
                return True
            if not waiting_logged:
                logger.warning("another writer holds %s; waiting for it to stop or expire", self.key)
                waiting_logged = True
            stop.wait(0.5)
        return False

    def refresh(self) -> None:
        if not self.server.eval(REFRESH_LOCK, 1, self.key, self.token, self.milliseconds):
            raise LostWriterLock(f"another writer holds {self.key}")

    def release(self) -> None:
        self.server.eval(RELEASE_LOCK, 1, self.key, self.token)


@dataclass
class Outcome:
    """What a message leaves to do in Redis once its SQLite work has committed."""

    counts: Counter = field(default_factory=Counter)  # (outlet, event) -> n, added to the run
    pages: list[dict] = field(default_factory=list)  # page memories to share with every worker
    finished_run: str | None = None  # a run whose counters can be dropped


class Writer:
    def __init__(self, server, keys: RedisKeys, database: NewsDatabase, batch_size: int = DEFAULT_BATCH_SIZE):
        self.server = server
        self.keys = keys
        self.database = database
        self.batch_size = batch_size
        self.pages = SharedPages(server, keys)
        self.run_ids: dict[str, int] = {}
        self.crawl: int | None = None
        self.processor = ArticleProcessor(database)
        self.applied: Counter = Counter()

    # -- the reliable queue -------------------------------------------------------

    def run(self, stop: threading.Event, lock: WriterLock | None = None, drain: bool = False) -> None:
        """Apply messages until `stop` is set; with `drain`, until none is left and no worker is running."""
        while not stop.is_set():
            if lock is not None:
                lock.refresh()
            batch = self.take_batch()
            if not batch:
                if drain and not self.server.llen(self.keys.items) and not self.workers_alive():
                    return
                # Wait for one message; it lands in the processing list, safe.
                self.server.blmove(self.keys.items, self.keys.items_processing, 1.0, "RIGHT", "LEFT")
                continue
            for raw in batch:
                if stop.is_set():
                    return
                if lock is not None:
                    lock.refresh()
                self.handle(raw)

    def workers_alive(self) -> bool:
        return any(True for _ in self.server.scan_iter(match=self.keys.heartbeat_pattern))

    def take_batch(self) -> list[bytes]:
        """The processing list, oldest first: a previous writer's unfinished batch, topped up from the queue."""
        while self.server.llen(self.keys.items_processing) < self.batch_size:
            if self.server.lmove(self.keys.items, self.keys.items_processing, "RIGHT", "LEFT") is None:
                break
        return list(reversed(self.server.lrange(self.keys.items_processing, 0, -1)))

    def handle(self, raw: bytes) -> None:
        try:
            message = messages.decode(raw)
            apply = getattr(self, f"on_{message['kind']}")
        except (ValueError, KeyError, AttributeError):
            logger.error("unreadable message moved to %s: %r", self.keys.key("items", "unreadable"), raw[:200])
            with self.server.pipeline(transaction=True) as pipe:
                pipe.lpush(self.keys.key("items", "unreadable"), raw)
                pipe.lrem(self.keys.items_processing, 1, raw)
                pipe.execute()
            return
        outcome = apply(message)
        self.acknowledge(raw, message.get("run", ""), outcome)
        self.applied[message["kind"]] += 1

    def acknowledge(self, raw: bytes, run_key: str, outcome: Outcome) -> None:
        """After the SQLite commit: share its effects and drop the message, in one Redis transaction."""
        with self.server.pipeline(transaction=True) as pipe:
            for page in outcome.pages:
                self.pages.remember(pipe, **page)
            for (outlet, event), amount in outcome.counts.items():
                pipe.hincrby(self.keys.run_counts(run_key), f"{outlet}\t{event}", amount)
            if outcome.finished_run:
                pipe.delete(self.keys.run_counts(outcome.finished_run))
            pipe.lrem(self.keys.items_processing, 1, raw)
            pipe.execute()

    # -- one method per message kind ----------------------------------------------

    def run_id(self, run_key: str, spider: str = "news", arguments: dict | None = None) -> int:
        """The crawl_runs row of a worker's run, found by the worker's name in its arguments."""
        if run_key not in self.run_ids:
            row = self.database.db.execute(
                "select id from crawl_runs where json_extract(arguments, '$.worker') = ?", [run_key]).fetchone()
            if row is None:
                self.run_ids[run_key] = self.database.start_run(spider, {**(arguments or {}), "worker": run_key})
            else:
                self.run_ids[run_key] = row[0]
        return self.run_ids[run_key]

    def on_run_started(self, message: dict) -> Outcome:
        self.run_id(message["run"], message["spider"], message["arguments"])
        return Outcome()

    def on_sites(self, message: dict) -> Outcome:
        self.database.upsert_sites([SimpleNamespace(**outlet) for outlet in message["outlets"]])
        return Outcome()

    def on_page(self, message: dict) -> Outcome:
        self.database.remember_page(message["url"], message["site"], message["page_kind"], message["etag"],
                                    message["last_modified"], message["http_status"], message["links"])
        return Outcome()

    def on_failure(self, message: dict) -> Outcome:
        self.record_failure(self.run_id(message["run"]), message["url"], message["site"], message["stage"],
                            message["reason"], message["http_status"])
        return Outcome()

    def record_failure(self, run_id: int, url: str, site: str, stage: str, reason: str,
                       http_status: int | None = None) -> None:
        already = self.database.db.execute(
            "select 1 from failures where run_id = ? and url = ? and stage = ? and reason = ?",
            [run_id, url, stage, reason[:FAILURE_REASON_MAX_CHARS]]).fetchone()
        if not already:
            self.database.record_failure(run_id, url, site, stage, reason, http_status)

    def on_article(self, message: dict) -> Outcome:
        if message["crawl"] != self.crawl:
            # URLs are deduplicated once per crawl, as within one single-machine run.
            self.crawl, self.processor = message["crawl"], ArticleProcessor(self.database)
        item = messages.article_from_content(message["article"])
        outcome = Outcome()
        try:
            item = self.processor.process(item)
        except Duplicate as duplicate:
            outcome.counts[item.site, duplicate.counter] += 1
            self.remember_article_page(outcome, item, item.requested_url)
            return outcome
        except sqlite3.Error:
            raise  # the database is unwell: stop, the message stays for the next writer
        except Exception as error:  # one odd article must not stop the writer (as in the pipelines)
            logger.exception("storing %s failed", item.url)
            self.record_failure(self.run_id(message["run"]), item.fetched_url or item.url, item.site, "store",
                                f"store error: {type(error).__name__}: {error}")
            outcome.counts[item.site, "failures"] += 1
            self.remember_article_page(outcome, item, item.requested_url)
            return outcome
        for url in {item.requested_url, item.fetched_url}:
            self.remember_article_page(outcome, item, url)
        outcome.counts[item.site, item.save_status] += 1
        return outcome

    def remember_article_page(self, outcome: Outcome, item, url: str) -> None:
        page = {"url": url, "site": item.site, "kind": ARTICLE_PAGE_KIND, "etag": item.etag,
                "last_modified": item.last_modified}
        self.database.remember_page(**page, http_status=200)
        outcome.pages.append(page)

    def on_run_finished(self, message: dict) -> Outcome:
        run_key = message["run"]
        counts = Counter(message["counts"])
        per_outlet = {outlet: Counter(events) for outlet, events in message["per_outlet"].items()}
        for field_name, amount in self.server.hgetall(self.keys.run_counts(run_key)).items():
            outlet, event = field_name.decode("utf-8").split("\t")
            counts[event] += int(amount)
            if outlet:
                per_outlet.setdefault(outlet, Counter())[event] += int(amount)
        self.database.finish_run(self.run_id(run_key), message["status"], dict(counts),
                                 {outlet: dict(events) for outlet, events in per_outlet.items()},
                                 message["duration_seconds"])
        return Outcome(finished_run=run_key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.writer", description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True, help="redis://host:6379/0, as given to the workers")
    parser.add_argument("--db", type=Path, default=Path("news.db"))
    parser.add_argument("--prefix", default=RedisKeys().prefix, help="NEWS_REDIS_PREFIX of the workers")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--lock-seconds", type=float, default=DEFAULT_LOCK_SECONDS,
                        help="how long a dead writer's lock lasts before another may start")
    parser.add_argument("--drain", action="store_true", help="exit once the queue is empty and no worker runs (else wait for more)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    server = connect(args.redis_url)
    keys = RedisKeys(args.prefix)
    lock = WriterLock(server, keys.writer_lock, args.lock_seconds)
    if not lock.acquire(stop):
        return 1
    args.db.parent.mkdir(parents=True, exist_ok=True)
    database = NewsDatabase(args.db)
    writer = Writer(server, keys, database, args.batch_size)
    started = time.monotonic()
    logger.info("writer %s: %s -> %s", lock.token, keys.items, args.db)
    try:
        writer.run(stop, lock, drain=args.drain)
    finally:
        database.close()
        lock.release()
    logger.info("applied %s in %.1f s", dict(writer.applied), time.monotonic() - started)
    return 0
