"""The steps after extraction, without Scrapy: deduplicate, analyse, store.

The item pipelines (crawler/pipelines.py) call one step each; anything else
that has articles to store (the tests, a writer fed by several crawlers)
calls `ArticleProcessor.process`, so every path runs the same code.
"""
from __future__ import annotations

from dataclasses import dataclass

from crawler.items import ArticleItem
from crawler.storage import NewsDatabase
from extractors import facts_text, fill_facts
from extractors.analysis import analyse_article
from extractors.facts import Facts, extract_facts
from extractors.dedup import content_hash
from extractors.stories import story_features
from extractors.tokenize import terms_from_tokens


@dataclass
class TextAnalysis:
    """What one Kiwi analysis of an article gives the later steps."""

    index_title: str
    index_body: str
    story_features: bytes
    facts: Facts


def analyse_text(title: str, text: str, published_at: str | None, authors: tuple[str, ...] = ()) -> TextAnalysis:
    """Kiwi once over the title and the text (subtitle and body, `extractors.facts_text`),
    feeding the search terms, the story features and the facts. A plain
    function, so a worker process can run it."""
    analysis = analyse_article(title, text)
    return TextAnalysis(
        index_title=terms_from_tokens(analysis.title_tokens).as_index_text(),
        index_body=terms_from_tokens(analysis.body_tokens).as_index_text(),
        story_features=story_features(title, text, published_at, analysis).to_bytes(),
        facts=extract_facts(title, text, published_at, analysis, authors),
    )


def analysis_arguments(item: ArticleItem) -> tuple:
    return item.title, facts_text(item.subtitle, item.body), item.published_at, tuple(item.authors)


def needs_analysis(item: ArticleItem) -> bool:
    return item.save_status != "unchanged"


def apply_analysis(item: ArticleItem, analysis: TextAnalysis) -> ArticleItem:
    item.index_title, item.index_body = analysis.index_title, analysis.index_body
    item.story_features = analysis.story_features
    fill_facts(item, analysis.facts)
    return item


class Duplicate(Exception):
    """The item repeats an article already stored or seen; the message says which."""

    def __init__(self, message: str, counter: str):
        super().__init__(message)
        self.counter = counter


class ArticleProcessor:
    def __init__(self, database: NewsDatabase):
        self.database = database
        self.urls_this_run: set[str] = set()
        # Texts past deduplication and not yet stored, by (content hash, outlet).
        # With CPU worker processes several articles are analysed at once, and
        # a copy of a text still being analysed is not in the database yet.
        self.texts_in_progress: dict[tuple[str, str], str] = {}

    def process(self, item: ArticleItem) -> ArticleItem:
        """Every step in order; raises `Duplicate` for an item that is not stored."""
        try:
            for step in (self.deduplicate, self.analyse, self.store):
                item = step(item)
        except Exception:
            self.forget_in_progress(item)
            raise
        return item

    def deduplicate(self, item: ArticleItem) -> ArticleItem:
        """By canonical URL (once per run), by exact text within one outlet, and against the stored text."""
        if item.url in self.urls_this_run:
            raise Duplicate(f"already stored this run under its canonical URL: {item.url}", "duplicate_url")
        self.urls_this_run.add(item.url)
        item.content_hash = content_hash(item.body)
        in_progress = self.texts_in_progress.get((item.content_hash, item.site))
        same_text = (in_progress if in_progress != item.url else None) or self.database.same_content_elsewhere(
            item.content_hash, item.site, item.url)
        if same_text:
            raise Duplicate(f"same text as {same_text}: {item.url}", "duplicates")
        previous = self.database.stored_article(item.url)
        if previous is None:
            item.version, item.save_status = 1, "new"
        elif previous.content_hash == item.content_hash:
            item.url, item.story_id, item.version, item.save_status = (
                previous.url, previous.story_id, previous.version, "unchanged")
        else:
            item.url, item.story_id, item.version, item.save_status = (
                previous.url, previous.story_id, previous.version + 1, "updated")
        self.texts_in_progress[item.content_hash, item.site] = item.url
        return item

    def analyse(self, item: ArticleItem) -> ArticleItem:
        """One Kiwi analysis of a new or changed text feeds its search terms and its story features."""
        if not needs_analysis(item):
            return item
        return apply_analysis(item, analyse_text(*analysis_arguments(item)))

    def store(self, item: ArticleItem) -> ArticleItem:
        """The article and everything derived from it (index, version, story), in one transaction."""
        try:
            if item.save_status == "unchanged":
                self.database.touch_article(item.url, item.etag, item.last_modified)
            else:
                item.story_id = self.database.save_article(item.to_dict(), self.database.stored_article(item.url))
        finally:
            self.forget_in_progress(item)
        return item

    def forget_in_progress(self, item: ArticleItem) -> None:
        """Once stored (the database answers for it) or failed (a copy may still be stored)."""
        if item.content_hash and self.texts_in_progress.get((item.content_hash, item.site)) == item.url:
            del self.texts_in_progress[item.content_hash, item.site]
