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
MIN_PARAGRAPH_CHARS = 20


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
            scores[grandparent] = scores.get(grandparent, 0.0) + weight / 2
    best, best_score = None, 0.0
    for element, score in scores.items():
        names = class_and_id(element)
        if names and BODY_NAME_HINT.search(names):
            score *= 1.5
        if names and NEGATIVE_NAME_HINT.search(names):
            score *= 0.3
        if element.tag in ("body", "html"):
            score *= 0.2
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
        if len(HANGUL.findall(element.text_content())) >= 30:
            return element
    return None


def find_container(root: etree._Element, family_xpaths: tuple = ()) -> tuple[etree._Element | None, str]:
    for xpath in family_xpaths:
        for element in xpath(root):
            if isinstance(element.tag, str) and len(normalise_space(element.text_content())) >= 20:
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
    while paragraphs and len(paragraphs[-1]) < 8 and not re.search(r"[.!?다요]$", paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def remove_duplicate_paragraphs(paragraphs: list[str]) -> list[str]:
    seen = set()
    unique = []
    for paragraph in paragraphs:
        if paragraph in seen and len(paragraph) > 15:
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


__all__ = ["BodyResult", "find_container", "body_from_container", "filter_lines", "LINE_PATTERNS", "node_pattern_name"]
