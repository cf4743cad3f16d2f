"""Items passed from spiders to pipelines, as plain dataclasses.

A spider yields a `PageItem` (the fetched bytes); the extraction pipeline turns
it into an `ArticleItem`, which is what the database and `-O out.jsonl` get.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    url: str
    site: str
    # Kept out of the repr: Scrapy logs dropped items, and a body can be megabytes.
    body: bytes = field(repr=False)
    # The URL we asked for, when redirects led elsewhere.
    requested_url: str = ""
    content_type: str = ""
    http_status: int = 200
    etag: str = ""
    last_modified: str = ""
    fetched_at: str = ""
    rendered: bool = False


@dataclass
class ArticleItem:
    url: str
    fetched_url: str
    site: str
    requested_url: str = ""
    title: str = ""
    subtitle: str = ""
    body: str = ""
    published_at: str | None = None
    modified_at: str | None = None
    authors: list[str] = field(default_factory=list)
    author_emails: list[str] = field(default_factory=list)
    section: str = ""
    images: list[dict] = field(default_factory=list)
    site_name: str = ""
    language: str = "ko"
    encoding: str = ""
    body_source: str = ""
    cms_family: str = ""
    fetched_at: str = ""
    etag: str = ""
    last_modified: str = ""
    # Filled by the storage pipeline.
    story_id: str = ""
    version: int = 0
    save_status: str = ""
