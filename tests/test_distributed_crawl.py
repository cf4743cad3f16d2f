"""Two workers and one writer crawl the mirror through a real Redis, with and without faults.

Every run is compared with the single-machine crawl of the same static sites
(`static_crawl` in conftest.py): the same articles, versions, stories,
failures and pages, apart from timestamps.
"""
from __future__ import annotations

import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.distributed_helpers import (KEYS, DistributedCrawl, RedisServer, assert_same_database,
                                       require_redis_server, wait_until)

pytestmark = pytest.mark.slow
DEPRECATION = "ScrapyDeprecationWarning"


@pytest.fixture
def redis_server(tmp_path):
    require_redis_server()
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory).start()
    yield server
    server.stop()


def mirror_requests(mirror, since: int) -> Counter:
    """Requests the mirror answered since a point, but robots.txt (every process reads it) and the
    hops of its redirect loop (asked for until REDIRECT_MAX_TIMES, as on one machine)."""
    return Counter((site, target) for site, target, status in mirror.request_log[since:]
                   if not target.startswith("/robots.txt") and not 300 <= status < 400)


def stat_in_log(log: Path, name: str) -> int:
    return int(re.search(rf"'{re.escape(name)}': (\d+)", log.read_text("utf-8")).group(1))


def test_two_workers_and_one_writer_store_what_one_machine_stores(mirror, static_crawl, redis_server, tmp_path):
    crawl = DistributedCrawl(mirror, redis_server, tmp_path)
    before = len(mirror.request_log)
    assert "crawl 1:" in crawl.enqueue()
    workers = [crawl.start_worker(), crawl.start_worker()]
    wait_until(lambda: all(crawl.heartbeat_of(worker) for worker in workers), 120, "both workers to start")
    writer = crawl.start_writer("--drain")
    crawl.finish(*workers, writer)

    # No URL fetched twice: the mirror saw each once, and the workers' stats add up to what it saw.
    requests = mirror_requests(mirror, before)
    assert requests and max(requests.values()) == 1, requests.most_common(3)
    # The workers' own stats: together they sent what one machine sends, each process reading robots.txt.
    single = static_crawl.workdir / "crawl-1.log"
    requests_per_worker = [sent - robots for sent, robots in zip(crawl.worker_stat("downloader/request_count"),
                                                                 crawl.worker_stat("robotstxt/request_count"))]
    assert len(requests_per_worker) == 2 and min(requests_per_worker) > 0, "one worker did everything"
    assert sum(requests_per_worker) == (stat_in_log(single, "downloader/request_count")
                                        - stat_in_log(single, "robotstxt/request_count"))
    assert_same_database(crawl.db_path, static_crawl.db_path)
    runs = crawl.query("select status, articles_new from crawl_runs")
    assert [status for status, _ in runs] == ["finished", "finished"]
    assert sum(new for _, new in runs) == crawl.query("select count(*) from articles")[0][0]
    assert DEPRECATION not in crawl.log_text()

    # A second distributed crawl asks again with conditional GET and fetches no unchanged article.
    assert "crawl 2:" in crawl.enqueue()
    workers = [crawl.start_worker(), crawl.start_worker()]
    wait_until(lambda: all(crawl.heartbeat_of(worker) for worker in workers), 120, "both workers to start")
    writer = crawl.start_writer("--drain")
    crawl.finish(*workers, writer)
    second = crawl.query("select pages_fetched, articles_new, articles_updated, per_outlet from crawl_runs "
                         "where id > 2")
    assert len(second) == 2 and sum(row[0] for row in second) > 0
    assert all('"article_pages_fetched"' not in row[3] for row in second), second
    assert sum(row[1] + row[2] for row in second) == 0
    # Failures are per run (the broken pages failed again) and pages now remember their 304s.
    assert_same_database(crawl.db_path, static_crawl.db_path, leave_out=("failures", "pages_seen"))


def test_a_worker_killed_mid_crawl_loses_nothing(mirror, static_crawl, redis_server, tmp_path):
    # A shared delay keeps requests waiting in flight, so the kill catches some.
    crawl = DistributedCrawl(mirror, redis_server, tmp_path, {"NEWS_SHARED_OUTLET_DELAY": "0.15"})
    crawl.enqueue()
    victim, other = crawl.start_worker(), crawl.start_worker()
    name = wait_until(lambda: crawl.heartbeat_of(victim), 120, "the worker to start")
    client = redis_server.client()
    wait_until(lambda: client.hlen(KEYS.inflight(name)) >= 3 and client.llen(KEYS.items) >= 5, 120,
               "the worker to have requests in flight")
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert client.hlen(KEYS.inflight(name)) > 0, "the kill left nothing in flight to recover"
    restarted = crawl.start_worker()
    writer = crawl.start_writer("--drain")
    crawl.finish(other, restarted, writer)

    assert sum(crawl.worker_stat("frontier/requeued_from_dead_workers")) > 0
    assert_same_database(crawl.db_path, static_crawl.db_path)


def test_a_writer_killed_mid_batch_loses_and_duplicates_nothing(mirror, static_crawl, redis_server, tmp_path):
    crawl = DistributedCrawl(mirror, redis_server, tmp_path)
    crawl.enqueue()
    workers = [crawl.start_worker(), crawl.start_worker()]
    client = redis_server.client()
    wait_until(lambda: client.llen(KEYS.items) >= 20, 120, "items waiting for the writer")
    writer = crawl.start_writer("--batch-size", "20")

    def stored() -> int:
        # The writer creates the file first and its tables a moment later.
        if not crawl.db_path.exists() or not crawl.query("select 1 from sqlite_master where name = 'articles'"):
            return 0
        return crawl.query("select count(*) from articles")[0][0]

    wait_until(lambda: stored() >= 1 and client.llen(KEYS.items_processing) >= 2, 120, "a batch half applied")
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert client.llen(KEYS.items_processing) > 0, "the kill left no unacknowledged batch"
    restarted = crawl.start_writer("--drain")
    crawl.finish(*workers, restarted)
    assert_same_database(crawl.db_path, static_crawl.db_path)


def test_redis_stopped_for_a_few_seconds_loses_and_duplicates_nothing(mirror, static_crawl, redis_server, tmp_path):
    crawl = DistributedCrawl(mirror, redis_server, tmp_path,
                             {"NEWS_SHARED_OUTLET_DELAY": "0.15", "NEWS_WORKER_HEARTBEAT_TTL": "30"})
    crawl.enqueue()
    workers = [crawl.start_worker(), crawl.start_worker()]
    client = redis_server.client()
    wait_until(lambda: all(crawl.heartbeat_of(worker) for worker in workers), 120, "both workers to start")
    writer = crawl.start_writer("--drain")
    wait_until(lambda: client.llen(KEYS.items) + client.llen(KEYS.items_processing) >= 5, 120, "the crawl to run")
    assert client.zcard(KEYS.requests) + sum(client.hlen(key) for key in client.keys(KEYS.inflight_pattern)) > 0
    redis_server.stop()
    time.sleep(3)  # the outage itself, not a wait for a result
    redis_server.start()
    crawl.finish(*workers, writer)
    assert_same_database(crawl.db_path, static_crawl.db_path)
