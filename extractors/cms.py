"""Everything the project knows about each CMS family, in one place.

Hundreds of Korean local papers run on a handful of shared CMS products, so
knowledge is kept per *family*, never per site: how to recognise an article
URL, where to discover new ones (feeds, sitemaps, list pages) and, where the
generic extractor needs help, where the body, byline and dates sit.

Adapters are plain frozen dataclasses (data) with a few small methods. The
crawler reads the discovery fields, the extractor reads the extraction fields.
Nothing here imports Scrapy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from extractors.cleaning import compiled


@dataclass(frozen=True)
class CmsFamily:
    name: str
    description: str
    # Article URLs of this family match this (searched against the full URL).
    article_url_pattern: str
    # Discovery, relative to the outlet's homepage.
    feed_paths: tuple[str, ...] = ()
    sitemap_paths: tuple[str, ...] = ()
    list_paths: tuple[str, ...] = ()
    # Query parameter that pages through list pages (page=2, 3, ...).
    list_page_param: str = "page"
    # Sequential article ids (for `-a backfill_ids=N`): a regex with one group
    # that pulls the id out of an article URL, and the URL of a given id.
    article_id_pattern: str = ""
    article_url_template: str = ""
    # For families that say nothing of where feeds and sitemaps live: follow
    # the Sitemap lines of robots.txt and the <link rel=alternate> feeds that
    # list pages announce.
    discovers_sitemaps_in_robots: bool = False
    discovers_feeds_in_pages: bool = False
    # Extraction hints: XPath expressions tried in order; empty means the
    # generic rules decide. `markup_signature` recognises the family from
    # the page alone (for pages whose URL we do not control, e.g. in gold).
    markup_signature: str = ""
    body_xpaths: tuple[str, ...] = ()
    title_xpaths: tuple[str, ...] = ()
    subtitle_xpaths: tuple[str, ...] = ()
    byline_xpaths: tuple[str, ...] = ()
    date_xpaths: tuple[str, ...] = ()
    remove_xpaths: tuple[str, ...] = ()

    def is_article_url(self, url: str) -> bool:
        return re.search(self.article_url_pattern, url) is not None

    def feed_urls(self, homepage: str) -> list[str]:
        return [urljoin(homepage, path) for path in self.feed_paths]

    def sitemap_urls(self, homepage: str) -> list[str]:
        return [urljoin(homepage, path) for path in self.sitemap_paths]

    def list_urls(self, homepage: str) -> list[str]:
        return [urljoin(homepage, path) for path in self.list_paths]

    @property
    def has_sequential_ids(self) -> bool:
        return bool(self.article_id_pattern and self.article_url_template)

    def article_id(self, url: str) -> int | None:
        if not self.article_id_pattern:
            return None
        match = re.search(self.article_id_pattern, url)
        return int(match.group(1)) if match else None

    def article_url_for_id(self, homepage: str, article_id: int) -> str:
        return urljoin(homepage, self.article_url_template.format(id=article_id))


ARTICLEVIEW_IDXNO = CmsFamily(
    name="articleview_idxno",
    description="The news/articleView.html?idxno=N family (ND Soft style), used by hundreds of local papers.",
    article_url_pattern=r"/news/articleView\.html\?(?:[^#]*&)?idxno=\d+",
    feed_paths=("/rss/allArticle.xml",),
    sitemap_paths=(),
    list_paths=("/news/articleList.html",),
    list_page_param="page",
    article_id_pattern=r"[?&]idxno=(\d+)",
    article_url_template="/news/articleView.html?idxno={id}",
    markup_signature="//*[@id='article-view-content-div']",
    body_xpaths=("//*[@id='article-view-content-div']",),
    title_xpaths=("//header[contains(@class,'article-view-header')]//h3[contains(@class,'heading')]",),
    subtitle_xpaths=("//header[contains(@class,'article-view-header')]//h4[contains(@class,'subheading')]",),
    byline_xpaths=("//ul[contains(@class,'infomation')]/li[i[contains(@class,'icon-user')]]",),
    date_xpaths=("//ul[contains(@class,'infomation')]",),
)

ARTICLE_HTML_NO = CmsFamily(
    name="article_html_no",
    description="The news/article.html?no=N family, common among small provincial sites.",
    article_url_pattern=r"/news/article\.html\?(?:[^#]*&)?no=\d+",
    feed_paths=("/rss/news.xml",),
    list_paths=("/news/section_list_all.html",),
    list_page_param="page",
    article_id_pattern=r"[?&]no=(\d+)",
    article_url_template="/news/article.html?no={id}",
    markup_signature="//*[@id='news_body_area']",
    body_xpaths=("//*[@id='news_body_area']",),
    byline_xpaths=("//*[contains(@class,'read_info') or contains(@class,'view_byline')]//*[contains(@class,'writer')]",),
    date_xpaths=("//*[contains(@class,'read_info') or contains(@class,'view_byline')]",),
)

NAVER_DIC_AREA = CmsFamily(
    name="naver_dic_area",
    description="Portal re-hosting layout (#dic_area, legacy #articleBodyContents); recognised by markup only, never crawled.",
    article_url_pattern=r"^$",
    markup_signature="//*[@id='dic_area' or @id='articleBodyContents']",
    body_xpaths=("//*[@id='dic_area']", "//*[@id='articleBodyContents']"),
    title_xpaths=("//*[@id='title_area']", "//*[@id='articleTitle']"),
    byline_xpaths=("//*[contains(@class,'media_end_head_journalist_name')]",),
    date_xpaths=("//*[contains(@class,'media_end_head_info_datestamp')]",),
    remove_xpaths=("//*[contains(@class,'media_end_summary')]",),
)

DATE_PATH_HTML = CmsFamily(
    name="date_path_html",
    description="Static article files under /site/data/html/YYYY/MM/DD/ (e.g. NewDaily's regional editions).",
    article_url_pattern=r"/site/data/html/\d{4}/\d{2}/\d{2}/\d+\.html",
    sitemap_paths=("/sitemap.xml",),
    list_paths=("/",),
    list_page_param="page",
)

GENERIC = CmsFamily(
    name="generic",
    description="Any other site: feeds from <link rel=alternate>, sitemaps from robots.txt, articles by URL shape.",
    # Article-looking URLs: a long numeric id or a date in the path or query.
    article_url_pattern=(
        r"(?:/(?:news|article|articles|view|story)s?/[^?#]*\d{4,}"
        r"|[?&](?:idxno|no|idx|aid|ncd|id|article_id|newsid)=\d{3,}"
        r"|/\d{4}/\d{2}/\d{2}/[^/?#]+)"
    ),
    sitemap_paths=("/sitemap.xml",),
    list_paths=("/",),
    discovers_sitemaps_in_robots=True,
    discovers_feeds_in_pages=True,
)

FAMILIES: dict[str, CmsFamily] = {
    family.name: family
    for family in (ARTICLEVIEW_IDXNO, ARTICLE_HTML_NO, DATE_PATH_HTML, NAVER_DIC_AREA, GENERIC)
}


def get_family(name: str) -> CmsFamily:
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown CMS family {name!r}; known: {', '.join(FAMILIES)}") from None


def family_for_url(url: str) -> CmsFamily | None:
    """The specific (non-generic) family whose article URL shape matches."""
    for family in FAMILIES.values():
        if family is not GENERIC and family.is_article_url(url):
            return family
    return None


def family_for_page(url: str, root) -> CmsFamily:
    """The family of a page whose outlet is unknown: by URL shape, then by markup."""
    family = family_for_url(url)
    if family is not None:
        return family
    for candidate in FAMILIES.values():
        if candidate.markup_signature and compiled(candidate.markup_signature)(root):
            return candidate
    return GENERIC
