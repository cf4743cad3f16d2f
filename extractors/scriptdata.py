"""Article data that pages carry in `<script>`: JSON-LD, Next.js, Arc/Fusion.

Reading these is far cheaper than rendering, and for app-style pages the
story exists nowhere else.  JSON-LD gives trusted metadata (headline,
dates, authors); body text is taken from JSON-LD `articleBody` or, for app
pages, from the longest HTML/text value stored under a body-like key.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from extractors.body import BodyResult, body_from_container, body_length, filter_lines, remove_duplicate_paragraphs
from extractors.cleaning import normalise_space, parse_fragment

ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "webpage"}
HANGUL = re.compile(r"[가-힣]")
# String values under these keys are candidate bodies in app data.
BODY_KEY_STRING = re.compile(
    r'"(contentHtml|content_html|articleBody|articleHtml|article_body|bodyHtml|body_html|contents|content|body|html|text)"'
    r'\s*:\s*("(?:[^"\\]|\\.){60,}?")',
    re.DOTALL,
)
# Publication times in app state, under the key names common CMS APIs use.
APP_DATE_KEY_STRING = re.compile(
    r'\\?"(datePublished|publishedAt|published_at|publishDate|publish_date|firstPublishDate|first_publish_date'
    r'|display_date|deployDt|regDt|regDate|reg_date|createDate|createdAt|created_at|articleDate|pubDate|writeDate)'
    r'\\?"\s*:\s*\\?"([^"\\]{8,40})\\?"'
)
ARC_GLOBAL_CONTENT = re.compile(r"Fusion\.globalContent\s*=\s*(\{.*?\});\s*Fusion\.", re.DOTALL)
MIN_SCRIPT_BODY_CHARS = 60
# A body candidate must be Korean prose, not an id list or a URL blob.
MIN_SCRIPT_BODY_HANGUL = 30


@dataclass
class ScriptData:
    headline: str = ""
    published: str = ""
    modified: str = ""
    authors: list[str] = field(default_factory=list)
    section: str = ""
    site_name: str = ""
    json_ld_body: str = ""
    # First publication time found in app state (Next.js, Arc, API JSON).
    app_published: str = ""
    # Candidate bodies from app state (HTML or plain text), longest first.
    app_bodies: list[str] = field(default_factory=list)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _type_names(node: dict) -> set[str]:
    return {str(name).lower() for name in _as_list(node.get("@type"))}


def iter_json_ld_nodes(data):
    """Every dict in a JSON-LD document, following @graph and lists."""
    for item in _as_list(data):
        if isinstance(item, dict):
            yield item
            for nested in _as_list(item.get("@graph")):
                yield from iter_json_ld_nodes(nested)
        elif isinstance(item, list):
            yield from iter_json_ld_nodes(item)


def _name_of(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "").strip()
    if isinstance(value, str):
        return value.strip()
    return ""


def load_json_leniently(text: str):
    text = text.strip().rstrip(";")
    try:
        return json.loads(text)
    except ValueError:
        # Many CMSs write raw newlines or tabs inside JSON-LD strings.
        try:
            return json.loads(re.sub(r"[\r\n\t]+", " ", text))
        except ValueError:
            return None


def read_json_ld(root: etree._Element, data: ScriptData) -> None:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        parsed = load_json_leniently(script.text or "")
        for node in iter_json_ld_nodes(parsed):
            if not _type_names(node) & ARTICLE_TYPES:
                continue
            is_article = "webpage" not in _type_names(node) or len(_type_names(node)) > 1
            if is_article or not data.headline:
                data.headline = data.headline or _name_of(node.get("headline"))
            if not is_article:
                continue
            data.published = data.published or _name_of(node.get("datePublished"))
            data.modified = data.modified or _name_of(node.get("dateModified"))
            if not data.authors:
                data.authors = [name for name in (_name_of(a) for a in _as_list(node.get("author"))) if name]
            data.section = data.section or _name_of(node.get("articleSection"))
            data.site_name = data.site_name or _name_of(node.get("publisher"))
            body = node.get("articleBody")
            if isinstance(body, str) and len(body) > len(data.json_ld_body):
                data.json_ld_body = body


def _decode_json_string(literal: str) -> str:
    try:
        return json.loads(literal)
    except ValueError:
        return ""


def read_app_state(root: etree._Element, data: ScriptData) -> None:
    """Body-like strings from Next.js / Arc / other app state scripts."""
    candidates: list[str] = []
    for script in root.iter("script"):
        text = script.text or ""
        script_type = (script.get("type") or "").lower()
        if len(text) < MIN_SCRIPT_BODY_CHARS or script_type == "application/ld+json":
            continue
        if "src" in script.attrib:
            continue
        if not data.app_published:
            date_match = APP_DATE_KEY_STRING.search(text)
            if date_match:
                data.app_published = date_match.group(2)
        if script.get("id") == "__NEXT_DATA__" or script_type == "application/json":
            # One JSON document: walk it rather than regex it.
            parsed = load_json_leniently(text)
            if parsed is not None:
                candidates.extend(_long_strings_under_body_keys(parsed))
                continue
        arc = ARC_GLOBAL_CONTENT.search(text)
        if arc:
            parsed = load_json_leniently(arc.group(1))
            if parsed is not None:
                candidates.extend(_long_strings_under_body_keys(parsed))
        for match in BODY_KEY_STRING.finditer(text):
            value = _decode_json_string(match.group(2))
            # RSC flight data is a JSON string inside a JS string: unescape twice.
            if value.startswith('"') or '\\"' in value[:200]:
                value = _decode_json_string(f'"{value}"') or value
            candidates.append(value)
    korean = [c for c in candidates if len(HANGUL.findall(c)) >= MIN_SCRIPT_BODY_HANGUL]
    korean.sort(key=lambda c: len(HANGUL.findall(c)), reverse=True)
    data.app_bodies = korean[:5]


BODY_KEYS = {
    "contenthtml", "content_html", "articlebody", "articlehtml", "article_body", "bodyhtml",
    "body_html", "contents", "content", "body", "html", "text", "content_elements",
}


def _long_strings_under_body_keys(node, under_body_key: bool = False) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_long_strings_under_body_keys(value, str(key).lower() in BODY_KEYS))
    elif isinstance(node, list):
        # Arc `content_elements` is a list of paragraph objects: join them.
        if under_body_key and node and all(isinstance(item, dict) for item in node):
            pieces = [str(item.get("content")) for item in node if item.get("type") in ("text", "header") and item.get("content")]
            if pieces:
                found.append("".join(f"<p>{piece}</p>" for piece in pieces))
        for item in node:
            found.extend(_long_strings_under_body_keys(item, under_body_key))
    elif isinstance(node, str) and under_body_key and len(node) >= MIN_SCRIPT_BODY_CHARS:
        found.append(node)
    return found


def read_script_data(root: etree._Element) -> ScriptData:
    data = ScriptData()
    read_json_ld(root, data)
    read_app_state(root, data)
    return data


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
