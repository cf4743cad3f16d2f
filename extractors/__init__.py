"""HTML of a Korean news article in, one clean `ArticleRecord` out.

    from extractors import extract_article
    record = extract_article(response_bytes, url, content_type, family=None)

This module only calls the stages in order, one module each: decoding ->
cleaning (parse) -> scriptdata -> cms (the family) -> metadata / dates ->
body (family XPaths, general rules, script data, trafilatura as the last
resort). No Scrapy import anywhere in here.
"""
from __future__ import annotations

import time

from extractors.body import body_from_container, body_from_trafilatura, body_length, find_container
from extractors.cleaning import PAGE_VISIBLE_TEXT_XPATH, compile_all, first_texts, normalise_space, parse_html
from extractors.cms import CmsFamily, family_for_page
from extractors.dates import find_dates
from extractors.decoding import MAX_BYTES, decode_html, looks_binary
from extractors.facts import Facts, extract_facts
from extractors.metadata import (
    canonical_url,
    caption_texts,
    choose_subtitle,
    choose_title,
    collect_images,
    pick_authors,
    read_meta,
)
from extractors.record import ArticleRecord, ExtractionError, Image
from extractors.scriptdata import body_from_script, read_script_data

__all__ = ["extract_article", "ArticleRecord", "ExtractionError", "Image", "MIN_BODY_CHARS", "facts_text", "fill_facts"]

# The shortest body stored as an article (the crawl's NEWS_MIN_BODY_CHARS
# setting overrides it). One-paragraph briefs run to about 80 characters;
# below 40 what remains is a caption or a teaser.
MIN_BODY_CHARS = 40
# The DOM body wins unless script data holds clearly more of the story.
DOM_BODY_ENOUGH_CHARS = 200
SCRIPT_BODY_ADVANTAGE = 1.5


class StageClock:
    """Adds the time since the previous lap to `timings[stage]` (for `make bench`); free when timings is None."""

    def __init__(self, timings: dict[str, float] | None):
        self.timings = timings
        self.last = time.perf_counter() if timings is not None else 0.0

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now


def extract_article(html: bytes | str, url: str, content_type: str | None = None,
                    family: CmsFamily | None = None, min_body_chars: int = MIN_BODY_CHARS,
                    timings: dict[str, float] | None = None, facts: bool = True) -> ArticleRecord:
    """Turn one fetched page into an article record, or say why it is not one.

    `family` is the outlet's CMS family when the registry knows it; only
    when it is None is the family guessed from the URL and the markup.
    `timings`, when given, receives the seconds spent in each stage.
    `facts=False` skips the Kiwi analysis and the facts (the crawler runs
    them in a later step, once per new or changed text).
    """
    clock = StageClock(timings)
    if html is None or len(html) == 0:
        raise ExtractionError("empty input")
    if isinstance(html, (bytes, bytearray)) and looks_binary(bytes(html[:MAX_BYTES])):
        raise ExtractionError("binary content")
    decoded = decode_html(html, content_type)
    clock.lap("decode")
    root = parse_html(decoded.text)
    clock.lap("parse")
    if root is None:
        raise ExtractionError("no HTML to parse")
    meta = read_meta(root)
    script = read_script_data(root)
    family = family or family_for_page(url, root)
    site_name = meta.get("og:site_name") or script.site_name
    title = choose_title(root, meta, script.headline, site_name, first_texts(root, family.title_xpaths))
    subtitle = choose_subtitle(root, family, title)
    page_text = normalise_space(" ".join(PAGE_VISIBLE_TEXT_XPATH(root)))
    published, modified = find_dates(root, meta, script, family, url, page_text, title)
    family_bylines = first_texts(root, family.byline_xpaths)
    clock.lap("metadata and dates")

    container, body_source = find_container(root, compile_all(family.body_xpaths))
    images = collect_images(container, meta, url)
    drop_exact = caption_texts(container) | {title, subtitle}
    dom_body = body_from_container(container, drop_exact, compile_all(family.remove_xpaths)) if container is not None else None
    chosen = dom_body
    if body_length(dom_body) < DOM_BODY_ENOUGH_CHARS:
        script_body = body_from_script(script, drop_exact)
        if body_length(script_body) > max(body_length(dom_body) * SCRIPT_BODY_ADVANTAGE, min_body_chars):
            chosen, body_source = script_body, "script"
    if body_length(chosen) < min_body_chars:
        fallback = body_from_trafilatura(decoded.text, url)
        if body_length(fallback) >= min_body_chars:
            chosen, body_source = fallback, "trafilatura"
    if chosen is None or body_length(chosen) < min_body_chars:
        raise ExtractionError(f"no article body found (at least {min_body_chars} characters)")
    authors, emails = pick_authors(family_bylines, chosen.byline_lines, script, meta, page_text, title)
    known_captions = {image.caption for image in images}
    for caption in chosen.caption_lines:
        if caption not in known_captions:
            images.append(Image(src="", caption=caption))
            known_captions.add(caption)
    clock.lap("body")
    record = ArticleRecord(
        url=url,
        canonical_url=canonical_url(root, meta, url),
        title=title,
        subtitle=subtitle,
        body="\n\n".join(chosen.paragraphs),
        published_at=published,
        modified_at=modified,
        authors=authors,
        author_emails=emails,
        section=meta.get("article:section") or script.section,
        images=images,
        site_name=site_name,
        language=(root.get("lang") or "ko").split("-")[0].lower() or "ko",
        encoding=decoded.encoding,
        body_source=body_source,
        cms_family=family.name,
    )
    if facts:
        fill_facts(record, extract_facts(record.title, facts_text(record.subtitle, record.body), record.published_at, None, record.authors))
        clock.lap("facts")
    return record


# Kiwi reads at most this much of an article (its analysis of a 5 MB page
# dump takes minutes); the longest real articles in the gold sets and the
# mirror are under 15,000 characters.
ANALYSED_TEXT_MAX_CHARS = 50_000


def facts_text(subtitle: str, body: str) -> str:
    """The text Kiwi analyses for the search index, stories and facts: the
    subtitle (which often carries the deal and its amount) as the first
    paragraph, then the body, at most ANALYSED_TEXT_MAX_CHARS."""
    text = f"{subtitle}\n\n{body}" if subtitle else body
    return text[:ANALYSED_TEXT_MAX_CHARS]


def fill_facts(record: ArticleRecord, facts: Facts) -> ArticleRecord:
    record.entities, record.agreements = facts.entities, facts.agreements
    record.regions, record.countries, record.keywords = facts.regions, facts.countries, facts.keywords
    return record
