"""The Redis connection and the name of every key distributed mode uses.

All keys start with NEWS_REDIS_PREFIX (default "news", the spider's name), so
one Redis can hold several independent crawls under different prefixes.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache
from secrets import token_hex

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

DEFAULT_PREFIX = "news"
# A Redis restart or a network blip must not lose a page or an item: every
# command is retried with backoff for about a minute before it gives up.
RETRY_ATTEMPTS = 40
RETRY_BACKOFF_CAP_SECONDS = 2.0


@cache
def this_worker() -> str:
    """This process's name in Redis keys and in crawl_runs.arguments: host, pid and a nonce."""
    return f"{socket.gethostname()}-{os.getpid()}-{token_hex(3)}"


def connection_options() -> dict:
    """redis-py options shared by workers (through scrapy-redis's REDIS_PARAMS) and tools."""
    return {
        "retry": Retry(ExponentialBackoff(cap=RETRY_BACKOFF_CAP_SECONDS, base=0.05), RETRY_ATTEMPTS),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError],
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "health_check_interval": 15,
    }


def connect(url: str) -> Redis:
    """A client for tools outside Scrapy (writer, enqueue); bytes in, bytes out."""
    return Redis.from_url(url, **connection_options())


@dataclass(frozen=True)
class RedisKeys:
    prefix: str = DEFAULT_PREFIX

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # -- the frontier (scrapy-redis's keys, named by SCHEDULER_*_KEY settings) --
    @property
    def requests(self) -> str:
        return self.key("requests")

    @property
    def dupefilter(self) -> str:
        return self.key("dupefilter")

    def inflight(self, worker: str) -> str:
        """Requests a worker has taken from the frontier and not finished."""
        return self.key("inflight", worker)

    @property
    def inflight_pattern(self) -> str:
        return self.key("inflight", "*")

    def heartbeat(self, worker: str) -> str:
        return self.key("worker", worker)

    @property
    def heartbeat_pattern(self) -> str:
        return self.key("worker", "*")

    @property
    def crawl_id(self) -> str:
        """Incremented by `crawler.enqueue` when it starts a new crawl."""
        return self.key("crawl")

    # -- shared incremental state ---------------------------------------------
    @property
    def pages(self) -> str:
        """url -> JSON of what pages_seen holds (validators, kind, status, fetch time)."""
        return self.key("pages")

    @property
    def page_links(self) -> str:
        """url -> JSON list of the links a list page or feed had."""
        return self.key("page_links")

    def outlet_delay(self, slot: str) -> str:
        return self.key("politeness", slot)

    # -- the writer's queue ---------------------------------------------------
    @property
    def items(self) -> str:
        return self.key("items")

    @property
    def items_processing(self) -> str:
        return self.key("items", "processing")

    @property
    def writer_lock(self) -> str:
        return self.key("writer", "lock")

    def run_counts(self, run_key: str) -> str:
        """Counters the writer adds to a worker's run (new, updated, duplicates...)."""
        return self.key("run_counts", run_key)


def keys_from_settings(settings) -> RedisKeys:
    return RedisKeys(settings.get("NEWS_REDIS_PREFIX") or DEFAULT_PREFIX)
