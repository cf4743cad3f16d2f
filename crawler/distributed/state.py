"""A worker's crawl state in distributed mode, and the pipeline that sends articles to the writer.

`CrawlState` (crawler/crawlstate.py) keeps its interface; only its store
changes. With NEWS_STATE_STORE pointing at `open_shared_state`, it talks to a
`SharedStateStore`, which answers the calls CrawlState makes of
`NewsDatabase`:

- `page_seen` / `remember_page`: conditional-GET validators, known article
  URLs and the links of list pages, in two Redis hashes every worker reads
  (and, through the writer, in `pages_seen`, so a single machine can go on
  from the same database);
- `start_run`, `record_failure`, `finish_run`, `upsert_sites`: messages to the
  writer, the only process that writes SQLite.

The writer remembers an article's page only after it has committed the
article, so "known" in Redis always means "stored".
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from scrapy_redis.connection import get_redis_from_settings

from crawler.distributed import messages
from crawler.distributed.keys import RedisKeys, keys_from_settings, this_worker
from crawler.items import ArticleItem
from crawler.pipelines import ArticleStep
from crawler.storage import utc_now


def page_memory(url: str, site: str, kind: str, etag: str | None, last_modified: str | None,
                http_status: int) -> dict:
    """What `pages_seen` holds of a page, without its links (kept apart: only list pages have them)."""
    return {"url": url, "site": site, "kind": kind, "etag": etag or None, "last_modified": last_modified or None,
            "http_status": http_status, "last_fetched_at": utc_now()}


@dataclass
class SharedPages:
    """The shared `pages_seen`: read by every worker, written by workers and the writer."""

    server: object
    keys: RedisKeys

    def page_seen(self, url: str) -> dict | None:
        memory, links = self.server.pipeline(transaction=False).hget(self.keys.pages, url).hget(
            self.keys.page_links, url).execute()
        if memory is None:
            return None
        return {**json.loads(memory), "links": links.decode("utf-8") if links is not None else None}

    def remember(self, pipe, url: str, site: str, kind: str, etag: str | None, last_modified: str | None,
                 http_status: int = 200, links: list[str] | None = None) -> None:
        """Adds the writes to `pipe`, so they commit with whatever else the caller sends."""
        memory = page_memory(url, site, kind, etag, last_modified, http_status)
        pipe.hset(self.keys.pages, url, json.dumps(memory, ensure_ascii=False))
        if links is not None:
            pipe.hset(self.keys.page_links, url, json.dumps(links, ensure_ascii=False))


class SharedStateStore:
    """Stands in for `NewsDatabase` inside a worker's CrawlState."""

    def __init__(self, server, keys: RedisKeys, worker: str):
        self.server = server
        self.keys = keys
        self.worker = worker
        self.pages = SharedPages(server, keys)

    def send(self, kind: str, pipe=None, **content) -> None:
        message = messages.encode(kind, run=self.worker, **content)
        (pipe or self.server).lpush(self.keys.items, message)

    # -- the NewsDatabase calls CrawlState makes --------------------------------

    def start_run(self, spider: str, arguments: dict) -> str:
        self.send("run_started", spider=spider, arguments=arguments)
        return self.worker

    def finish_run(self, run_id: str, status: str, counts: dict, per_outlet: dict, duration_seconds: float) -> None:
        self.send("run_finished", status=status, counts=counts, per_outlet=per_outlet,
                  duration_seconds=duration_seconds)

    def record_failure(self, run_id, url: str, site: str, stage: str, reason: str,
                       http_status: int | None = None) -> None:
        self.send("failure", url=url, site=site, stage=stage, reason=reason, http_status=http_status)

    def page_seen(self, url: str) -> dict | None:
        return self.pages.page_seen(url)

    def remember_page(self, url: str, site: str, kind: str, etag: str | None, last_modified: str | None,
                      http_status: int, links: list[str] | None = None) -> None:
        with self.server.pipeline(transaction=True) as pipe:
            self.pages.remember(pipe, url, site, kind, etag, last_modified, http_status, links)
            self.send("page", pipe, url=url, site=site, page_kind=kind, etag=etag, last_modified=last_modified,
                      http_status=http_status, links=links)
            pipe.execute()

    def upsert_sites(self, outlets) -> None:
        self.send("sites", outlets=[
            {"key": o.key, "name": o.name, "region": o.region, "homepage": o.homepage, "cms": o.cms,
             "needs_js": o.needs_js} for o in outlets])

    def close(self) -> None:
        return None

    # -- items -----------------------------------------------------------------

    def push_article(self, item: ArticleItem) -> None:
        # The crawl the article belongs to: the writer deduplicates URLs once per crawl.
        crawl = int(self.server.get(self.keys.crawl_id) or 0)
        self.send("article", crawl=crawl, article=messages.article_content(item))


def open_shared_state(crawler) -> SharedStateStore:
    """NEWS_STATE_STORE in distributed mode (see settings.DISTRIBUTED_SETTINGS)."""
    settings = crawler.settings
    return SharedStateStore(get_redis_from_settings(settings), keys_from_settings(settings), this_worker())


class PushArticlePipeline(ArticleStep):
    """Sends the extracted article to the writer; deduplication, stories and storage happen there."""

    stage = "push"

    def step(self, item: ArticleItem) -> ArticleItem:
        self.state.database.push_article(item)
        self.state.count(item.site, "sent_to_writer")
        return item
