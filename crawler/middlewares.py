"""Downloader middlewares."""
from __future__ import annotations

from crawler.crawlstate import CrawlState


class ConditionalRequestMiddleware:
    """Conditional GET for pages fetched before (If-None-Match / If-Modified-Since).

    The validators come from the `pages_seen` table, which the spider fills for
    list pages and feeds and the storage pipeline fills for articles that were
    stored. A 304 reaches the callback, which reuses what it knew of the page.
    Browser-rendered requests are left alone: Chromium manages its own cache.
    """

    def __init__(self, state: CrawlState):
        self.state = state

    @classmethod
    def from_crawler(cls, crawler):
        return cls(CrawlState.of(crawler))

    def process_request(self, request, spider=None):
        if request.meta.get("playwright") or request.meta.get("unconditional"):
            return None
        seen = self.state.page_seen(request.url)
        if not seen:
            return None
        if seen.get("etag"):
            request.headers.setdefault("If-None-Match", seen["etag"])
        if seen.get("last_modified"):
            request.headers.setdefault("If-Modified-Since", seen["last_modified"])
        statuses = set(request.meta.get("handle_httpstatus_list", [])) | {304}
        request.meta["handle_httpstatus_list"] = sorted(statuses)
        return None
