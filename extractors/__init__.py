"""HTML of a Korean news article in, one clean `ArticleRecord` out.

    from extractors import extract_article
    record = extract_article(response_bytes, url, content_type)

Stages, one module each: decoding -> cleaning (parse) -> scriptdata ->
metadata / dates -> body (family XPaths, general rules, script data,
trafilatura as the last resort).  No Scrapy import anywhere in here.
"""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from extractors.body import BodyResult, body_from_container, filter_lines, find_container, remove_duplicate_paragraphs
from extractors.cleaning import normalise_space, parse_fragment, parse_html
from extractors.cms import FAMILIES, GENERIC, CmsFamily, family_for_url
from extractors.dates import (
    MODIFIED_META_KEYS,
    PUBLISHED_META_KEYS,
    date_from_url,
    find_byline_date,
    more_precise,
    parse_machine_date,
)
from extractors.decoding import MAX_BYTES, decode_html, looks_binary
from extractors.metadata import (
    authors_from_values,
    canonical_url,
    caption_texts,
    choose_title,
    collect_images,
    read_meta,
    reporter_names_in,
)
from extractors.record import ArticleRecord, ExtractionError, Image
from extractors.scriptdata import ScriptData, read_script_data

__all__ = ["extract_article", "ArticleRecord", "ExtractionError", "Image"]

MIN_BODY_CHARS = 40
# The DOM body wins unless script data holds clearly more of the story.
DOM_BODY_ENOUGH_CHARS = 200
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
TIME_XPATH = etree.XPath("//time/@datetime")
SUBTITLE_XPATH = etree.XPath(
    "//*[self::h2 or self::h3 or self::h4 or self::p or self::div or self::strong or self::em]"
    "[contains(@class,'subtitle') or contains(@class,'sub-title') or contains(@class,'sub_title')"
    " or contains(@class,'subheading') or contains(@class,'sub-tit') or contains(@class,'sub_tit')"
    " or contains(@class,'summary') or contains(@class,'subhead')]"
)
VISIBLE_TEXT_XPATH = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")


@lru_cache(maxsize=256)
def compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath)


def compile_all(xpaths: tuple[str, ...]) -> tuple[etree.XPath, ...]:
    return tuple(compiled(xpath) for xpath in xpaths)


def choose_family(url: str, root: etree._Element) -> CmsFamily:
    family = family_for_url(url)
    if family is not None:
        return family
    for candidate in FAMILIES.values():
        if candidate.markup_signature and compiled(candidate.markup_signature)(root):
            return candidate
    return GENERIC


def first_texts(root: etree._Element, xpaths: tuple[str, ...]) -> list[str]:
    texts = []
    for xpath in compile_all(xpaths):
        for element in xpath(root):
            text = normalise_space(element if isinstance(element, str) else element.text_content())
            if text:
                texts.append(text)
    return texts


def find_dates(root: etree._Element, meta: dict, script: ScriptData, family: CmsFamily, url: str, page_text: str) -> tuple[str | None, str | None]:
    family_text = " ".join(first_texts(root, family.date_xpaths))
    byline_published = find_byline_date(family_text) or find_byline_date(page_text)
    machine_published = parse_machine_date(script.published) or next(
        (parse_machine_date(meta[key]) for key in PUBLISHED_META_KEYS if meta.get(key)), None
    )
    time_published = next((parse_machine_date(value) for value in TIME_XPATH(root)), None)
    published = more_precise(machine_published, byline_published)
    published = more_precise(published, time_published) or parse_machine_date(script.app_published) or date_from_url(url)
    modified = parse_machine_date(script.modified) or next(
        (parse_machine_date(meta[key]) for key in MODIFIED_META_KEYS if meta.get(key)), None
    )
    modified = modified or find_byline_date(family_text, modified=True) or find_byline_date(page_text, modified=True)
    return published, modified


def body_from_script(script: ScriptData, drop_exact: set[str]) -> BodyResult | None:
    """The best body found in script data, read like a DOM body."""
    best: BodyResult | None = None
    for candidate in script.app_bodies + ([script.json_ld_body] if script.json_ld_body else []):
        if "<" in candidate and ">" in candidate:
            fragment = parse_fragment(candidate)
            if fragment is None:
                continue
            result = body_from_container(fragment, drop_exact)
        else:
            lines = [normalise_space(line) for line in candidate.splitlines()]
            result = filter_lines([line for line in lines if line], drop_exact)
            result.paragraphs = remove_duplicate_paragraphs(result.paragraphs)
        if best is None or body_length(result) > body_length(best):
            best = result
    return best


def body_length(result: BodyResult | None) -> int:
    return sum(len(p) for p in result.paragraphs) if result else 0


def body_from_trafilatura(text: str, url: str) -> BodyResult | None:
    """Last resort for pages none of our rules understand."""
    from trafilatura import extract

    extracted = extract(text, url=url, include_comments=False, include_tables=False, favor_precision=True)
    if not extracted:
        return None
    lines = [normalise_space(line) for line in extracted.splitlines()]
    return filter_lines([line for line in lines if line], set())


def pick_authors(family_bylines: list[str], body: BodyResult, script: ScriptData, meta: dict, page_text: str) -> tuple[list[str], list[str]]:
    byline_texts = family_bylines + body.byline_lines
    emails = []
    for text in byline_texts:
        for email in EMAIL.findall(text):
            if email not in emails:
                emails.append(email)
    for source in (
        family_bylines,
        script.authors,
        [meta.get("article:author", ""), meta.get("author", ""), meta.get("dable:author", ""), meta.get("byl", "")],
        body.byline_lines,
    ):
        names = authors_from_values([value for value in source if value and not value.startswith("http")])
        if names:
            return names, emails
    # Last resort: the first "이름 기자" on the page, usually the byline.
    first = reporter_names_in(page_text[:20000])
    return first[:1], emails


def choose_subtitle(root: etree._Element, family: CmsFamily, title: str) -> str:
    for text in first_texts(root, family.subtitle_xpaths) + [
        normalise_space(element.text_content()) for element in SUBTITLE_XPATH(root)
    ]:
        if text and text != title and len(text) <= 400:
            return text
    return ""


def extract_article(body: bytes | str, url: str, content_type: str | None = None) -> ArticleRecord:
    """Turn one fetched page into an article record, or say why it is not one."""
    if body is None or len(body) == 0:
        raise ExtractionError("empty input")
    if isinstance(body, (bytes, bytearray)):
        if looks_binary(bytes(body[:MAX_BYTES])):
            raise ExtractionError("binary content")
    decoded = decode_html(body, content_type)
    root = parse_html(decoded.text)
    if root is None:
        raise ExtractionError("no HTML to parse")
    meta = read_meta(root)
    script = read_script_data(root)
    family = choose_family(url, root)
    site_name = meta.get("og:site_name") or script.site_name
    family_titles = first_texts(root, family.title_xpaths)
    title = choose_title(root, meta, script.headline, site_name, family_titles)
    subtitle = choose_subtitle(root, family, title)
    page_text = normalise_space(" ".join(VISIBLE_TEXT_XPATH(root)))
    published, modified = find_dates(root, meta, script, family, url, page_text)
    family_bylines = first_texts(root, family.byline_xpaths)

    container, body_source = find_container(root, compile_all(family.body_xpaths))
    images = collect_images(container, meta, url)
    drop_exact = caption_texts(container) | {title, subtitle}
    dom_body = body_from_container(container, drop_exact, compile_all(family.remove_xpaths)) if container is not None else None
    chosen = dom_body
    if body_length(dom_body) < DOM_BODY_ENOUGH_CHARS:
        script_body = body_from_script(script, drop_exact)
        if body_length(script_body) > max(body_length(dom_body) * 1.5, MIN_BODY_CHARS):
            chosen, body_source = script_body, "script"
    if body_length(chosen) < MIN_BODY_CHARS:
        fallback = body_from_trafilatura(decoded.text, url)
        if body_length(fallback) >= MIN_BODY_CHARS:
            chosen, body_source = fallback, "trafilatura"
    if chosen is None or body_length(chosen) < MIN_BODY_CHARS:
        raise ExtractionError("no article body found")
    authors, emails = pick_authors(family_bylines, chosen, script, meta, page_text)
    known_captions = {image.caption for image in images}
    for caption in chosen.caption_lines:
        if caption not in known_captions:
            images.append(Image(src="", caption=caption))
            known_captions.add(caption)
    return ArticleRecord(
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
