"""Title, subtitle, authors, section, site name, canonical URL, images.

The title shown on the page is preferred to the `<title>` tag, which usually
carries the site name (and sometimes a section) around the headline.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from extractors.boilerplate import EMAIL, NODE_PATTERNS
from extractors.cleaning import class_and_id, first_texts, normalise_space, visible_text
from extractors.record import Image

META_XPATH = etree.XPath("//meta[@content]")
TITLE_TAG_XPATH = etree.XPath("//title")
CANONICAL_XPATH = etree.XPath("//link[@rel='canonical']/@href")
# The cheapest test of an element comes first in these paths: libxml2 evaluates the
# predicates in order over every element of the page (a plain <div> has no class).
HEADING_XPATH = etree.XPath(
    "//h1 | //h2 | //h3 | //h4 | //*[@class or @id][self::div or self::p or self::span or self::strong or self::li"
    " or self::td]"
    "[contains(@class,'tit') or contains(@class,'subject') or contains(@class,'headline') or contains(@class,'heading')"
    " or contains(@id,'tit') or contains(@id,'subject')]"
)
EMAIL_PATTERN = re.compile(EMAIL)
REPORTER_NAME = re.compile(r"([가-힣]{2,4})\s*(?:선임|수석|인턴|객원|전문|편집|취재)?\s*(?:기자|특파원|통신원|PD|논설위원|에디터)")
PERSON_NAME = re.compile(r"^[가-힣]{2,4}$")
# Separators between a headline and the site name in <title>/og:title.
TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·<>]|::)\s+|\s*[|ㅣ]\s*")
# After a site-name suffix is cut, a short section label may remain ("-정치").
SECTION_SUFFIX = re.compile(r"\s*[-–—|ㅣ:]\s*[가-힣A-Za-z·/]{1,8}\s*$")
SUBTITLE_XPATH = etree.XPath(
    "//*[contains(@class,'sub') or contains(@class,'summary')]"  # what every class below contains
    "[self::h2 or self::h3 or self::h4 or self::p or self::div or self::strong or self::em]"
    "[contains(@class,'subtitle') or contains(@class,'sub-title') or contains(@class,'sub_title')"
    " or contains(@class,'subheading') or contains(@class,'sub-tit') or contains(@class,'sub_tit')"
    " or contains(@class,'summary') or contains(@class,'subhead')]"
)
# A "subtitle" longer than this is a lead paragraph or a summary box.
MAX_SUBTITLE_CHARS = 400
# The page text searched for a last-resort "이름 기자" byline.
REPORTER_SEARCH_CHARS = 20000
CAPTION_NODE = next(pattern for pattern in NODE_PATTERNS if pattern.name == "caption")


def read_meta(root: etree._Element) -> dict[str, str]:
    """First value of each meta property/name/itemprop, keys lower-cased."""
    meta: dict[str, str] = {}
    for element in META_XPATH(root):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        if key:
            meta.setdefault(key.strip().lower(), element.get("content", "").strip())
    return meta


def strip_site_name(title: str, site_name: str) -> str:
    """Drop ' | Site', ' - Site', '< Section < 기사본문 - Site' around a headline."""
    title = normalise_space(title)
    parts = TITLE_SEPARATORS.split(title)
    cut_site = False
    if len(parts) > 1:
        # The headline is the longest piece; site names and sections are short.
        title = max(parts, key=len)
        cut_site = True
    if site_name and title.endswith(site_name) and len(title) > len(site_name) + 5:
        title = title[: -len(site_name)].rstrip(" |-:ㅣ")
        cut_site = True
    if cut_site:
        title = SECTION_SUFFIX.sub("", title)
    return title


def visible_headings(root: etree._Element) -> list[str]:
    headings = []
    for element in HEADING_XPATH(root):
        text = visible_text(element)
        if 5 <= len(text) <= 250:
            headings.append(text)
    return headings


def choose_title(root: etree._Element, meta: dict, json_ld_headline: str, site_name: str, family_titles: list[str]) -> str:
    for text in family_titles:
        if text:
            return text
    meta_titles = [meta.get("og:title", ""), meta.get("twitter:title", ""), json_ld_headline]
    title_tag = TITLE_TAG_XPATH(root)
    if title_tag:
        meta_titles.append(title_tag[0].text_content())
    meta_titles = [normalise_space(t) for t in meta_titles if t and t.strip()]
    headings = visible_headings(root)
    # A visible heading that a meta title contains is the headline as shown.
    best = ""
    for heading in headings:
        for meta_title in meta_titles:
            if heading == meta_title or (len(heading) >= 8 and heading in meta_title):
                if len(heading) > len(best):
                    best = heading
    if best:
        return best
    titled_headings = [h for h in headings if len(h) >= 10]
    for meta_title in meta_titles:
        stripped = strip_site_name(meta_title, site_name)
        # A <title> holding only the site name is not a headline.
        if not stripped or (len(stripped) < 10 and titled_headings) or stripped == site_name:
            continue
        return stripped
    if titled_headings:
        return titled_headings[0]
    return headings[0] if headings else ""


def clean_author_name(value: str) -> str:
    value = normalise_space(EMAIL_PATTERN.sub("", value)).strip("()[]<> ,/")
    match = REPORTER_NAME.search(value)
    if match:
        return match.group(1)
    return value


def authors_from_values(values: list[str]) -> list[str]:
    names = []
    for value in values:
        for piece in re.split(r"[,·/]|\s및\s", value):
            name = clean_author_name(piece)
            if PERSON_NAME.match(name) and name not in names:
                names.append(name)
    return names


def reporter_names_in(text: str) -> list[str]:
    return [match.group(1) for match in REPORTER_NAME.finditer(text)]


def absolute_url(base_url: str, href: str) -> str:
    """`href` resolved against the page's URL; "" for a link no URL parser accepts (e.g. `http://[x`)."""
    try:
        return urljoin(base_url, href.strip())
    except ValueError:
        return ""


def canonical_url(root: etree._Element, meta: dict, url: str) -> str:
    declared = [value for value in CANONICAL_XPATH(root) if value and value.strip()] + [meta.get("og:url") or ""]
    for value in declared:
        if value.strip():
            return absolute_url(url, value) or url
    return url


def caption_for(image: etree._Element) -> str:
    """The caption near an image: figcaption, a caption-classed sibling, or alt."""
    container = image.getparent()
    for _ in range(3):
        if container is None:
            break
        for candidate in container.iter():
            if candidate is image or not isinstance(candidate.tag, str):
                continue
            if candidate.tag == "figcaption" or CAPTION_NODE.regex.search(class_and_id(candidate)):
                text = normalise_space(candidate.text_content())
                if text:
                    return text
        if container.tag in ("figure", "table", "td"):
            break
        container = container.getparent()
    return normalise_space(image.get("alt") or "")


def collect_images(container: etree._Element | None, meta: dict, base_url: str) -> list[Image]:
    """Images inside the article container, each caption once."""
    images: list[Image] = []
    seen_sources = set()
    seen_captions = set()
    if container is not None:
        for image in container.iter("img"):
            src = image.get("src") or image.get("data-src") or image.get("data-original") or ""
            if not src or src.startswith("data:"):
                continue
            src = absolute_url(base_url, src)
            caption = caption_for(image)
            if not src or src in seen_sources:
                continue
            seen_sources.add(src)
            if caption and caption in seen_captions:
                caption = ""
            seen_captions.add(caption)
            images.append(Image(src=src, caption=caption))
    og_image = absolute_url(base_url, meta["og:image"]) if (meta.get("og:image") or "").strip() else ""
    if not images and og_image:
        images.append(Image(src=og_image))
    return images


def caption_texts(container: etree._Element | None) -> set[str]:
    """Every caption string in the container, to remove its echoes from the body."""
    found = set()
    if container is None:
        return found
    for element in container.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "figcaption" or CAPTION_NODE.regex.search(class_and_id(element)):
            text = normalise_space(element.text_content())
            if len(text) >= 4:
                found.add(text)
        if element.tag == "img" and element.get("alt"):
            text = normalise_space(element.get("alt"))
            if len(text) >= 10:
                found.add(text)
    return found


def choose_subtitle(root: etree._Element, family, title: str) -> str:
    for texts in (first_texts(root, family.subtitle_xpaths), generic_subtitles(root)):
        for text in texts:
            if text and text != title and len(text) <= MAX_SUBTITLE_CHARS:
                return text
    return ""


def generic_subtitles(root: etree._Element):
    """Subtitle-like elements anywhere on the page; a generator, so the search
    runs only when the family's own places give no subtitle."""
    for element in SUBTITLE_XPATH(root):
        yield normalise_space(element.text_content())


def pick_authors(family_bylines: list[str], byline_lines: list[str], script, meta: dict,
                 page_text: str, title: str = "") -> tuple[list[str], list[str]]:
    """(reporter names, e-mail addresses), from the most trusted source that names someone."""
    emails: list[str] = []
    for text in family_bylines + byline_lines:
        for email in EMAIL_PATTERN.findall(text):
            if email not in emails:
                emails.append(email)
    for source in (
        family_bylines,
        script.authors,
        [meta.get("article:author", ""), meta.get("author", ""), meta.get("dable:author", ""), meta.get("byl", "")],
        byline_lines,
    ):
        names = authors_from_values([value for value in source if value and not value.startswith("http")])
        if names:
            return names, emails
    # Last resort: the first "이름 기자" after the headline, usually the byline
    # (names above it belong to teasers of other stories), else on the page.
    title_at = page_text.find(title) if title else -1
    if title_at >= 0:
        names = reporter_names_in(page_text[title_at:title_at + REPORTER_SEARCH_CHARS])
        if names:
            return names[:1], emails
    return reporter_names_in(page_text[:REPORTER_SEARCH_CHARS])[:1], emails
