"""Distributed mode against a real Redis: the scrapy-redis adapter, shared state and politeness, the writer's queue."""
from __future__ import annotations

import ast
import threading
import warnings
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler
from scrapy_redis.scheduler import Scheduler as UpstreamScheduler

from crawler.crawlstate import CrawlState
from crawler.distributed import messages
from crawler.distributed.frontier import FRONTIER_TOKEN, SharedFrontier
from crawler.distributed.keys import RedisKeys, connect
from crawler.distributed.politeness import SharedOutletDelay
from crawler.distributed.state import SharedStateStore
from crawler.distributed.writer import LostWriterLock, Writer, WriterLock
from crawler.items import ArticleItem
from crawler.spiders.news import NewsSpider
from crawler.storage import NewsDatabase
from tests.conftest import REPO_ROOT
from tests.distributed_helpers import RedisServer, require_redis_server

KEYS = RedisKeys()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    require_redis_server()
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server):
    client = connect(redis_server.url)
    client.flushall()
    return client


def project_crawler(**settings):
    """A crawler with the project's settings (and its add-on), not started; any installed reactor will do."""
    if not is_reactor_installed():
        install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    return get_crawler(NewsSpider, {**get_project_settings().copy_to_dict(), "TWISTED_REACTOR": None,
                                    "OUTLETS_FILE": str(REPO_ROOT / "datasets" / "outlets.csv"), **settings})


def distributed_crawler(redis_server, **settings):
    crawler = project_crawler(REDIS_URL=redis_server.url, **settings)
    crawler.spider = NewsSpider.from_crawler(crawler)
    return crawler


# -- the scrapy-redis adapter ------------------------------------------------------

def test_the_addon_switches_a_crawl_to_the_shared_frontier(redis_server):
    crawler = distributed_crawler(redis_server)
    settings = crawler.settings
    assert settings["SCHEDULER"] == "crawler.distributed.frontier.SharedFrontier"
    assert settings["NEWS_STATE_STORE"] == "crawler.distributed.state.open_shared_state"
    assert list(settings.getdict("ITEM_PIPELINES"))[-1] == "crawler.distributed.state.PushArticlePipeline"
    single_machine = project_crawler().settings
    assert single_machine["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"


def scheduler_round_trip(scheduler_class, crawler):
    scheduler = scheduler_class.from_crawler(crawler)
    scheduler.open(crawler.spider)
    request = scrapy.Request("http://127.0.0.1:9/news/articleView.html?idxno=1", callback=crawler.spider.parse_list)
    assert scheduler.enqueue_request(request)
    taken = scheduler.next_request()
    scheduler.close("finished")
    return taken


def test_upstream_scheduler_still_passes_the_deprecated_spider_argument(redis_server, redis_client):
    """Why SharedFrontier overrides enqueue_request/next_request. If this fails, scrapy-redis was fixed:
    the overrides can go (keep the in-flight and dedupe parts)."""
    with pytest.warns(ScrapyDeprecationWarning, match="spider"):
        scheduler_round_trip(UpstreamScheduler, distributed_crawler(redis_server))


def test_shared_frontier_raises_no_deprecation_warning(redis_server, redis_client):
    crawler = distributed_crawler(redis_server)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScrapyDeprecationWarning)
        taken = scheduler_round_trip(SharedFrontier, crawler)
    assert taken.url.endswith("idxno=1") and taken.callback == crawler.spider.parse_list
    assert crawler.stats.get_value("scheduler/enqueued/redis") == 1
    assert crawler.stats.get_value("scheduler/dequeued/redis") == 1


def test_a_taken_request_stays_in_flight_until_released_and_a_dead_workers_go_back(redis_server, redis_client):
    crawler = distributed_crawler(redis_server)
    scheduler = SharedFrontier.from_crawler(crawler)
    scheduler.open(crawler.spider)
    for number in (1, 2):
        scheduler.enqueue_request(scrapy.Request(f"http://127.0.0.1:9/a{number}", callback=crawler.spider.parse_list))
    first = scheduler.next_request()
    assert redis_client.hlen(KEYS.inflight(scheduler.worker)) == 1 and FRONTIER_TOKEN in first.meta
    # Once Scrapy is done with it (callback run, items pushed), it is released.
    scheduler.release(first.meta[FRONTIER_TOKEN])
    assert redis_client.hlen(KEYS.inflight(scheduler.worker)) == 0

    # Another worker took the second request and died: no heartbeat, its in-flight hash remains.
    redis_client.rename(KEYS.requests, "moved")
    redis_client.hset(KEYS.inflight("dead-1-x"), "token", b"-0\n" + redis_client.zrange("moved", 0, 0)[0])
    redis_client.rename("moved", "unused")
    scheduler.requeue_dead_workers()
    assert not redis_client.exists(KEYS.inflight("dead-1-x"))
    assert scheduler.next_request().url.endswith("/a2")
    # A live worker's requests stay where they are.
    redis_client.set(KEYS.heartbeat("alive-2-y"), 1)
    redis_client.hset(KEYS.inflight("alive-2-y"), "token", b"-0\nx")
    scheduler.requeue_dead_workers()
    assert redis_client.hlen(KEYS.inflight("alive-2-y")) == 1
    scheduler.close("finished")


def test_first_hops_are_deduplicated_across_workers_but_redirect_hops_pass(redis_server, redis_client):
    crawlers = [distributed_crawler(redis_server) for _ in range(2)]
    schedulers = [SharedFrontier.from_crawler(crawler) for crawler in crawlers]
    for crawler, scheduler in zip(crawlers, schedulers):
        scheduler.open(crawler.spider)
    article = dict(url="http://127.0.0.1:9/news/articleView.html?idxno=7", dont_filter=True, meta={"outlet": "x"})
    assert schedulers[0].enqueue_request(scrapy.Request(**article))
    assert not schedulers[1].enqueue_request(scrapy.Request(**article))
    hop = scrapy.Request(**{**article, "meta": {"outlet": "x", "redirect_times": 1}})
    assert schedulers[1].enqueue_request(hop)
    for scheduler in schedulers:
        scheduler.close("finished")


class WorkerKilled(BaseException):
    """Stands for SIGKILL: the process stops after its Nth Redis command, whatever it was doing."""


def killed_after(server, commands: int):
    sent = 0
    send = server.execute_command

    def execute_command(*args, **options):
        nonlocal sent
        if sent == commands:
            raise WorkerKilled
        sent += 1
        return send(*args, **options)

    server.execute_command = execute_command


@pytest.mark.parametrize("commands", range(4))
def test_a_worker_killed_while_queueing_never_leaves_a_request_seen_but_not_queued(redis_server, redis_client,
                                                                                   commands):
    """Seen and not queued is lost for good: the parent page, crawled again, cannot queue it again."""
    crawler = distributed_crawler(redis_server)
    scheduler = SharedFrontier.from_crawler(crawler)
    scheduler.open(crawler.spider)
    scheduler.loop.stop()
    request = scrapy.Request("http://127.0.0.1:9/news/articleView.html?idxno=8", dont_filter=True,
                             meta={"outlet": "x"})
    killed_after(scheduler.server, commands)
    try:
        scheduler.enqueue_request(request)
    except WorkerKilled:
        pass
    seen = redis_client.sismember(KEYS.dupefilter, scheduler.df.request_fingerprint(request))
    assert seen == (redis_client.zcard(KEYS.requests) == 1)


# -- shared state -------------------------------------------------------------------

def test_the_shared_store_answers_every_database_call_crawlstate_makes():
    """A call CrawlState starts making of NewsDatabase must exist in distributed mode too."""
    tree = ast.parse((REPO_ROOT / "crawler" / "crawlstate.py").read_text("utf-8"))
    called = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
              and isinstance(node.value, ast.Attribute) and node.value.attr == "database"}
    assert called >= {"page_seen", "remember_page", "record_failure", "start_run", "finish_run"}
    assert not {name for name in called if not hasattr(SharedStateStore, name)}


def test_pages_remembered_in_redis_read_back_as_from_sqlite(redis_client, tmp_path):
    store = SharedStateStore(redis_client, KEYS, "worker-1")
    database = NewsDatabase(tmp_path / "news.db")
    calls = [("http://a/list", "a", "list", '"v1"', None, 200, ["http://a/1", "http://a/2"]),
             ("http://a/1", "a", "article", "", "Wed, 01 Jan 2025 00:00:00 GMT", 304, None)]
    for call in calls:
        store.remember_page(*call)
        database.remember_page(*call)
    for url in ("http://a/list", "http://a/1"):
        shared, local = store.page_seen(url), database.page_seen(url)
        shared.pop("last_fetched_at"), local.pop("last_fetched_at")
        assert shared == local
    assert store.page_seen("http://a/never") is None
    # Each remembered page is also a message for the writer, which keeps pages_seen.
    assert [messages.decode(raw)["kind"] for raw in redis_client.lrange(KEYS.items, 0, -1)] == ["page", "page"]


def test_reservations_for_one_outlet_are_spaced_across_workers(redis_server, redis_client):
    delay_seconds = 0.02
    workers = [SharedOutletDelay(connect(redis_server.url), KEYS, delay_seconds, stats=None) for _ in range(2)]
    reserved: list[int] = []

    def reserve_many(middleware):
        for _ in range(15):
            reserved.append(middleware.reserve("small-outlet")[1])

    threads = [threading.Thread(target=reserve_many, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    moments = sorted(reserved)
    assert len(moments) == 30
    assert min(later - earlier for earlier, later in zip(moments, moments[1:])) >= delay_seconds * 1000
    # Another outlet has its own slot: no wait behind the first one's queue.
    assert workers[0].reserve("another-outlet")[0] == 0


# -- the writer's reliable queue -------------------------------------------------------

def article_message(url: str, body: str, crawl: int = 1) -> bytes:
    item = ArticleItem(url=url, title="제목", body=body, site="hanbit-news", fetched_url=url, requested_url=url)
    return messages.encode("article", run="worker-1", crawl=crawl, article=messages.article_content(item))


def test_a_message_applied_but_not_acknowledged_is_applied_again_without_a_duplicate(redis_client, tmp_path):
    database = NewsDatabase(tmp_path / "news.db")
    body = "영주시가 철도차량 부품 공장을 유치했다. " * 5
    site = {"key": "hanbit-news", "name": "한빛뉴스", "region": "경북", "homepage": "http://h/", "cms": "",
            "needs_js": False}
    redis_client.lpush(KEYS.items, messages.encode("sites", run="worker-1", outlets=[site]),
                       article_message("http://h/1", body))
    writer = Writer(redis_client, KEYS, database)
    # The writer committed the article, then died before its acknowledgement.
    batch = writer.take_batch()
    writer.handle(batch[0])
    item = writer.on_article(messages.decode(batch[1]))
    assert item.counts == {("hanbit-news", "new"): 1}
    assert redis_client.llen(KEYS.items_processing) == 1

    restarted = Writer(redis_client, KEYS, database)
    restarted.run(threading.Event(), drain=True)
    assert redis_client.llen(KEYS.items_processing) == 0
    assert database.db.execute("select count(*) from articles").fetchone()[0] == 1
    assert database.db.execute("select count(*) from article_versions").fetchone()[0] == 1
    assert restarted.applied == {"article": 1}
    # Its page is now known to every worker.
    assert SharedStateStore(redis_client, KEYS, "w").page_seen("http://h/1")["kind"] == "article"


def test_only_one_writer_holds_the_lock(redis_client):
    first, second = (WriterLock(redis_client, KEYS.writer_lock, 5) for _ in range(2))
    second.token = "another-writer"
    assert first.acquire(threading.Event())
    stop = threading.Event()
    stop.set()
    assert not second.acquire(stop)
    redis_client.set(KEYS.writer_lock, "another-writer")
    with pytest.raises(LostWriterLock):
        first.refresh()
