"""Item pipelines, one step each: extract, validate, deduplicate, store.

A page that fails a step is recorded in the `failures` table with the reason,
and dropped from the item stream; nothing disappears silently.
"""
from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem

from crawler.extensions import CrawlRun
from crawler.items import ArticleItem, PageItem
from extractors import extract_article
from extractors.dedup import content_hash
from extractors.record import ExtractionError


class RunAwarePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def run(self) -> CrawlRun:
        return CrawlRun.of(self.crawler)

    def reject(self, item, stage: str, reason: str):
        url = getattr(item, "fetched_url", None) or item.url
        self.run.fail(url, item.site, stage, reason)
        # Remember the page's validators: the same bytes would fail the same
        # way, so the next run asks with a conditional GET and skips it on 304.
        self.run.db.remember_page(item.requested_url or url, item.site, "article", item.etag or None,
                                  item.last_modified or None, 200)
        raise DropItem(f"{stage}: {reason}: {url}")


def same_site(url_a: str, url_b: str) -> bool:
    def host(url: str) -> str:
        netloc = urlsplit(url).netloc.lower()
        return netloc[4:] if netloc.startswith("www.") else netloc

    return host(url_a) == host(url_b)


class ExtractArticlePipeline(RunAwarePipeline):
    """Fetched bytes in, a clean article record out."""

    def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        try:
            record = extract_article(item.body, item.url, content_type=item.content_type)
        except ExtractionError as error:
            self.reject(item, "extract", str(error))
        except Exception as error:  # a bug on one odd page must not stop the crawl
            self.crawler.spider.logger.exception("extractor crashed on %s", item.url)
            self.reject(item, "extract", f"extractor error: {type(error).__name__}: {error}")
        fields = record.to_dict()
        # Trust a canonical link only when it stays on the same site: some CMSs
        # point every syndicated copy at the original outlet.
        canonical = fields.pop("canonical_url") or item.url
        if not same_site(canonical, item.url):
            canonical = item.url
        fields.pop("url")
        return ArticleItem(url=canonical, fetched_url=item.url, site=item.site, fetched_at=item.fetched_at,
                           etag=item.etag, last_modified=item.last_modified,
                           requested_url=item.requested_url or item.url,
                           **{key: value for key, value in fields.items() if key in ArticleItem.__dataclass_fields__})


class ValidateArticlePipeline(RunAwarePipeline):
    """The minimum a stored article has: a title and a real body."""

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        minimum = self.crawler.settings.getint("NEWS_MIN_BODY_CHARS", 30)
        if not item.title.strip():
            self.reject(item, "validate", "no title found")
        if len(item.body.strip()) < minimum:
            self.reject(item, "validate",
                        f"body too short ({len(item.body.strip())} characters, minimum {minimum})")
        if not item.published_at:
            self.crawler.stats.inc_value("articles/without_date")
        if not item.authors:
            self.crawler.stats.inc_value("articles/without_author")
        return item


class DeduplicateArticlePipeline(RunAwarePipeline):
    """By URL (canonical, once per run) and by exact text within one outlet.

    Near-duplicates across outlets (the same press release in other words) are
    kept, and grouped into one story by the storage step.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.urls_this_run: set[str] = set()

    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        if item.url in self.urls_this_run:
            self.crawler.stats.inc_value("articles/duplicate_url")
            raise DropItem(f"already stored this run under its canonical URL: {item.url}")
        self.urls_this_run.add(item.url)
        same_text = self.run.db.find_same_content(content_hash(item.body), item.site, item.url)
        if same_text:
            self.crawler.stats.inc_value("articles/duplicate_content")
            self.run.count(item.site, "duplicates")
            self.run.db.remember_page(item.requested_url, item.site, "article", item.etag, item.last_modified, 200)
            raise DropItem(f"same text as {same_text}: {item.url}")
        return item


class StoreArticlePipeline(RunAwarePipeline):
    def process_item(self, item, spider=None):
        if not isinstance(item, ArticleItem):
            return item
        record = asdict(item)
        result = self.run.db.save_article(record, etag=item.etag, last_modified=item.last_modified)
        for url in {item.requested_url, item.fetched_url}:
            self.run.db.remember_page(url, item.site, "article", item.etag, item.last_modified, 200)
        item.story_id, item.version, item.save_status = result.story_id, result.version, result.status
        self.run.count(item.site, result.status)
        self.crawler.stats.inc_value(f"articles/{result.status}")
        return item
