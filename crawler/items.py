"""Items passed from spiders to pipelines, as plain dataclasses.

A spider yields a `PageItem` (the fetched page); the extraction pipeline turns
it into an `ArticleItem`. `ArticleItem` is the extractor's `ArticleRecord`
plus what only the crawl knows, so an article's fields are declared once:
the SQLite columns (crawler/storage/schema.py), the `-O out.jsonl` export
fields (settings.FEED_EXPORT_FIELDS) and Datasette's column descriptions are
all derived from this class.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from extractors.record import ArticleRecord, described


@dataclass
class PageItem:
    url: str
    outlet: str
    # Kept out of the repr: Scrapy logs dropped items, and a page can be megabytes.
    html: bytes = field(repr=False)
    # The URL we asked for, when redirects led elsewhere.
    requested_url: str = ""
    content_type: str = ""
    # The outlet's CMS family from the registry; empty for a URL of no known
    # outlet, whose family the extractor then guesses.
    cms: str = ""
    etag: str = ""
    last_modified: str = ""
    fetched_at: str = ""


@dataclass
class ArticleItem(ArticleRecord):
    fetched_url: str = described("The URL the crawler fetched, when it differs from the canonical one.")
    site: str = described("The outlet (sites.key).")
    etag: str = described("ETag of the last response, for conditional requests.")
    last_modified: str = described("Last-Modified of the last response, for conditional requests.")
    content_hash: str = described(
        "sha256 of the body with spacing, punctuation and quote styles folded; equal for exact copies.")
    story_id: str = described(
        "The story (stories.story_id): the URL of the article that founded it, for every version of the same "
        "event printed by several outlets; equal to url for a story seen once.")
    version: int = described(
        "1 for the first fetch; increases each time the text changes (see article_versions).", 0)
    # Only during the crawl: where the request started, and the stages' outcome.
    requested_url: str = described("The URL first requested, before redirects.", stored=False)
    fetched_at: str = described("When the page was fetched (UTC).", stored=False)
    save_status: str = described("new, updated or unchanged: what storing this item did.", stored=False)
    # Kiwi index terms of title and body, written to articles_fts by the store step.
    index_title: str = described("Kiwi index terms of the title.", stored=False, exported=False)
    index_body: str = described("Kiwi index terms of the body.", stored=False, exported=False)
    # The story matcher's features of the text, written to story_index_articles.
    story_features: bytes | None = described("Story features (extractors.stories.StoryFeatures as bytes).", None,
                                             stored=False, exported=False)


def exported_field_names(item_class=ArticleItem) -> list[str]:
    return [f.name for f in fields(item_class) if f.metadata.get("exported", True)]
