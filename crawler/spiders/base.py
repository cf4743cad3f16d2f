"""What both spiders share: fetching an article page and recording failures."""
from __future__ import annotations

import scrapy
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.browser import find_chromium, no_browser_message
from crawler.crawlstate import CrawlState
from crawler.items import PageItem
from crawler.middlewares import REFUSED_REDIRECT, first_url
from crawler.outlets import Outlet
from crawler.storage import utc_now
from extractors.urls import canonical_url

try:
    from scrapy_playwright.page import PageMethod
except ImportError:  # scrapy-playwright is a pinned dependency; this only guards odd installs
    PageMethod = None


# Set only by spiders whose outlets need JavaScript, so other crawls never start a browser.
PLAYWRIGHT_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}


def use_browser_if_needed(crawler, outlets: list[Outlet], logger) -> list[Outlet]:
    """Route this crawl through scrapy-playwright when an outlet needs JavaScript.

    Returns the JavaScript outlets to skip because no browser was found;
    that is said once, with how to install one, instead of failing each page.
    Settings are still open here (called from `from_crawler`, Scrapy >= 2.11).
    """
    javascript_outlets = [outlet for outlet in outlets if outlet.needs_js]
    if not javascript_outlets:
        return []
    search = find_chromium(crawler.settings.get("NEWS_CHROMIUM_PATH", ""))
    if search.browser is None:
        logger.warning(no_browser_message([outlet.key for outlet in javascript_outlets], search))
        return javascript_outlets
    logger.info("JavaScript outlets render in %s (found via %s)", search.browser.path, search.browser.source)
    options = {**crawler.settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"), "executable_path": search.browser.path}
    crawler.settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")
    crawler.settings.set("DOWNLOAD_HANDLERS", PLAYWRIGHT_HANDLERS, priority="spider")
    return []


def describe_failure(failure, max_bytes: int) -> tuple[str, int | None]:
    """A short, human reason for a failed request, and its HTTP status if any.

    `max_bytes` is the crawl's download size limit (DOWNLOAD_MAXSIZE), named
    in the reason when a response went over it.
    """
    error = failure.value
    if failure.check(HttpError):
        return http_error_reason(error.response), error.response.status
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError) or "Timeout" in type(error).__name__:
        return "timeout: the server did not answer in time", None
    if failure.check(DNSLookupError):
        return "DNS lookup failed", None
    message = failure.getErrorMessage() or type(error).__name__
    if failure.check(IgnoreRequest) and message.startswith(REFUSED_REDIRECT):
        return message, None
    if failure.check(IgnoreRequest) and "redirect" in message.lower():
        return f"redirect loop or too many redirects ({message})", None
    too_large = "max size" in message.lower() or "maxsize" in message.lower()
    # Scrapy cancels a download that goes over DOWNLOAD_MAXSIZE without a
    # Content-Length, and says only that it was cancelled.
    if too_large or failure.check(DownloadCancelledError, CancelledError):
        after = " after decompression" if "decompress" in message.lower() else ""
        return f"response too large{after} ({max_bytes // (1024 * 1024)} MB limit)", None
    return f"{type(error).__name__}: {message}", None


def http_error_reason(response) -> str:
    reason = f"HTTP {response.status}"
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        reason += f" (Retry-After: {retry_after.decode('latin-1')[:40]})"
    return reason


class ArticleFetchingSpider(scrapy.Spider):
    """Base for spiders that request article pages and hand them to the pipelines."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The -a arguments as given, recorded with the run (crawl_runs.arguments).
        self.arguments = dict(kwargs)
        # Every article request shares this one bound method. Scrapy caches its
        # check of a callback's source (warn_on_generator_with_return_value)
        # per callback object, weakly: a bound method made afresh for each
        # request missed that cache, so the source of parse_article was read
        # and parsed again for every page, about 2% of a one-core crawl.
        self.article_callback = self.parse_article

    @property
    def state(self) -> CrawlState:
        return CrawlState.of(self.crawler)

    def article_request(self, outlet: Outlet, url: str, **meta) -> scrapy.Request:
        """A request for an article, under its canonical URL (one URL, one download, one row)."""
        url = canonical_url(url, outlet.homepage)
        request_meta = {"outlet": outlet.key, "cms": outlet.cms, "page_kind": "article", **meta}
        if outlet.needs_js:
            request_meta["playwright"] = True
            if PageMethod is not None:
                # JavaScript sites fill the page after load; wait for the network to settle.
                request_meta["playwright_page_methods"] = [PageMethod("wait_for_load_state", "networkidle")]
        # dont_filter: this spider dedupes URLs itself, and the dupe filter would
        # silently swallow the second hop of a redirect loop instead of failing it.
        return scrapy.Request(url, callback=self.article_callback, errback=self.on_error,
                              meta=request_meta, dont_filter=True, priority=10)

    def parse_article(self, response):
        outlet = response.meta["outlet"]
        requested_url = first_url(response.request)
        if response.url != requested_url and not self.owns(outlet, response.url):
            self.state.record_failure(requested_url, outlet, "download",
                                      f"article: redirected to another site ({response.url})")
            return
        if response.status == 304:
            self.state.remember_page(requested_url, outlet, "article", self.header(response, "ETag"),
                                     self.header(response, "Last-Modified"), 304)
            return
        yield PageItem(
            url=response.url,
            requested_url=requested_url,
            outlet=outlet,
            html=response.body,
            content_type=self.header(response, "Content-Type"),
            cms=response.meta.get("cms", ""),
            etag=self.header(response, "ETag"),
            last_modified=self.header(response, "Last-Modified"),
            fetched_at=utc_now(),
        )

    def on_error(self, failure):
        request = failure.request
        outlet = request.meta.get("outlet", "")
        if failure.check(IgnoreRequest) and "robots.txt" in (failure.getErrorMessage() or ""):
            self.logger.info("skipped (robots.txt forbids it): %s", request.url)
            self.state.count(outlet, "robots_forbidden")
            self.state.note_example(outlet, "robots", request.url)
            return
        reason, status = describe_failure(failure, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if status == 404 and request.meta.get("backfill"):
            # Walking ids back meets unpublished and deleted ids: expected, not a failure.
            self.state.count(outlet, "backfill_missing")
            return
        self.state.record_failure(first_url(request), outlet, "download",
                                  f"{request.meta.get('page_kind', 'page')}: {reason}", status)

    def owns(self, outlet_key: str, url: str) -> bool:
        """Whether `url` is on one of the outlet's hosts (the registry's homepage and article_hosts)."""
        outlet = next((o for o in getattr(self, "outlets", ()) if o.key == outlet_key), None)
        return outlet is None or outlet.is_own_url(url)

    @staticmethod
    def header(response, name: str) -> str:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else ""
