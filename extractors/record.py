"""The article record that every extraction stage fills in: the one schema.

Each field carries its own description. The crawler's item extends this
record with what only a crawl knows, the SQLite columns and their types are
derived from the item, and Datasette's column descriptions are read from the
same place, so a field is declared once (see `crawler/storage/schema.py`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any


def described(description: str, default: Any = "", *, stored: bool = True, exported: bool = True,
              json_list: bool = False) -> Any:
    """A dataclass field with its user-facing description.

    `stored=False` keeps a field out of the `articles` table (it is written
    elsewhere or only lives during a crawl); `exported=False` keeps it out of
    `-O out.jsonl` exports. Lists get a fresh default per instance.
    """
    metadata = {"description": description, "stored": stored, "exported": exported}
    if isinstance(default, list) or json_list:
        return field(default_factory=list, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class Image:
    src: str
    caption: str = ""


@dataclass
class ArticleRecord:
    url: str = described("Canonical URL of the article (primary key).")
    canonical_url: str = described(
        "The canonical link the page itself declares (rel=canonical or og:url), which may point at another outlet.")
    title: str = described("Headline.")
    subtitle: str = described("Sub-headline, when the page has one.")
    body: str = described("Clean story text, paragraphs separated by blank lines.")
    published_at: str | None = described(
        "Publication time, ISO 8601 with +09:00 (a bare date when the page gives no time); empty when the page gives none.",
        None)
    modified_at: str | None = described("Last modification time given by the page, ISO 8601 with +09:00.", None)
    authors: list[str] = described("JSON array of reporter names.", [])
    author_emails: list[str] = described("JSON array of reporter e-mail addresses.", [])
    section: str = described("The outlet's section (정치, 경제, 사회…).")
    images: list[Image] = described("JSON array of {src, caption} for the story's photos.", [])
    site_name: str = described("The outlet's name as the page states it.")
    language: str = described("Language code of the text (ko).", "ko")
    # How the page was decoded and where the body came from, for debugging
    # bad extractions from the database alone.
    encoding: str = described("Character encoding the page was decoded with (utf-8, euc-kr…).")
    body_source: str = described("Which extraction path produced the body (CMS adapter, generic rules, script data).")
    cms_family: str = described("CMS family used for extraction: the outlet's from the registry, else guessed from URL and markup.")
    # Facts (extractors/facts): entity and agreement rows live in their own tables.
    entities: list[dict] = described(
        "Organisations, people (with role and organisation), places, amounts and dates in the text.", [],
        stored=False)
    agreements: list[dict] = described(
        "Deals the text reports: type, parties, amount, date, place, duration, status, evidence sentence.", [],
        stored=False)
    regions: list[str] = described("JSON array of the Korean provinces the story is about (official names).", [])
    countries: list[str] = described("JSON array of the foreign countries the story involves.", [])
    keywords: list[str] = described("JSON array of the story's most telling nouns.", [])

    def to_dict(self) -> dict:
        """The fields as plain values for JSON and SQLite: images become dicts.

        The other values are the record's own, not copies: `asdict`'s deep copy
        of the facts' dicts cost more than writing them to SQLite.
        """
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["images"] = [asdict(image) if is_dataclass(image) else image for image in self.images]
        return values


class ExtractionError(Exception):
    """The page could not be turned into an article; the message says why."""
