"""`scrapy crawl urls`: fetch and extract given article URLs.

    scrapy crawl urls -a url=https://example.kr/news/articleView.html?idxno=1
    scrapy crawl urls -a file=urls.txt      # one URL a line; # starts a comment

A URL of an outlet in the registry is stored under that outlet; any other URL
under its host name, so nothing given is dropped for being unknown.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from crawler.outlets import Outlet, load_outlets, outlets_by_host
from crawler.browser import INSTALL_HINT
from crawler.spiders.base import ArticleFetchingSpider, use_browser_if_needed
from extractors.urls import is_web_url, site_host


class UrlsSpider(ArticleFetchingSpider):
    name = "urls"

    def __init__(self, url: str | None = None, file: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arguments.update(url=url, file=file)
        self.url = url
        self.file = file
        self.outlets: list[Outlet] = []
        self.targets: list[tuple[Outlet, str]] = []
        self.skipped_outlets: list[Outlet] = []

    def given_urls(self) -> list[str]:
        urls = [self.url] if self.url else []
        if self.file:
            for line in Path(self.file).read_text("utf-8").splitlines():
                line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
                if line:
                    urls.append(line)
        if not urls:
            raise ValueError("give -a url=URL or -a file=PATH (one URL a line)")
        return urls

    def outlet_for(self, url: str, outlets_by_host: dict[str, Outlet]) -> Outlet:
        outlet = outlets_by_host.get(site_host(url)) if is_web_url(url) else None
        if outlet is not None:
            return outlet
        # An outlet the registry does not know: no CMS family, so the
        # extractor guesses one from the page. One per host, kept for the
        # host's other URLs: a file may hold a whole archive of one site.
        parts = urlsplit(url)
        host = site_host(url)
        outlet = Outlet(key=host, name=host, region="", homepage=f"{parts.scheme}://{parts.netloc}/", cms="",
                        source=url)
        if is_web_url(url):
            outlets_by_host[host] = outlet
        return outlet

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # By host, not by asking every outlet about every URL: a file may hold a whole archive's URLs.
        by_host = outlets_by_host(load_outlets(crawler.settings.get("OUTLETS_FILE")))
        spider.targets = [(spider.outlet_for(url, by_host), url) for url in spider.given_urls()]
        for outlet, _ in spider.targets:
            if outlet not in spider.outlets:
                spider.outlets.append(outlet)
        skipped = use_browser_if_needed(crawler, spider.outlets, spider.logger)
        spider.outlets = [outlet for outlet in spider.outlets if outlet not in skipped]
        spider.targets = [(outlet, url) for outlet, url in spider.targets if outlet not in skipped]
        spider.skipped_outlets = skipped
        return spider

    async def start(self):
        self.state.register_outlets(self.outlets)
        if self.skipped_outlets:
            self.state.skip_outlets(self.skipped_outlets, f"needs a browser and none was found; {INSTALL_HINT}")
        for outlet, url in self.targets:
            yield self.article_request(outlet, url, unconditional=True)
