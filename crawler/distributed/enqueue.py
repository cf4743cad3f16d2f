"""`python -m crawler.enqueue`: put outlets' entry points in the shared frontier.

    python -m crawler.enqueue --redis-url redis://host:6379/0 --region 경북
    python -m crawler.enqueue --redis-url redis://host:6379/0 --outlet 한빛뉴스,대경데일리
    python -m crawler.enqueue --redis-url redis://host:6379/0          # every outlet

Outlets are chosen as `scrapy crawl news -a outlet=... -a region=...` chooses
them, and their feeds, sitemaps and list pages are built by the same spider
code, then pushed through the shared dupefilter into the frontier, where
`scrapy crawl news -s REDIS_URL=...` workers take them.

When nothing is queued or in flight, this starts a new crawl: the previous
crawl's request fingerprints are dropped, so every page may be asked for
again (with conditional GET). Otherwise the outlets join the running crawl.
"""
from __future__ import annotations

import argparse
import sys

from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.distributed.frontier import FrontierQueue, SharedDupeFilter
from crawler.distributed.keys import keys_from_settings
from crawler.distributed.state import open_shared_state
from crawler.spiders.news import NewsSpider


def crawl_is_running(server, keys) -> bool:
    return bool(server.zcard(keys.requests)) or any(True for _ in server.scan_iter(match=keys.inflight_pattern))


def project_settings(redis_url: str, overrides: list[str]) -> Settings:
    settings = get_project_settings()
    for override in overrides:
        name, _, value = override.partition("=")
        settings.set(name, value, priority="cmdline")
    settings.set("REDIS_URL", redis_url, priority="cmdline")
    return settings


def enqueue(settings: Settings, outlet: str | None = None, region: str | None = None) -> tuple[int, int, int]:
    """(crawl id, outlets, requests pushed) after putting the chosen outlets' entry points in the frontier."""
    crawler = Crawler(NewsSpider, settings)
    # The add-on gives these settings the workers' Redis options and prefix.
    crawler.addons.load_settings(crawler.settings)
    spider = NewsSpider.from_crawler(crawler, outlet=outlet, region=region)
    store = open_shared_state(crawler)
    server, keys = store.server, keys_from_settings(crawler.settings)
    if crawl_is_running(server, keys):
        crawl_id = int(server.get(keys.crawl_id) or 0)
    else:
        server.delete(keys.dupefilter)
        crawl_id = server.incr(keys.crawl_id)
    # Requests are stored with their callbacks' names, looked up on a spider
    # instance; a bare one, because the crawling one's `state` needs a running crawl.
    queue = FrontierQueue(server, NewsSpider(), keys.requests)
    dupefilter = SharedDupeFilter(server, keys.dupefilter)
    store.upsert_sites(spider.outlets)
    pushed = 0
    for news_outlet in spider.outlets:
        for request in spider.discovery_requests(news_outlet):
            if not dupefilter.request_seen(request):
                queue.push(request)
                pushed += 1
    return crawl_id, len(spider.outlets), pushed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.enqueue", description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True, help="redis://host:6379/0, as given to the workers")
    parser.add_argument("--outlet", help="outlet key or name; a,b for several (as -a outlet=)")
    parser.add_argument("--region", help="region, e.g. 경북 (as -a region=)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting, as for scrapy crawl (OUTLETS_FILE, NEWS_REDIS_PREFIX...)")
    args = parser.parse_args(argv)
    crawl_id, outlets, pushed = enqueue(project_settings(args.redis_url, args.settings), args.outlet, args.region)
    if not outlets:
        print("no outlet matches; see python -m crawler.outlets list", file=sys.stderr)
        return 1
    print(f"crawl {crawl_id}: {pushed} entry requests for {outlets} outlet(s) in the frontier")
    return 0
