"""Finding the article container and turning it into clean paragraphs.

Order: the CMS family's XPaths, then general rules (itemprop=articleBody,
body-like class/id names, text-density scoring).  Script data and
trafilatura are chosen by the caller when the DOM yields too little.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from extractors.boilerplate import LINE_PATTERNS, classify_line, node_pattern_name, strip_marker
from extractors.cleaning import class_and_id, clean_container, element_lines, is_hidden, normalise_space

ITEMPROP_BODY = etree.XPath("//*[@itemprop='articleBody' or @itemprop='articlebody']")
CANDIDATE_TAGS = ("div", "article", "section", "td", "main", "span")
# Class/id vocabulary of article containers across Korean CMSs.
BODY_NAME_HINT = re.compile(
    r"article[-_]?(body|content|view|txt|text|cont)|news[-_]?(body|content|txt|text|view|cont)|view[-_]?(content|con|body|text|txt|cont)"
    r"|story[-_]?(body|content)|detail[-_]?(body|content)|entry[-_]?content|post[-_]?content|body[-_]?(text|content)"
    r"|articlebody|newstext|_article|dic_area|cont_?newstext|read[-_]?body|text[-_]?area|editor",
    re.IGNORECASE,
)
NEGATIVE_NAME_HINT = re.compile(
    r"comment|footer|sidebar|aside|related|popular|rank|banner|menu|gnb|header|promo|recommend|list|widget",
    re.IGNORECASE,
)
HANGUL = re.compile(r"[가-힣]")
# Tuning numbers of the body finder, chosen while building datasets/gold (33
# pages, 10 CMS families) and checked on ../shared/realpages (35 pages): with
# these values both score recall 1.00 and leak 0.00. Re-run
# `python -m extractors.evaluate` on both after changing any of them.
# Own text shorter than this is a label or a link, not a paragraph.
MIN_PARAGRAPH_CHARS = 20
# A family XPath match with less text is an empty shell (a lazy-loaded div).
MIN_FAMILY_CONTAINER_CHARS = 20
# itemprop=articleBody counts only with this many Hangul syllables (portal
# pages carry an empty articleBody meta element).
MIN_ITEMPROP_HANGUL = 30
# Container score multipliers: a body-like class/id name, a furniture-like
# name, and the page root (which holds every paragraph but is never the body).
BODY_NAME_BONUS = 1.5
FURNITURE_NAME_PENALTY = 0.3
PAGE_ROOT_PENALTY = 0.2
# The grandparent of a paragraph's container gets this share of its weight,
# so text split over sibling divs still elects their common parent.
GRANDPARENT_SHARE = 0.5
# Trailing lines shorter than this without sentence-final punctuation are
# buttons and labels ("목록", "기사제보").
MAX_TRAILING_FURNITURE_CHARS = 8
# Repeated paragraphs longer than this are printed twice (captions, quotes);
# shorter repeats ("▲", "사진") are left to the line patterns.
MIN_DUPLICATE_PARAGRAPH_CHARS = 15


@dataclass
class BodyResult:
    paragraphs: list[str]
    # Lines classified as captions / bylines, for images and authors.
    caption_lines: list[str]
    byline_lines: list[str]


def text_weight(text: str) -> int:
    """Characters that count as prose: Hangul counts double."""
    return len(text) + len(HANGUL.findall(text))


def own_text(element: etree._Element) -> str:
    """Text directly in this element and its inline children, not nested blocks."""
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag.lower() in ("b", "strong", "em", "i", "u", "span", "font", "a", "br", "sup", "sub", "mark"):
            if child.tag.lower() != "a":
                pieces.append(child.text_content() if child.tag.lower() != "br" else " ")
        pieces.append(child.tail or "")
    return normalise_space("".join(pieces))


def score_candidates(root: etree._Element) -> etree._Element | None:
    """Readability-style scoring: prose credits its container and, half, the grandparent."""
    scores: dict[etree._Element, float] = {}
    for element in root.iter("p", "div", "td", "span", "article", "section", "pre", "li", "font"):
        if is_hidden(element):
            continue
        text = own_text(element)
        if len(text) < MIN_PARAGRAPH_CHARS:
            continue
        weight = text_weight(text)
        # Direct text in a div/td is itself a body container (br-separated text).
        container = element if element.tag in ("div", "td", "article", "section") else element.getparent()
        if container is None:
            continue
        scores[container] = scores.get(container, 0.0) + weight
        grandparent = container.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + weight * GRANDPARENT_SHARE
    best, best_score = None, 0.0
    for element, score in scores.items():
        names = class_and_id(element)
        if names and BODY_NAME_HINT.search(names):
            score *= BODY_NAME_BONUS
        if names and NEGATIVE_NAME_HINT.search(names):
            score *= FURNITURE_NAME_PENALTY
        if element.tag in ("body", "html"):
            score *= PAGE_ROOT_PENALTY
        text_length = len(normalise_space(element.text_content())) or 1
        linked = sum(len(normalise_space(a.text_content())) for a in element.iter("a"))
        score *= max(0.0, 1.0 - linked / text_length)
        if score > best_score:
            best, best_score = element, score
    return best


def named_candidate(root: etree._Element) -> etree._Element | None:
    """An itemprop=articleBody element with real text, if the page has one."""
    for element in ITEMPROP_BODY(root):
        if element.tag == "meta":
            continue
        if len(HANGUL.findall(element.text_content())) >= MIN_ITEMPROP_HANGUL:
            return element
    return None


def find_container(root: etree._Element, family_xpaths: tuple = ()) -> tuple[etree._Element | None, str]:
    for xpath in family_xpaths:
        for element in xpath(root):
            if isinstance(element.tag, str) and len(normalise_space(element.text_content())) >= MIN_FAMILY_CONTAINER_CHARS:
                return element, "family"
    element = named_candidate(root)
    if element is not None:
        return element, "itemprop"
    element = score_candidates(root)
    if element is not None:
        return element, "density"
    return None, ""


def filter_lines(lines: list[str], drop_exact: set[str]) -> BodyResult:
    """Apply the line patterns: keep story lines, route captions and bylines."""
    paragraphs: list[str] = []
    captions: list[str] = []
    bylines: list[str] = []
    for line in lines:
        if line in drop_exact:
            continue
        pattern = classify_line(line)
        if pattern is None:
            paragraphs.append(line)
        elif pattern.kind == "marker":
            spoken = strip_marker(line, pattern)
            if spoken and classify_line(spoken) is None:
                paragraphs.append(spoken)
        elif pattern.kind == "caption":
            captions.append(line)
        elif pattern.kind == "byline":
            bylines.append(line)
    return BodyResult(paragraphs=trim_trailing_furniture(paragraphs), caption_lines=captions, byline_lines=bylines)


def trim_trailing_furniture(paragraphs: list[str]) -> list[str]:
    """Very short non-sentences at the end (labels, buttons) are not story text."""
    while paragraphs and len(paragraphs[-1]) < MAX_TRAILING_FURNITURE_CHARS and not re.search(r"[.!?다요]$", paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def remove_duplicate_paragraphs(paragraphs: list[str]) -> list[str]:
    seen = set()
    unique = []
    for paragraph in paragraphs:
        if paragraph in seen and len(paragraph) > MIN_DUPLICATE_PARAGRAPH_CHARS:
            continue
        seen.add(paragraph)
        unique.append(paragraph)
    return unique


def body_from_container(container: etree._Element, drop_exact: set[str], remove_xpaths: tuple = ()) -> BodyResult:
    clean_container(container, remove_xpaths)
    lines = element_lines(container)
    result = filter_lines(lines, drop_exact)
    result.paragraphs = remove_duplicate_paragraphs(result.paragraphs)
    return result


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


__all__ = ["BodyResult", "find_container", "body_from_container", "filter_lines", "LINE_PATTERNS", "node_pattern_name"]
