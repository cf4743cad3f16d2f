"""`python -m crawler.outlets probe URL`: a registry row for an outlet, found by looking at it.

Fetches the homepage (with the crawler's User-Agent, obeying robots.txt),
tells its CMS family from its links, tries the family's feeds, the feeds the
page announces, sitemaps and list pages, extracts two articles, and prints
what it found and a ready `datasets/outlets.csv` row. When no family's
article URLs match (a site of its own, or one whose URLs changed), the
article pattern is inferred from the shape of the links it does have.

Nothing here imports Scrapy: plain urllib, the discovery parsers and the
extractor, so a maintainer can run it anywhere.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import parse_qsl, urljoin, urlsplit

from crawler import discovery
from crawler.outlets import COLUMNS, REGIONS, Outlet, check_registry
from extractors import ExtractionError, extract_article
from extractors.cms import FAMILIES, GENERIC, CmsFamily
from extractors.decoding import decode_html
from extractors.metadata import read_meta
from extractors.urls import site_host

# A family is recognised by this many homepage links to its article URLs...
MIN_FAMILY_ARTICLE_LINKS = 3
# ... and an inferred article pattern needs this many links of one shape.
MIN_PATTERN_LINKS = 3
ARTICLES_TO_EXTRACT = 2
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# How much of the end of the homepage's text is its footer, where the address is.
FOOTER_CHARS = 1500
# A page with less visible text than this and scripts is a JavaScript shell.
SHELL_MAX_TEXT_CHARS = 200
# Long names of the regions as addresses print them.
REGION_LONG_NAMES: dict[str, str] = {
    "서울특별시": "서울", "부산광역시": "부산", "대구광역시": "대구", "인천광역시": "인천", "광주광역시": "광주",
    "대전광역시": "대전", "울산광역시": "울산", "세종특별자치시": "세종", "경기도": "경기", "강원특별자치도": "강원",
    "강원도": "강원", "충청북도": "충북", "충청남도": "충남", "전북특별자치도": "전북", "전라북도": "전북",
    "전라남도": "전남", "경상북도": "경북", "경상남도": "경남", "제주특별자치도": "제주", "제주도": "제주",
}
# Labels of a host that are not the outlet's name.
HOST_NOISE_LABELS = ("www", "m", "mobile", "news")


@dataclass
class Fetched:
    url: str
    status: int = 0
    body: bytes = b""
    content_type: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error


@dataclass
class SourceResult:
    """One feed, sitemap or list page tried."""

    kind: str
    url: str
    outcome: str
    links: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)


@dataclass
class ArticleResult:
    url: str
    outcome: str
    extracted: bool = False
    # The page came back as a shell that only a browser fills.
    javascript_shell: bool = False


@dataclass
class ProbeReport:
    homepage: str
    outlet: Outlet | None = None
    family_evidence: str = ""
    sources: list[SourceResult] = field(default_factory=list)
    articles: list[ArticleResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Fetcher:
    """GET with the crawler's User-Agent, obeying the site's robots.txt."""

    def __init__(self, homepage: str, timeout: float, user_agent: str):
        self.timeout = timeout
        self.user_agent = user_agent
        self.robots = urllib.robotparser.RobotFileParser()
        robots = self.get(urljoin(homepage, "/robots.txt"), check_robots=False)
        self.robots_text = robots.body if robots.ok else b""
        self.robots.parse(self.robots_text.decode("utf-8", "replace").splitlines())

    def get(self, url: str, check_robots: bool = True) -> Fetched:
        if check_robots and not self.robots.can_fetch(self.user_agent, url):
            return Fetched(url, error="robots.txt forbids it")
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Fetched(response.geturl(), response.status, response.read(MAX_RESPONSE_BYTES),
                               response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as error:
            return Fetched(url, error.code, error="HTTP " + str(error.code))
        except (urllib.error.URLError, OSError, ValueError) as error:
            return Fetched(url, error=f"{type(error).__name__}: {getattr(error, 'reason', error)}")


# -- what the homepage tells ----------------------------------------------------

def link_path(url: str) -> str:
    return urlsplit(url).path or "/"


def family_scores(own_links: list[str]) -> list[tuple[int, int, CmsFamily]]:
    """(article links, landmark links, family) for each crawlable family, best first.

    Landmarks are links to the family's own list pages and feeds, which a
    site keeps when it changes the address of its articles.
    """
    paths = {link_path(url) for url in own_links}
    scores = []
    for family in FAMILIES.values():
        if family is GENERIC or family.article_url_pattern == "^$":
            continue
        articles = sum(1 for url in own_links if family.is_article_url(url))
        landmarks = sum(1 for path in (*family.list_paths, *family.feed_paths) if path != "/" and path in paths)
        scores.append((articles, landmarks, family))
    return sorted(scores, key=lambda score: (score[0], score[1]), reverse=True)


def url_shape(url: str) -> str | None:
    """The regex an article URL of this shape matches: its id as \\d+, the rest literal."""
    parts = urlsplit(url)
    for name, value in parse_qsl(parts.query):
        if re.fullmatch(r"\d{3,}", value):
            return re.escape(parts.path) + r"\?(?:[^#]*&)?" + re.escape(name) + r"=\d+"
    if not re.search(r"\d{3,}", parts.path):
        return None
    pieces = re.split(r"(\d+)", parts.path)
    shape = "".join(r"\d+" if piece.isdigit() else re.escape(piece) for piece in pieces)
    return shape + ("$" if parts.path[-1:].isdigit() and not parts.query else "")


def infer_article_pattern(own_links: list[str]) -> tuple[str, int]:
    """The most common article-like URL shape among the links, and how many links have it."""
    shapes = Counter(shape for url in set(own_links) if (shape := url_shape(url)))
    if not shapes:
        return "", 0
    shape, count = shapes.most_common(1)[0]
    return (shape, count) if count >= MIN_PATTERN_LINKS else ("", count)


def guess_region(page_text: str) -> str:
    """The region of the address in the page's footer, if it names exactly one most often."""
    footer = page_text[-FOOTER_CHARS:]
    counts = Counter()
    for long_name, region in REGION_LONG_NAMES.items():
        counts[region] += footer.count(long_name)
    for region in REGIONS:
        counts[region] += len(re.findall(rf"(?<![가-힣]){region}(?=\s|[가-힣]+[시군구])", footer))
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return ""


def guess_key(homepage: str) -> str:
    labels = [label for label in (urlsplit(homepage).hostname or "").split(".") if label not in HOST_NOISE_LABELS]
    key = re.sub(r"[^a-z0-9-]+", "-", (labels[0] if labels else "").lower()).strip("-")
    return key if key and not key.isdigit() else "new-outlet"


def guess_name(root, page_title: str) -> str:
    meta = read_meta(root) if root is not None else {}
    if meta.get("og:site_name"):
        return meta["og:site_name"].strip()
    pieces = [piece.strip() for piece in re.split(r"\s+[-|:ㅣ·]\s+", page_title or "") if piece.strip()]
    return min(pieces, key=len) if pieces else ""


def looks_like_javascript_shell(root) -> bool:
    if root is None:
        return True
    text = " ".join(" ".join(root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")).split())
    return len(text) < SHELL_MAX_TEXT_CHARS and bool(root.xpath("//script[@src]"))


def choose_family(own_links: list[str]) -> tuple[CmsFamily, str, str]:
    """(family, article_pattern override, evidence in words) from the homepage's own links."""
    articles, landmarks, family = family_scores(own_links)[0]
    if articles >= MIN_FAMILY_ARTICLE_LINKS:
        return family, "", f"{articles} homepage links match the {family.name} family's article URLs"
    pattern, count = infer_article_pattern(own_links)
    if landmarks:
        # The family's list pages and feeds are there but its article URLs are not: the site changed them.
        return family, pattern, (f"links to {landmarks} of the {family.name} family's list pages or feeds, but its "
                                 f"articles now look like {pattern or 'nothing recognisable'} ({count} links)")
    return GENERIC, pattern, (f"no known family; {count} homepage links share the shape {pattern}" if pattern
                              else "no known family and no article-like links on the homepage")


def source_result(kind: str, fetched: Fetched, links_of) -> SourceResult:
    if not fetched.ok:
        return SourceResult(kind, fetched.url, fetched.error or f"HTTP {fetched.status}")
    try:
        links = links_of(fetched)
    except discovery.UnreadableDocument as error:
        return SourceResult(kind, fetched.url, f"unreadable: {error}")
    return SourceResult(kind, fetched.url, "ok", links=links)


def feed_links(fetched: Fetched) -> list[str]:
    return [link.url for link in discovery.feed_links(fetched.body, fetched.url)]


def sitemap_links(fetcher: Fetcher):
    def links_of(fetched: Fetched) -> list[str]:
        pages, nested = discovery.sitemap_entries(fetched.body, fetched.url)
        for url in nested[:2]:
            inner = fetcher.get(url)
            if inner.ok:
                pages += discovery.sitemap_entries(inner.body, inner.url)[0]
        return [page.url for page in pages]
    return links_of


def html_links(fetched: Fetched) -> list[str]:
    tree = discovery.parse_html(decode_html(fetched.body, fetched.content_type).text, fetched.url)
    return [url for url, _ in discovery.page_links(tree)]


def try_sources(fetcher: Fetcher, family: CmsFamily, homepage: str, page: Fetched, tree) -> list[SourceResult]:
    """Every feed, sitemap and list page worth trying, fetched once each."""
    feeds = dict.fromkeys(family.feed_urls(homepage) + discovery.alternate_feeds(tree))
    sitemaps = dict.fromkeys(family.sitemap_urls(homepage) + GENERIC.sitemap_urls(homepage)
                             + discovery.robots_sitemaps(fetcher.robots_text, homepage))
    results = [source_result("feed", fetcher.get(url), feed_links) for url in feeds]
    results += [source_result("sitemap", fetcher.get(url), sitemap_links(fetcher)) for url in sitemaps]
    for url in family.list_urls(homepage):
        fetched = page if link_path(url) == "/" else fetcher.get(url)
        results.append(source_result("list page", fetched, html_links))
    return results


def extract_two(fetcher: Fetcher, outlet: Outlet, candidates: list[str]) -> list[ArticleResult]:
    results = []
    for url in list(dict.fromkeys(candidates))[:ARTICLES_TO_EXTRACT]:
        fetched = fetcher.get(url)
        if not fetched.ok:
            results.append(ArticleResult(url, fetched.error or f"HTTP {fetched.status}"))
            continue
        try:
            record = extract_article(fetched.body, fetched.url, fetched.content_type, family=outlet.family)
        except ExtractionError as error:
            shell = looks_like_javascript_shell(discovery.parse_html(
                decode_html(fetched.body, fetched.content_type).text, fetched.url))
            results.append(ArticleResult(url, f"extraction failed: {error}", javascript_shell=shell))
            continue
        byline = f" by {', '.join(record.authors)}" if record.authors else ""
        results.append(ArticleResult(url, f"“{record.title}”, {record.published_at or 'no date'}{byline}, "
                                          f"{len(record.body)} characters", extracted=True))
    return results


def working(results: list[SourceResult], kind: str, urls: list[str] | None = None) -> list[str]:
    """The sources of a kind (among `urls`, if given) that led to articles."""
    return [r.url for r in results if r.kind == kind and r.articles and (urls is None or r.url in urls)]


def registry_overrides(family: CmsFamily, homepage: str, results: list[SourceResult],
                       homepage_articles: list[str]) -> dict:
    """Feeds, sitemaps and list paths the row must name because the family's defaults do not lead to articles."""
    overrides = {"feeds": (), "sitemaps": (), "list_paths": ()}
    if not working(results, "feed", family.feed_urls(homepage)):
        overrides["feeds"] = tuple(working(results, "feed"))
    if not family.discovers_sitemaps_in_robots and not working(results, "sitemap", family.sitemap_urls(homepage)):
        overrides["sitemaps"] = tuple(working(results, "sitemap"))
    if not working(results, "list page") and homepage_articles and family.list_paths != ("/",):
        overrides["list_paths"] = ("/",)
    return overrides


def probe(url: str, key: str | None = None, name: str | None = None, region: str | None = None,
          timeout: float = 20.0, user_agent: str | None = None) -> ProbeReport:
    if user_agent is None:
        from crawler.settings import USER_AGENT as user_agent
    fetcher = Fetcher(url, timeout, user_agent)
    page = fetcher.get(url)
    report = ProbeReport(homepage=url)
    if not page.ok:
        report.notes.append(f"the homepage did not answer: {page.error or page.status}")
        return report
    parts = urlsplit(page.url)
    homepage = report.homepage = f"{parts.scheme}://{parts.netloc}/"
    text = decode_html(page.body, page.content_type).text
    tree = discovery.parse_html(text, page.url)
    own = [link for link in html_links(page) if site_host(link) == site_host(homepage)]
    family, pattern, report.family_evidence = choose_family(own)
    report.sources = try_sources(fetcher, family, homepage, page, tree)
    if family is GENERIC and not pattern:
        # A JavaScript shell has no links: its sitemap or feed shows what articles look like.
        pattern, count = infer_article_pattern(own + [link for r in report.sources for link in r.links
                                                      if site_host(link) == site_host(homepage)])
        if pattern:
            report.family_evidence += f"; its feeds and sitemaps have {count} links of the shape {pattern}"
    title = tree.findtext(".//title") if tree is not None else ""
    outlet = Outlet(key=key or guess_key(homepage), name=name or guess_name(tree, title or ""),
                    region=region or guess_region(" ".join(text.split())), homepage=homepage,
                    cms=family.name, article_pattern=pattern)
    for result in report.sources:
        result.articles = [link for link in result.links if outlet.is_article_url(link)]
    homepage_articles = [link for link in own if outlet.is_article_url(link)]
    candidates = [link for r in report.sources for link in r.articles] + homepage_articles
    report.articles = extract_two(fetcher, outlet, candidates)
    extracted = [article.url for article in report.articles if article.extracted]
    needs_js = bool(report.articles) and all(article.javascript_shell for article in report.articles)
    if needs_js:
        report.notes.append("its article pages are JavaScript shells: needs_js is true (check them in a browser)")
    report.outlet = replace(outlet, **registry_overrides(family, homepage, report.sources, homepage_articles),
                            needs_js=needs_js, source=(extracted or candidates or [""])[0])
    return report


def registry_row(outlet: Outlet) -> str:
    values = {**asdict(outlet), "needs_js": "true" if outlet.needs_js else "false"}
    for column in ("article_hosts", "list_paths", "feeds", "sitemaps"):
        values[column] = " ".join(values[column])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerow(values)
    return buffer.getvalue().rstrip("\n")


def format_probe(report: ProbeReport) -> str:
    lines = [f"Probed {report.homepage}"]
    if report.outlet is None:
        return "\n".join(lines + [f"  {note}" for note in report.notes])
    lines.append(f"  CMS family: {report.outlet.cms} ({report.family_evidence})")
    for result in report.sources:
        found = f"{len(result.links)} links, {len(result.articles)} articles" if result.outcome == "ok" else result.outcome
        lines.append(f"  {result.kind} {result.url}: {found}")
    for article in report.articles:
        lines.append(f"  article {article.url}: {article.outcome}")
    lines.extend(f"  note: {note}" for note in report.notes)
    problems = check_registry([report.outlet], min_outlets=0, min_per_region=0)
    lines.extend(f"  check: {problem}" for problem in problems)
    lines.append("Registry row (datasets/outlets.csv):")
    lines.append(registry_row(report.outlet))
    return "\n".join(lines)


def probe_command(arguments: argparse.Namespace) -> int:
    """Exit 0 when the probe extracted an article, 1 when it found none."""
    report = probe(arguments.url, arguments.key, arguments.name, arguments.region, arguments.timeout)
    print(format_probe(report))
    return 0 if any(article.extracted for article in report.articles) else 1

