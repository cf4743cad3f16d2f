"""The article record that every extraction stage fills in.

Plain dataclasses, so the crawler, the evaluation command and the tests all
see the same shape, and `to_dict()` gives the JSON the CLI prints.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Image:
    src: str
    caption: str = ""


@dataclass
class ArticleRecord:
    url: str
    canonical_url: str = ""
    title: str = ""
    subtitle: str = ""
    # Paragraphs of the story only, separated by blank lines.
    body: str = ""
    # ISO 8601 with an explicit offset (+09:00 where the page gives none).
    published_at: str | None = None
    modified_at: str | None = None
    authors: list[str] = field(default_factory=list)
    author_emails: list[str] = field(default_factory=list)
    section: str = ""
    images: list[Image] = field(default_factory=list)
    site_name: str = ""
    language: str = "ko"
    # How the page was decoded and where the body came from, for debugging
    # bad extractions from the database alone.
    encoding: str = ""
    body_source: str = ""
    cms_family: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class ExtractionError(Exception):
    """The page could not be turned into an article; the message says why."""
