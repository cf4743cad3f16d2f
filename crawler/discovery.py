"""Pulling article links out of feeds, sitemaps, robots.txt and list pages.

Pure functions over bytes/str, so they are tested without Scrapy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html
from w3lib.url import canonicalize_url

DATE_IN_TEXT = re.compile(r"(20\d{2}|19\d{2})[.\-/년]\s?(\d{1,2})[.\-/월]\s?(\d{1,2})")


@dataclass(frozen=True)
class DiscoveredLink:
    url: str
    # When the source says the page changed (sitemap lastmod, feed date), if it does.
    changed_at: str = ""


def normalize_url(url: str) -> str:
    """The form used to recognise a URL seen before (sorted query, no fragment)."""
    return canonicalize_url(url, keep_fragments=False)


def parse_xml(body: bytes) -> lxml.etree._Element | None:
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body.strip(), parser=parser)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None
    return root


def local_name(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def feed_links(body: bytes, base_url: str) -> list[DiscoveredLink]:
    """Item links of an RSS 2.0, RSS 1.0 or Atom feed, in feed order."""
    root = parse_xml(body)
    if root is None:
        return []
    links: list[DiscoveredLink] = []
    for entry in root.iter():
        if local_name(entry) not in ("item", "entry"):
            continue
        url, changed_at = "", ""
        for child in entry:
            name = local_name(child)
            if name == "link":
                url = (child.get("href") or child.text or "").strip() or url
            elif name in ("updated", "date") and child.text:
                changed_at = child.text.strip()
            elif name == "pubdate" and child.text and not changed_at:
                changed_at = child.text.strip()
        if url:
            links.append(DiscoveredLink(urljoin(base_url, url), changed_at))
    return links


def sitemap_entries(body: bytes, base_url: str) -> tuple[list[DiscoveredLink], list[str]]:
    """(page links, nested sitemap URLs) of a sitemap or sitemap index."""
    root = parse_xml(body)
    if root is None:
        return [], []
    pages: list[DiscoveredLink] = []
    nested: list[str] = []
    is_index = local_name(root) == "sitemapindex"
    for entry in root:
        if local_name(entry) not in ("url", "sitemap"):
            continue
        loc = lastmod = ""
        for child in entry:
            name = local_name(child)
            if name == "loc" and child.text:
                loc = child.text.strip()
            elif name == "lastmod" and child.text:
                lastmod = child.text.strip()
        if not loc:
            continue
        if is_index or local_name(entry) == "sitemap":
            nested.append(urljoin(base_url, loc))
        else:
            pages.append(DiscoveredLink(urljoin(base_url, loc), lastmod))
    return pages, nested


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    text = body.decode("utf-8", "replace")
    return [urljoin(base_url, match.strip()) for match in re.findall(r"(?im)^\s*sitemap\s*:\s*(\S+)", text)]


def parse_html(body: bytes | str, base_url: str):
    if not body:
        return None
    try:
        tree = lxml.html.fromstring(body, base_url=base_url)
    except (lxml.etree.ParserError, ValueError):
        return None
    tree.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    return tree


def page_links(tree) -> list[tuple[str, str]]:
    """(absolute URL, the text around the link) for every <a href> of a page."""
    if tree is None:
        return []
    links = []
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        container = anchor.getparent()
        context = anchor.text_content()
        if container is not None and container.tag in ("li", "dd", "dt", "td", "div", "p", "span", "h2", "h3", "h4"):
            context = container.text_content()
        links.append((href.split("#", 1)[0], " ".join(context.split())))
    return links


def alternate_feeds(tree) -> list[str]:
    if tree is None:
        return []
    return [
        link.get("href")
        for link in tree.iter("link")
        if (link.get("rel") or "").lower() == "alternate"
        and "xml" in (link.get("type") or "").lower()
        and link.get("href")
    ]


def dates_in(text: str) -> list[date]:
    found = []
    for year, month, day in DATE_IN_TEXT.findall(text):
        try:
            found.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def next_list_page_url(current_url: str, page_param: str, links: list[str]) -> str | None:
    """The link to the next page of a paged list, if the page has one.

    Only links to the same path whose page number is exactly one more count,
    so section switches and "last page" jumps are not followed.
    """
    current = urlsplit(current_url)
    current_query = dict(parse_qsl(current.query))
    try:
        current_page = int(current_query.get(page_param, "1"))
    except ValueError:
        current_page = 1
    wanted_query = {**current_query, page_param: str(current_page + 1)}
    for link in links:
        parts = urlsplit(link)
        if parts.netloc != current.netloc or parts.path != current.path:
            continue
        if dict(parse_qsl(parts.query)) == wanted_query:
            return link
    return None


def with_page(url: str, page_param: str, page: int) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query[page_param] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_changed_at(value: str) -> datetime | None:
    """Sitemap lastmod (W3C datetime) or feed dates (RFC 822), timezone-aware."""
    from email.utils import parsedate_to_datetime

    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Seoul"))
    return parsed
