"""The mirror server's URL mapping and HTTP behaviour, and the discovery parsers."""
from __future__ import annotations

import gzip
import urllib.error
from datetime import date
import urllib.request

import pytest

from crawler import discovery
from crawler.tools.mirror import file_name_for_target
from extractors.dates import calendar_dates_in


@pytest.mark.parametrize("path, query, expected", [
    ("/news/articleView.html", "idxno=31001", "news/articleView.html@idxno=31001"),
    ("/news/articleList.html", "sc_section_code=S1N2&page=2", "news/articleList.html@page=2&sc_section_code=S1N2"),
    ("/", "", "index.html"),
    ("/rss/", "", "rss/index.html"),
    ("/robots.txt", "", "robots.txt"),
])
def test_query_strings_map_to_files(path, query, expected):
    assert file_name_for_target(path, query) == expected


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_mirror_rewrites_hosts_answers_conditional_gets_and_404s(mirror):
    status, headers, body = fetch(mirror.url("hanbit-news", "/rss/allArticle.xml"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    assert b".mirror.test" not in body and mirror.sites["hanbit-news"].base_url.encode() in body
    status, _, _ = fetch(mirror.url("hanbit-news", "/rss/allArticle.xml"), {"If-None-Match": headers["ETag"]})
    assert status == 304
    status, headers, _ = fetch(mirror.url("jeonbuk-saenal", "/news/article.html?no=6760"))
    assert status == 200 and "euc-kr" in headers["Content-Type"]
    status, _, body = fetch(mirror.url("hanbit-news", "/news/articleView.html?idxno=39999"))
    assert status == 404
    status, _, body = fetch(mirror.url("hanbit-news", "/news/../../../etc/passwd"))
    assert status == 404 and b"root:" not in body


def test_feed_and_sitemap_parsers():
    rss = ("<rss><channel><item><title>t</title><link>/news/articleView.html?idxno=5</link>"
           "<pubDate>Mon, 04 Mar 2024 10:00:00 +0900</pubDate></item></channel></rss>").encode()
    links = discovery.feed_links(rss, "http://a.kr/rss/allArticle.xml")
    assert links == [discovery.DiscoveredLink("http://a.kr/news/articleView.html?idxno=5",
                                              "Mon, 04 Mar 2024 10:00:00 +0900")]
    atom = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://a.kr/n/1"/><updated>2024-03-04T10:00:00+09:00</updated></entry></feed>'
    assert discovery.feed_links(atom, "http://a.kr/")[0].url == "http://a.kr/n/1"
    sitemap = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.kr/x.html</loc><lastmod>2024-03-04</lastmod></url></urlset>'
    pages, nested = discovery.sitemap_entries(sitemap, "http://a.kr/sitemap.xml")
    assert pages[0].url == "http://a.kr/x.html" and nested == []
    index = b'<sitemapindex><sitemap><loc>http://a.kr/s1.xml</loc></sitemap></sitemapindex>'
    assert discovery.sitemap_entries(index, "http://a.kr/")[1] == ["http://a.kr/s1.xml"]
    for unreadable in (b"\x00\xff not xml", b"<html><body>not a feed</body></html>"):
        with pytest.raises(discovery.UnreadableDocument):
            discovery.feed_links(unreadable, "http://a.kr/")
    with pytest.raises(discovery.UnreadableDocument):
        discovery.sitemap_entries(b"<html><body>not a sitemap</body></html>", "http://a.kr/")


def test_gzipped_sitemaps_are_read():
    sitemap = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.kr/x.html</loc></url></urlset>'
    pages, _ = discovery.sitemap_entries(gzip.compress(sitemap), "http://a.kr/sitemap.xml.gz")
    assert [page.url for page in pages] == ["http://a.kr/x.html"]
    assert discovery.robots_sitemaps(b"User-agent: *\nSitemap: /sitemap.xml\n", "http://a.kr/robots.txt") == [
        "http://a.kr/sitemap.xml"]


def test_next_list_page_follows_only_the_next_page_of_the_same_list():
    links = ["http://a.kr/news/articleList.html?page=3", "http://a.kr/news/articleList.html?page=2",
             "http://a.kr/news/articleList.html?sc_section_code=S1N1&page=2"]
    assert discovery.next_list_page_url("http://a.kr/news/articleList.html", "page", links) == links[1]
    assert discovery.next_list_page_url("http://a.kr/news/articleList.html?page=3", "page", links) is None
    assert calendar_dates_in("경북도의회 예산 확정 2024.12.13 | 2023-04-18") == [
        date(2024, 12, 13), date(2023, 4, 18)]
