"""Pulling article links out of feeds, sitemaps, robots.txt and list pages.

Pure functions over bytes, so they are tested without a crawl. Sitemaps
(plain or gzipped) and robots.txt are read with Scrapy's own hardened
parsers (`scrapy.utils.sitemap`: lxml without entity expansion or network
access). Feeds have no parser in Scrapy; they are read with lxml under the
same hardening.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.etree
import lxml.html
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots


GZIP_MAGIC = b"\x1f\x8b"
# A gzipped sitemap may unpack to at most this (the sitemap protocol's own limit is 50 MB).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


class UnreadableDocument(ValueError):
    """A feed or sitemap that is not XML we can read (the message says why)."""


@dataclass(frozen=True)
class DiscoveredLink:
    url: str
    # When the source says the page changed (sitemap lastmod, feed date), if it does.
    changed_at: str = ""


FEED_ROOTS = ("rss", "feed", "rdf")


def parse_xml(body: bytes) -> lxml.etree._Element | None:
    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = lxml.etree.fromstring(body.strip(), parser=parser)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None
    return root


def refuse_entity_declarations(root) -> None:
    """Feeds and sitemaps have no use for their own entities; declaring them is the mark of an XML bomb.

    The parsers never expand entities anyway; refusing the document says so in
    the failures table instead of quietly reading what is left of it.
    """
    dtd = root.getroottree().docinfo.internalDTD if root is not None else None
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise UnreadableDocument("declares XML entities (refused: the pattern of an entity-expansion bomb)")


def local_name(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def feed_links(body: bytes, base_url: str) -> list[DiscoveredLink]:
    """Item links of an RSS 2.0, RSS 1.0 or Atom feed, in feed order."""
    root = parse_xml(body)
    if root is None:
        raise UnreadableDocument("not XML (or XML this parser refuses, such as an entity bomb)")
    refuse_entity_declarations(root)
    if local_name(root) not in FEED_ROOTS:
        raise UnreadableDocument(f"not a feed (root element {local_name(root)!r})")
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
    """(page links, nested sitemap URLs) of a sitemap or sitemap index, plain or gzipped."""
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except (OSError, ValueError) as error:
            raise UnreadableDocument(f"gzipped sitemap could not be unpacked: {error}") from error
    refuse_entity_declarations(parse_xml(body))
    try:
        sitemap = Sitemap(body)
    except (lxml.etree.XMLSyntaxError, ValueError) as error:
        raise UnreadableDocument(f"not a sitemap: {error}") from error
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise UnreadableDocument(f"not a sitemap (root element {sitemap.type!r})")
    pages: list[DiscoveredLink] = []
    nested: list[str] = []
    for entry in sitemap:
        loc = (entry.get("loc") or "").strip()
        if not loc:
            continue
        if sitemap.type == "sitemapindex":
            nested.append(urljoin(base_url, loc))
        else:
            pages.append(DiscoveredLink(urljoin(base_url, loc), (entry.get("lastmod") or "").strip()))
    return pages, nested


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(body, base_url=base_url))


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
