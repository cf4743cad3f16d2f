"""Downloader middlewares."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.crawlstate import CrawlState
from extractors.urls import is_private_address


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


# Every reason RedirectSafetyMiddleware gives starts with this (the spider's
# failure description passes it through unchanged).
REFUSED_REDIRECT = "redirect refused"
WEB_SCHEMES = ("http", "https")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def redirect_refusal(origin_url: str, target_url: str) -> str | None:
    """Why a redirect from `origin_url` (what the crawl asked for) to `target_url` is not followed, or None.

    A page on the public web may not send the crawler to a non-web scheme
    (file:, ftp:, data:) or into this machine or its private network
    (127.0.0.1, 169.254.169.254 where clouds keep their credentials, 10/8...).
    An outlet that is itself local (the offline mirror, a test server) may.
    """
    scheme = urlsplit(target_url).scheme.lower()
    if scheme not in WEB_SCHEMES:
        return f"{REFUSED_REDIRECT}: to a {scheme or 'relative'}: address ({target_url[:200]})"
    if is_private_address(target_url) and not is_private_address(origin_url):
        return f"{REFUSED_REDIRECT}: from a public site to a private address ({target_url[:200]})"
    return None


class RedirectSafetyMiddleware:
    """Refuses unsafe redirects (see `redirect_refusal`), as failures with the reason.

    Placed after RedirectMiddleware (600) so it sees a 3xx response before
    it is followed, and sees every redirected request (3xx or <meta refresh>)
    on its way out.
    """

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status in REDIRECT_STATUSES and location:
            target = urljoin(request.url, location.decode("latin-1").strip())
            refusal = redirect_refusal(first_url(request), target)
            if refusal:
                raise IgnoreRequest(refusal)
        return response

    def process_request(self, request, spider=None):
        if request.meta.get("redirect_urls"):
            refusal = redirect_refusal(first_url(request), request.url)
            if refusal:
                raise IgnoreRequest(refusal)
        return None


def first_url(request) -> str:
    """The URL the crawl asked for, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]
