"""Item pipelines, one step each, in this order (settings.ITEM_PIPELINES):

extract -> validate -> deduplicate -> analyse -> store (into stories)

The steps after validation are plain code in crawler/processing.py; these
classes connect them to Scrapy (counters, failures, dropped items).

A page that fails a step is recorded in the `failures` table with the
reason, and dropped from the item stream; nothing disappears silently. An
unexpected error inside a step is recorded the same way, with its stage, so
one odd page never stops the crawl.
"""
from __future__ import annotations

import inspect
import logging
from scrapy.exceptions import DropItem

from crawler.crawlstate import CrawlState
from crawler.items import ArticleItem, PageItem
from crawler.cpu import CpuWorkers
from crawler.processing import Duplicate, analyse_text, analysis_arguments, apply_analysis, needs_analysis
from extractors import MIN_BODY_CHARS, extract_article
from extractors.cms import get_family
from extractors.record import ExtractionError
from extractors.urls import canonical_url, same_site

logger = logging.getLogger(__name__)


class ArticleStep:
    """One pipeline step over `item_type` items; other items pass through."""

    stage = ""
    item_type: type = ArticleItem

    def __init__(self, crawler):
        self.crawler = crawler
        self.state = CrawlState.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item, spider=None):
        if not isinstance(item, self.item_type):
            return item
        try:
            result = self.step(item)
            return await result if inspect.isawaitable(result) else result
        except DropItem:
            raise
        except Exception as error:  # a bug on one odd page must not stop the crawl
            logger.exception("%s step crashed on %s", self.stage, item.url)
            self.reject(item, f"{self.stage} error: {type(error).__name__}: {error}")

    def step(self, item):
        raise NotImplementedError

    def reject(self, item, reason: str):
        if isinstance(item, ArticleItem):
            self.state.processor.forget_in_progress(item)
        url = getattr(item, "fetched_url", "") or item.url
        outlet = item.outlet if isinstance(item, PageItem) else item.site
        self.state.record_failure(url, outlet, self.stage, reason)
        # Remember the page's validators: the same bytes would fail the same
        # way, so the next run asks with a conditional GET and skips it on 304.
        self.state.remember_page(item.requested_url or url, outlet, "article", item.etag, item.last_modified)
        raise DropItem(f"{self.stage}: {reason}: {url}")


class ExtractArticlePipeline(ArticleStep):
    """Fetched bytes in, a clean article record out."""

    stage = "extract"
    item_type = PageItem

    def __init__(self, crawler):
        super().__init__(crawler)
        self.min_body_chars = crawler.settings.getint("NEWS_MIN_BODY_CHARS", MIN_BODY_CHARS)
        self.workers = CpuWorkers.of(crawler)

    async def step(self, item: PageItem) -> ArticleItem:
        family = get_family(item.cms) if item.cms else None
        try:
            # Facts come later, from the one Kiwi analysis of a new or changed text.
            record = await self.workers.run(extract_article, item.html, item.url, item.content_type, family,
                                            self.min_body_chars, None, False)
        except ExtractionError as error:
            self.reject(item, str(error))
        fields = record.to_dict()
        # Trust a canonical link only when it stays on the same site: some CMSs
        # point every syndicated copy at the original outlet.
        canonical = record.canonical_url if same_site(record.canonical_url, item.url) else item.url
        fields.update(url=canonical_url(canonical), images=record.images)
        return ArticleItem(**fields, fetched_url=item.url, site=item.outlet, fetched_at=item.fetched_at,
                           etag=item.etag, last_modified=item.last_modified,
                           requested_url=item.requested_url or item.url)


class ValidateArticlePipeline(ArticleStep):
    """The minimum a stored article has: a title (the extractor already required a body)."""

    stage = "validate"

    def step(self, item: ArticleItem) -> ArticleItem:
        if not item.title.strip():
            self.reject(item, "no title found")
        self.state.count(item.site, "validated")
        if not item.published_at:
            self.state.count(item.site, "without_date")
        if not item.authors:
            self.state.count(item.site, "without_author")
        return item


class DeduplicateArticlePipeline(ArticleStep):
    """By URL (canonical, once per run), by exact text within one outlet, and against the stored text.

    Near-duplicates across outlets (the same press release in other words)
    are kept, and grouped into one story by the story step.
    """

    stage = "deduplicate"

    def step(self, item: ArticleItem) -> ArticleItem:
        try:
            return self.state.processor.deduplicate(item)
        except Duplicate as duplicate:
            self.state.count(item.site, duplicate.counter)
            self.state.remember_page(item.requested_url, item.site, "article", item.etag, item.last_modified)
            raise DropItem(str(duplicate)) from None


class AnalyseArticlePipeline(ArticleStep):
    """One Kiwi analysis of a new or changed text: its search terms, story features and facts."""

    stage = "analyse"

    def __init__(self, crawler):
        super().__init__(crawler)
        self.workers = CpuWorkers.of(crawler)

    async def step(self, item: ArticleItem) -> ArticleItem:
        if not needs_analysis(item):
            return item
        return apply_analysis(item, await self.workers.run(analyse_text, *analysis_arguments(item)))


class StoreArticlePipeline(ArticleStep):
    """Writes the article and everything derived from it in one transaction: its
    version, its search index row, and its place in a story (the story index
    decides which story a new article joins as it writes it)."""

    stage = "store"

    def step(self, item: ArticleItem) -> ArticleItem:
        self.state.processor.store(item)
        for url in {item.requested_url, item.fetched_url}:
            self.state.remember_page(url, item.site, "article", item.etag, item.last_modified)
        self.state.count(item.site, item.save_status)
        return item
