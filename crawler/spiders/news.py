"""`scrapy crawl news`: discover and fetch the articles of outlets in the registry.

    scrapy crawl news                       # every outlet
    scrapy crawl news -a outlet=한빛뉴스      # one outlet, by key or name (a,b for several)
    scrapy crawl news -a region=경북          # one region
    scrapy crawl news -a since=2024-01-01   # walk list pages back to a date
    scrapy crawl news -a backfill_ids=500   # walk sequential ids back (idxno family)

Discovery comes from the outlet's CMS family (extractors/cms.py): feeds,
sitemaps and paged list pages. Only URLs the outlet's adapter recognises as its
own articles are fetched. Pages fetched before are asked for with conditional
GET, and list pages stop paging at the first page with nothing new.
"""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from crawler import discovery
from crawler.outlets import Outlet, load_outlets, select_outlets
from crawler.browser import INSTALL_HINT
from crawler.spiders.base import ArticleFetchingSpider, use_browser_if_needed
from extractors.cms import GENERIC
from extractors.dates import calendar_dates_in, parse_timestamp
from extractors.urls import canonical_url


class NewsSpider(ArticleFetchingSpider):
    name = "news"
    # Each run stores and judges one outlet_runs row per outlet (crawler/health.py).
    records_outlet_health = True

    def __init__(self, outlet: str | None = None, region: str | None = None, since: str | None = None,
                 backfill_ids: str | None = None, max_list_pages: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arguments.update(outlet=outlet, region=region, since=since, backfill_ids=backfill_ids,
                              max_list_pages=max_list_pages)
        self.outlet = outlet
        self.region = region
        self.since = since
        self.since_date: date | None = date.fromisoformat(since) if since else None
        self.backfill_ids = int(backfill_ids) if backfill_ids else 0
        self.max_list_pages_argument = int(max_list_pages) if max_list_pages else None
        self.outlets: list[Outlet] = []
        self.outlets_by_key: dict[str, Outlet] = {}
        self.scheduled: set[str] = set()
        self.newest_id: dict[str, int] = {}
        self.backfill_done: set[str] = set()
        # JavaScript outlets left out because no browser was found.
        self.skipped_outlets: list[Outlet] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        registry = load_outlets(crawler.settings.get("OUTLETS_FILE"))
        # `-a outlet=a,b` selects several outlets.
        names = [name.strip() for name in spider.outlet.split(",")] if spider.outlet else [None]
        for name in names:
            for outlet in select_outlets(registry, outlet=name, region=spider.region):
                if outlet not in spider.outlets:
                    spider.outlets.append(outlet)
        spider.outlets_by_key = {outlet.key: outlet for outlet in spider.outlets}
        spider.max_list_pages = spider.max_list_pages_argument or crawler.settings.getint("NEWS_MAX_LIST_PAGES", 50)
        # Only crawls that include a JavaScript outlet route requests through
        # scrapy-playwright; without a browser those outlets are skipped.
        spider.skipped_outlets = use_browser_if_needed(crawler, spider.outlets, spider.logger)
        spider.outlets = [outlet for outlet in spider.outlets if outlet not in spider.skipped_outlets]
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        self.state.register_outlets(self.outlets)
        if self.skipped_outlets:
            self.state.skip_outlets(self.skipped_outlets, f"needs a browser and none was found; {INSTALL_HINT}")
        self.logger.info("crawling %d outlet(s): %s", len(self.outlets), ", ".join(o.key for o in self.outlets))
        for outlet in self.outlets:
            for request in self.discovery_requests(outlet):
                yield request

    # -- discovery ------------------------------------------------------------

    def discovery_requests(self, outlet: Outlet):
        meta = {"outlet": outlet.key}
        for url in outlet.feed_urls():
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error,
                                 meta={**meta, "page_kind": "feed"})
        for url in outlet.sitemap_urls():
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                 meta={**meta, "page_kind": "sitemap"})
        for url in outlet.list_urls():
            yield scrapy.Request(url, callback=self.parse_list, errback=self.on_error,
                                 meta={**meta, "page_kind": "list", "list_page": 1})
        if outlet.family.discovers_sitemaps_in_robots and not outlet.sitemaps:
            yield scrapy.Request(urljoin(outlet.homepage, "/robots.txt"), callback=self.parse_robots,
                                 errback=self.on_error, meta={**meta, "page_kind": "robots"})

    def remembered_links(self, response) -> list[str] | None:
        """For a 304, the links this page had last time; else None."""
        if response.status != 304:
            return None
        seen = self.state.page_seen(response.url) or {}
        return json.loads(seen.get("links") or "[]")

    def remember(self, response, kind: str, links: list[str]) -> None:
        self.state.remember_page(response.url, response.meta["outlet"], kind, self.header(response, "ETag"),
                                 self.header(response, "Last-Modified"), response.status, links)

    def count_links(self, outlet: Outlet, urls: list[str]) -> None:
        """Links a discovery page gave and how many are the outlet's articles, for outlet health.

        When none matches, a few of the outlet's own article-looking links
        show what its URLs look like now.
        """
        matching = sum(1 for url in urls if outlet.is_article_url(url))
        examples = []
        if not matching:
            own = [url for url in urls if outlet.is_own_url(url)]
            examples = [url for url in own if GENERIC.is_article_url(url)] or own
        self.state.note_links(outlet.key, len(urls), matching, examples)

    def unreadable(self, response, error: discovery.UnreadableDocument) -> None:
        kind = response.meta.get("page_kind", "page")
        self.state.record_failure(response.url, response.meta["outlet"], "discover", f"{kind}: {error}")

    def parse_feed(self, response):
        outlet = self.outlets_by_key[response.meta["outlet"]]
        links = self.remembered_links(response)
        if links is None:
            try:
                links = [link.url for link in discovery.feed_links(response.body, response.url)]
            except discovery.UnreadableDocument as error:
                self.unreadable(response, error)
                return
            self.remember(response, "feed", links)
        self.count_links(outlet, links)
        yield from self.article_requests(outlet, links)

    def parse_sitemap(self, response):
        outlet = self.outlets_by_key[response.meta["outlet"]]
        try:
            pages, nested = discovery.sitemap_entries(response.body, response.url)
        except discovery.UnreadableDocument as error:
            self.unreadable(response, error)
            return
        for url in nested:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                 meta={"outlet": outlet.key, "page_kind": "sitemap"})
        self.count_links(outlet, [page.url for page in pages])
        if self.since_date:
            pages = [page for page in pages if not self.older_than_since(page.changed_at)]
        for page in pages:
            request = self.article_request_if_new(outlet, page.url, changed_at=page.changed_at)
            if request is not None:
                yield request

    def parse_robots(self, response):
        outlet = self.outlets_by_key[response.meta["outlet"]]
        for url in discovery.robots_sitemaps(response.body, response.url):
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                 meta={"outlet": outlet.key, "page_kind": "sitemap"})

    def parse_list(self, response):
        outlet = self.outlets_by_key[response.meta["outlet"]]
        page_number = response.meta.get("list_page", 1)
        links = self.remembered_links(response)
        page_dates: list[date] = []
        if links is None:
            tree = discovery.parse_html(response.body, response.url)
            link_contexts = discovery.page_links(tree)
            links = [url for url, _ in link_contexts]
            page_dates = [d for url, context in link_contexts if outlet.is_article_url(url)
                          for d in calendar_dates_in(context)]
            if outlet.family.discovers_feeds_in_pages:
                for feed_url in discovery.alternate_feeds(tree):
                    yield scrapy.Request(feed_url, callback=self.parse_feed, errback=self.on_error,
                                         meta={"outlet": outlet.key, "page_kind": "feed"})
            self.remember(response, "list", links)

        self.count_links(outlet, links)
        article_urls = [canonical_url(url, outlet.homepage) for url in links if outlet.is_article_url(url)]
        unseen = [url for url in article_urls if not self.is_known(url)]
        yield from self.article_requests(outlet, article_urls)

        next_url = discovery.next_list_page_url(response.url, outlet.family.list_page_param, links)
        if next_url and page_number < self.max_list_pages and self.should_page_on(unseen, article_urls, page_dates):
            yield scrapy.Request(next_url, callback=self.parse_list, errback=self.on_error,
                                 meta={"outlet": outlet.key, "page_kind": "list", "list_page": page_number + 1})

    def should_page_on(self, unseen: list[str], article_urls: list[str], page_dates: list[date]) -> bool:
        if self.since_date is not None:
            # Backfill: keep walking while the page still reaches back past `since`.
            if page_dates:
                return min(page_dates) >= self.since_date
            return bool(article_urls)
        # Incremental: a page with nothing new means the rest is known too,
        # unless the last run stopped before it had walked the rest.
        return bool(unseen) or (self.state.resuming and bool(article_urls))

    def older_than_since(self, changed_at: str) -> bool:
        parsed = parse_timestamp(changed_at)
        return bool(parsed and self.since_date and parsed.date() < self.since_date)

    # -- articles -------------------------------------------------------------

    def is_known(self, url: str) -> bool:
        seen = self.state.page_seen(url)
        return bool(seen and seen.get("kind") == "article")

    def article_requests(self, outlet: Outlet, urls: list[str]):
        for url in urls:
            if not outlet.is_article_url(url):
                continue
            request = self.article_request_if_new(outlet, url)
            if request is not None:
                yield request

    def article_request_if_new(self, outlet: Outlet, url: str, changed_at: str = ""):
        if not outlet.is_article_url(url):
            return None
        # One article, one URL: tracking parameters, fragments, query order and
        # www./m./http(s) variants are scheduled, requested and stored as one.
        url = canonical_url(url, outlet.homepage)
        if url in self.scheduled:
            return None
        self.scheduled.add(url)
        article_id = outlet.family.article_id(url)
        if article_id is not None:
            self.newest_id[outlet.key] = max(self.newest_id.get(outlet.key, 0), article_id)
        if self.is_known(url) and not self.worth_asking_again(outlet, url, changed_at):
            self.state.count(outlet.key, "skipped_unchanged")
            return None
        return self.article_request(outlet, url)

    def worth_asking_again(self, outlet: Outlet, url: str, changed_at: str) -> bool:
        """Whether to request an article fetched before.

        Yes when the feed or sitemap says it changed since, or when a cheap
        conditional GET can tell (the page gave an ETag or Last-Modified).
        A browser cannot send a conditional GET, and a page without
        validators would be downloaded whole every night: both wait for a
        change signal.
        """
        if self.changed_since_fetch(url, changed_at):
            return True
        seen = self.state.page_seen(url) or {}
        return not outlet.needs_js and bool(seen.get("etag") or seen.get("last_modified"))

    def changed_since_fetch(self, url: str, changed_at: str) -> bool:
        changed = parse_timestamp(changed_at)
        fetched = parse_timestamp((self.state.page_seen(url) or {}).get("last_fetched_at"))
        return bool(changed and (fetched is None or changed > fetched))

    # -- backfill by sequential id ---------------------------------------------

    def on_idle(self, spider):
        """Once discovery is done, walk ids back from the newest one seen."""
        if not self.backfill_ids:
            return
        scheduled_any = False
        for outlet in self.outlets:
            if outlet.key in self.backfill_done or not outlet.family.has_sequential_ids:
                continue
            self.backfill_done.add(outlet.key)
            newest = self.newest_id.get(outlet.key)
            if not newest:
                self.logger.warning("backfill: no article id seen for %s, nothing to walk back from", outlet.key)
                continue
            for article_id in range(newest - 1, max(newest - 1 - self.backfill_ids, 0), -1):
                url = outlet.family.article_url_for_id(outlet.homepage, article_id)
                request = self.article_request_if_new(outlet, url)
                if request is not None and not self.is_known(url):
                    request.meta["backfill"] = True
                    self.crawler.engine.crawl(request)
                    scheduled_any = True
        if scheduled_any:
            raise DontCloseSpider
