"""Tree cleaning and tree-to-paragraphs serialisation.

Parsing is capped and tolerant; the article container is cleaned of page
furniture (named in boilerplate.NODE_PATTERNS) and then read as lines, one
per block element or `<br>` run, which become the body paragraphs.
"""
from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree

from extractors.boilerplate import node_pattern_name

# Elements whose content is never story text.
DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea",
        "svg", "video", "audio", "object", "embed", "figure", "figcaption", "img", "picture",
        "nav", "aside", "footer", "template", "link", "meta", "head", "title", "map", "canvas",
    }
)
BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td",
        "th", "tbody", "thead", "section", "article", "blockquote", "header", "dd", "dt", "dl",
        "pre", "hr", "main", "center", "address", "html", "body", "caption",
    }
)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SPACE_CHARACTERS = " \t\r\n\u00a0\u200b\u3000\ufeff"
# The runs of spaces normalise_space changes: one plain space is already what it
# would write, and most runs in a page are just that.
SPACES_TO_REPLACE = re.compile(f"[{SPACE_CHARACTERS}]{{2,}}|[{SPACE_CHARACTERS.replace(' ', '')}]")
# Lists of links (related/popular headlines) are dropped when at least this
# much text sits in them and more than this share of it is link text
# (chosen on datasets/gold like the numbers in body.py).
LINK_HEAVY_MIN_TEXT = 10
LINK_HEAVY_DENSITY = 0.6


# C0 control characters other than tab and line breaks: no HTML text holds them,
# and lxml refuses to set any string that contains one (found by tests/test_fuzz.py).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub(" ", text)


def parse_html(text: str) -> etree._Element | None:
    """A tolerant lxml parse; None when there is nothing to parse."""
    if not text or not text.strip():
        return None
    text = without_control_characters(text)
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding=None)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        try:
            root = lxml.html.fragment_fromstring(text, create_parent="div", parser=parser)
        except (etree.ParserError, ValueError):
            return None
    return root


def parse_fragment(html: str) -> etree._Element | None:
    """An HTML snippet (e.g. a body from script data) under one <div>."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(without_control_characters(html), create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def class_and_id(element: etree._Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".strip()


def is_hidden(element: etree._Element) -> bool:
    style = element.get("style")
    return (style is not None and HIDDEN_STYLE.search(style) is not None) or element.get("hidden") is not None or element.get("aria-hidden") == "true"


def link_density(element: etree._Element) -> tuple[float, int]:
    text = normalise_space(element.text_content())
    if not text:
        return 0.0, 0
    linked = sum(len(normalise_space(a.text_content())) for a in element.iter("a"))
    return linked / len(text), len(text)


INLINE_TAGS = frozenset(
    {
        "a", "span", "em", "strong", "b", "i", "u", "font", "img", "sup", "sub", "small", "mark",
        "label", "abbr", "cite", "q", "s", "ins", "del", "time", "button", "input", "select",
        "textarea", "svg", "picture", "script", "style", "noscript", "link", "meta",
    }
)


def remove_element(element: etree._Element) -> None:
    """Drop an element but keep its tail text, which belongs to the parent.

    A removed block (figure, caption div...) becomes a `<br>` so that the
    text before and after it stay separate lines.
    """
    parent = element.getparent()
    if parent is None:
        return
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag and tag not in INLINE_TAGS:
        placeholder = etree.Element("br")
        placeholder.tail = element.tail
        parent.replace(element, placeholder)
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def clean_container(container: etree._Element, extra_remove_xpaths: tuple = ()) -> None:
    """Remove furniture inside the article container, in place."""
    for xpath in extra_remove_xpaths:
        for element in xpath(container):
            if element is not container:
                remove_element(element)
    doomed = []
    for element in container.iterdescendants():
        if not isinstance(element.tag, str):
            doomed.append(element)
            continue
        tag = element.tag.lower()
        if tag in DROP_TAGS or is_hidden(element):
            doomed.append(element)
            continue
        names = class_and_id(element)
        if names and node_pattern_name(names) is not None:
            doomed.append(element)
            continue
        if tag in ("ul", "ol", "dl", "table", "div", "section"):
            density, length = link_density(element)
            if length >= LINK_HEAVY_MIN_TEXT and density > LINK_HEAVY_DENSITY:
                doomed.append(element)
    for element in doomed:
        # An ancestor may already be gone; removing again is harmless.
        if element.getparent() is not None:
            remove_element(element)


def normalise_space(text: str) -> str:
    return SPACES_TO_REPLACE.sub(" ", text or "").strip()


# Text a reader sees: never the code of a <script> or <style> (inside a heading or
# byline, or anywhere on the page). The HTML parser keeps their content as their one
# text child, so the parent is the only place to look (not every ancestor up to the root).
READER_TEXT = "text()[not(parent::script or parent::style)]"
ELEMENT_VISIBLE_TEXT_XPATH = etree.XPath(f".//{READER_TEXT}")
PAGE_VISIBLE_TEXT_XPATH = etree.XPath(f"//body//{READER_TEXT}")


def visible_text(element: etree._Element) -> str:
    """The element's normalised text without the code of scripts and styles inside it."""
    return normalise_space("".join(ELEMENT_VISIBLE_TEXT_XPATH(element)))


def element_lines(container: etree._Element) -> list[str]:
    """The container's text split at block boundaries and `<br>`s."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            line = normalise_space("".join(current))
            if line:
                lines.append(line)
            current.clear()

    def walk(element: etree._Element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
        if tag and tag not in DROP_TAGS:
            if element.text:
                current.append(element.text)
            for child in element:
                walk(child)
                if child.tail:
                    current.append(child.tail)
        if is_block:
            flush()

    walk(container)
    flush()
    return lines


@lru_cache(maxsize=256)
def compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath)


def compile_all(xpaths: tuple[str, ...]) -> tuple[etree.XPath, ...]:
    return tuple(compiled(xpath) for xpath in xpaths)


def first_texts(root: etree._Element, xpaths: tuple[str, ...]) -> list[str]:
    """The normalised text of every match of the XPaths, in order."""
    texts = []
    for xpath in compile_all(xpaths):
        for element in xpath(root):
            text = normalise_space(element) if isinstance(element, str) else visible_text(element)
            if text:
                texts.append(text)
    return texts
