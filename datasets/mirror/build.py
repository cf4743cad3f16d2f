"""Render the bundled offline mirror: four fictional regional news sites.

    .venv/bin/python datasets/mirror/build.py           # rebuild everything
    .venv/bin/python datasets/mirror/build.py --check   # validate stories, write nothing

Reads every `stories/*.yaml` (one published article each), validates it,
renders it through the templates in `templates/<site-key>/` and rewrites
`sites/<site-key>/` (the document roots the mirror server serves),
`expected.json` (what a complete crawl must find) and `outlets.csv` (the
mirror's outlet registry).

The output is deterministic: inputs are sorted, no clock is read, and images
are generated from hashes, so a second run gives identical bytes and
`git diff` stays empty.

File names follow the server's URL mapping (see README.md): a URL with a
query is stored as `<path>@<query parameters sorted by name>`, a URL ending
in `/` as `<path>index.html`.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import shutil
import struct
import sys
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

import jinja2
import yaml

MIRROR_DIR = Path(__file__).resolve().parent
STORIES_DIR = MIRROR_DIR / "stories"
TEMPLATES_DIR = MIRROR_DIR / "templates"
SITES_DIR = MIRROR_DIR / "sites"
EXPECTED_PATH = MIRROR_DIR / "expected.json"
OUTLETS_PATH = MIRROR_DIR / "outlets.csv"

SITE_KEYS = ("hanbit-news", "jeonbuk-saenal", "daegyeong-daily", "chungcheong-now")
KINDS = ("standard", "brief", "interview", "photo", "video")
KOREA = timezone(timedelta(hours=9))
DATE_FORMAT = "%Y-%m-%d %H:%M"
PAGE_SIZE = 10
FEED_SIZE = 10
WEEKDAYS_KO = "월화수목금토일"

REQUIRED_KEYS = ("story", "site", "id", "kind", "section", "published", "title", "paragraphs")
OPTIONAL_KEYS = ("modified", "subtitle", "reporter", "email", "images", "tags")

# idxnos the hanbit-news list pages link to on purpose: each one fails in a
# different way (see templates/hanbit-news/site.yaml), so stories must not
# take them.
RESERVED_IDS = {"hanbit-news": {str(n) for n in range(39990, 40000)}}

ID_PATTERNS = {
    "hanbit-news": re.compile(r"[1-9]\d{0,6}"),
    "jeonbuk-saenal": re.compile(r"[1-9]\d{0,6}"),
    "daegyeong-daily": re.compile(r"\d{8}\d{5}"),
    "chungcheong-now": re.compile(r"[1-9]\d{0,6}"),
}
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class StoryError(Exception):
    """A story file breaks the schema; the message names the file."""


# ---------------------------------------------------------------- stories


@dataclass(frozen=True)
class StoryImage:
    caption: str
    # Index of the paragraph the image follows; -1 puts it above the body.
    after: int


@dataclass
class Story:
    source_name: str
    story: str
    site: str
    id: str
    kind: str
    section: str
    published: datetime
    modified: datetime | None
    title: str
    subtitle: str
    reporter: str
    email: str
    paragraphs: list[str]
    images: list[StoryImage]
    tags: list[str]
    # Filled in by the site builder.
    url: str = ""
    image_urls: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        return (self.published, int(self.id))

    @property
    def last_changed(self) -> datetime:
        return self.modified or self.published

    def body_blocks(self) -> list[tuple[str, object]]:
        """Paragraphs and images in reading order, as ("p", text) / ("img", index)."""
        blocks: list[tuple[str, object]] = []
        for index, image in enumerate(self.images):
            if image.after == -1:
                blocks.append(("img", index))
        for paragraph_index, paragraph in enumerate(self.paragraphs):
            blocks.append(("p", paragraph))
            for index, image in enumerate(self.images):
                if image.after == paragraph_index:
                    blocks.append(("img", index))
        return blocks

    def excerpt(self, limit: int) -> str:
        text = " ".join(self.paragraphs)
        return text if len(text) <= limit else text[:limit]


def parse_time(value: object, name: str, key: str) -> datetime:
    if not isinstance(value, str):
        raise StoryError(f"{name}: {key} must be a quoted string 'YYYY-MM-DD HH:MM', got {value!r}")
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=KOREA)
    except ValueError:
        raise StoryError(f"{name}: {key} {value!r} is not 'YYYY-MM-DD HH:MM'") from None


def require_text(data: dict, key: str, name: str, required: bool) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise StoryError(f"{name}: {key} must be a non-empty string")
    return value.strip()


def parse_images(value: object, paragraph_count: int, name: str) -> list[StoryImage]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise StoryError(f"{name}: images must be a list")
    images = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("caption"), str):
            raise StoryError(f"{name}: every image needs a caption string")
        after = entry.get("after", 0)
        if not isinstance(after, int) or not -1 <= after < paragraph_count:
            raise StoryError(f"{name}: image 'after' must be -1..{paragraph_count - 1}, got {after!r}")
        images.append(StoryImage(caption=entry["caption"].strip(), after=after))
    return images


def parse_story(path: Path) -> Story:
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise StoryError(f"{name}: not readable YAML: {error}") from None
    if not isinstance(data, dict):
        raise StoryError(f"{name}: top level must be a mapping")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise StoryError(f"{name}: missing required keys {missing}")
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise StoryError(f"{name}: unknown keys {unknown}")

    site = data["site"]
    if site not in SITE_KEYS:
        raise StoryError(f"{name}: site {site!r} is not one of {SITE_KEYS}")
    story_slug = data["story"]
    if not isinstance(story_slug, str) or not SLUG_PATTERN.fullmatch(story_slug):
        raise StoryError(f"{name}: story slug {story_slug!r} must be lowercase words joined by hyphens")
    if path.stem != f"{story_slug}--{site}":
        raise StoryError(f"{name}: file name must be {story_slug}--{site}.yaml")
    story_id = data["id"]
    if not isinstance(story_id, str) or not ID_PATTERNS[site].fullmatch(story_id):
        raise StoryError(f"{name}: id {story_id!r} has the wrong format for {site} (must be a quoted string)")
    if story_id in RESERVED_IDS.get(site, ()):
        raise StoryError(f"{name}: id {story_id} is reserved for a deliberate failure on {site}")
    if data["kind"] not in KINDS:
        raise StoryError(f"{name}: kind {data['kind']!r} is not one of {KINDS}")

    published = parse_time(data["published"], name, "published")
    modified = parse_time(data["modified"], name, "modified") if data.get("modified") else None
    if modified and modified < published:
        raise StoryError(f"{name}: modified is earlier than published")
    if site == "daegyeong-daily" and story_id[:8] != published.strftime("%Y%m%d"):
        raise StoryError(f"{name}: daegyeong-daily id must start with the published date {published:%Y%m%d}")

    paragraphs = data["paragraphs"]
    if not isinstance(paragraphs, list) or not paragraphs or not all(
        isinstance(p, str) and p.strip() for p in paragraphs
    ):
        raise StoryError(f"{name}: paragraphs must be a non-empty list of non-empty strings")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        raise StoryError(f"{name}: tags must be a list of strings")
    if any("/" in str(tag) for tag in tags):
        raise StoryError(f"{name}: a tag may not contain '/' (tags become file names of tag pages)")

    return Story(
        source_name=name,
        story=story_slug,
        site=site,
        id=story_id,
        kind=data["kind"],
        section=require_text(data, "section", name, required=True),
        published=published,
        modified=modified,
        title=require_text(data, "title", name, required=True),
        subtitle=require_text(data, "subtitle", name, required=False),
        reporter=require_text(data, "reporter", name, required=False),
        email=require_text(data, "email", name, required=False),
        paragraphs=[p.strip() for p in paragraphs],
        images=parse_images(data.get("images"), len(paragraphs), name),
        tags=[str(t).strip() for t in tags],
    )


def load_stories(directory: Path) -> list[Story]:
    stories = [parse_story(path) for path in sorted(directory.glob("*.yaml"))]
    seen: dict[tuple[str, str], str] = {}
    for story in stories:
        key = (story.site, story.id)
        if key in seen:
            raise StoryError(f"{story.source_name}: id {story.id} already used on {story.site} by {seen[key]}")
        seen[key] = story.source_name
    return stories


# ---------------------------------------------------------------- output


def url_to_file(url: str) -> str:
    """The document-root file the mirror server reads for a site-relative URL."""
    path, _, query = url.partition("?")
    relative = unquote(path).lstrip("/")
    if query:
        # Decoded and sorted like the server does, so ?sc_word=%EC%88%98 and
        # ?sc_word=수 name the same file.
        pairs = sorted(parse_qsl(query, keep_blank_values=True))
        return relative + "@" + "&".join(f"{name}={value}" for name, value in pairs)
    if path.endswith("/") or not path:
        return f"{relative}index.html"
    return relative


@dataclass
class SiteOutput:
    key: str
    config: dict
    files: dict[str, bytes] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    non_articles: list[str] = field(default_factory=list)
    # Extra facts for tests, e.g. which articles show no date.
    notes: dict[str, list[str]] = field(default_factory=dict)

    def put(self, url: str, content: str | bytes, encoding: str | None = None) -> None:
        path = url_to_file(url)
        if path in self.files:
            raise RuntimeError(f"{self.key}: {path} written twice")
        if isinstance(content, str):
            content = content.encode(encoding or self.config["charset"], errors="xmlcharrefreplace")
        self.files[path] = content

    def put_page(self, url: str, content: str, is_article: bool) -> None:
        self.put(url, content)
        (self.articles if is_article else self.non_articles).append(url)


def make_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def load_site_config(key: str) -> dict:
    return yaml.safe_load((TEMPLATES_DIR / key / "site.yaml").read_text(encoding="utf-8"))


def placeholder_png(seed: str, width: int = 160, height: int = 100) -> bytes:
    """A small solid-colour PNG whose colour comes from the seed, so photos exist and differ."""
    red, green, blue = hashlib.sha1(seed.encode("utf-8")).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def newest_first(stories: list[Story]) -> list[Story]:
    return sorted(stories, key=lambda s: s.sort_key, reverse=True)


def most_read(stories: list[Story], count: int) -> list[Story]:
    """A stable stand-in for view counts: order by a hash of site and id."""
    return sorted(stories, key=lambda s: hashlib.sha1(f"{s.site}:{s.id}".encode()).hexdigest())[:count]


def pages_of(items: list, size: int = PAGE_SIZE) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def iso_time(moment: datetime) -> str:
    return moment.isoformat()


def rfc822_time(moment: datetime) -> str:
    return format_datetime(moment)


def korean_weekday(moment: datetime) -> str:
    return WEEKDAYS_KO[moment.weekday()]


def section_codes(stories: list[Story], known: list[dict], make_code) -> list[dict]:
    """Known sections in menu order, then any other section the stories use."""
    sections = [dict(entry) for entry in known]
    names = {entry["name"] for entry in sections}
    extra = sorted({s.section for s in stories} - names)
    for offset, name in enumerate(extra, start=1):
        sections.append({"name": name, "code": make_code(len(known) + offset)})
    return sections


def paged_url(base: str, page: int, joiner: str = "?") -> str:
    """Page 1 is the bare list URL; later pages add page=N."""
    return base if page == 1 else f"{base}{joiner}page={page}"


def render_list_pages(output: SiteOutput, env, template: str, base_url: str, joiner: str,
                      stories: list[Story], context: dict, write_page_one_alias: bool) -> None:
    """Write every page of a paged list; page 1 is also stored under page=1 when asked."""
    chunks = pages_of(stories)
    page_urls = [paged_url(base_url, page, joiner) for page in range(1, len(chunks) + 1)]
    for page, chunk in enumerate(chunks, start=1):
        html = env.get_template(template).render(
            **context, items=chunk, page=page, page_urls=page_urls, list_url=page_urls[page - 1],
        )
        output.put_page(page_urls[page - 1], html, is_article=False)
        if page == 1 and write_page_one_alias:
            output.put_page(f"{base_url}{joiner}page=1", html, is_article=False)


# ---------------------------------------------------------------- hanbit-news


def build_hanbit(stories: list[Story], env: jinja2.Environment) -> SiteOutput:
    key = "hanbit-news"
    config = load_site_config(key)
    output = SiteOutput(key, config)
    host = config["host"]
    ordered = newest_first(stories)
    sections = section_codes(stories, config["sections"], lambda n: f"S1N{n}")
    code_of = {entry["name"]: entry["code"] for entry in sections}
    for story in stories:
        story.url = f"/news/articleView.html?idxno={story.id}"
        story.image_urls = [
            f"/news/photo/{story.published:%Y%m}/{story.id}_{n}_{story.published:%H%M}.png"
            for n in range(1, len(story.images) + 1)
        ]
        for url in story.image_urls:
            output.put(url, placeholder_png(f"{key}{url}"))

    tags = sorted({tag for story in stories for tag in story.tags})
    tag_url = {tag: f"/news/articleList.html?sc_word={quote(tag, safe='')}" for tag in tags}
    failure_links = config["failure_links"]
    common = {
        "site": config, "host": host, "sections": sections, "code_of": code_of,
        "popular": most_read(stories, 10), "photo_news": [s for s in ordered if s.images][:4],
        "recent": ordered[:10], "failure_links": failure_links, "tag_url": tag_url,
    }

    for story in ordered:
        related = [s for s in ordered if s.section == story.section and s is not story][:4]
        html = env.get_template(f"{key}/article.html").render(
            **common, story=story, related=related, iso_time=iso_time,
            json_ld=hanbit_json_ld(story, config),
        )
        output.put_page(story.url, html, is_article=True)

    render_list_pages(output, env, f"{key}/list.html", "/news/articleList.html", "?", ordered,
                      dict(common, heading="전체기사"), write_page_one_alias=True)
    for entry in sections:
        members = [s for s in ordered if s.section == entry["name"]]
        render_list_pages(output, env, f"{key}/list.html",
                          f"/news/articleList.html?sc_section_code={entry['code']}", "&", members,
                          dict(common, heading=entry["name"]), write_page_one_alias=False)
    for tag in tags:
        members = [s for s in ordered if tag in s.tags]
        html = env.get_template(f"{key}/list.html").render(
            **common, heading=f"'{tag}' 태그 기사", items=members, page=1,
            page_urls=[tag_url[tag]], list_url=tag_url[tag],
        )
        output.put_page(tag_url[tag], html, is_article=False)

    render_simple_pages(output, env, key, common, {
        "/": "home.html", "/member/login.html": "login.html", "/com/company.html": "company.html",
    })
    output.put("/404.html", env.get_template(f"{key}/404.html").render(**common))
    output.non_articles.append("/404.html")
    output.put("/rss/allArticle.xml", env.get_template(f"{key}/rss.xml").render(
        **common, items=ordered[:FEED_SIZE], rfc822_time=rfc822_time))
    output.put("/robots.txt", "User-agent: *\nDisallow: /member/\n")
    output.put("/css/style.css", (TEMPLATES_DIR / key / "style.css").read_text(encoding="utf-8"))

    routes = {}
    for link in failure_links:
        output.failures.append(link["url"])
        if link.get("route"):
            routes[link["url"]] = link["route"]
    output.put("/_routes.yaml", yaml.safe_dump(routes, sort_keys=True, allow_unicode=True))
    return output


def hanbit_json_ld(story: Story, config: dict) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": iso_time(story.published),
        "dateModified": iso_time(story.last_changed),
        "mainEntityOfPage": f"{config['host']}{story.url}",
        "publisher": {"@type": "Organization", "name": config["name"]},
    }
    if story.reporter:
        data["author"] = {"@type": "Person", "name": story.reporter}
    # Escaping "</" keeps a headline from closing the script element.
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def render_simple_pages(output: SiteOutput, env, key: str, context: dict, pages: dict[str, str]) -> None:
    for url, template in pages.items():
        output.put_page(url, env.get_template(f"{key}/{template}").render(**context), is_article=False)


# ---------------------------------------------------------------- jeonbuk-saenal


def build_jeonbuk(stories: list[Story], env: jinja2.Environment) -> SiteOutput:
    key = "jeonbuk-saenal"
    config = load_site_config(key)
    output = SiteOutput(key, config)
    ordered = newest_first(stories)
    sections = section_codes(stories, config["sections"], lambda n: str(n))
    code_of = {entry["name"]: entry["code"] for entry in sections}
    for story in stories:
        story.url = f"/news/article.html?no={story.id}"
        story.image_urls = [
            f"/data/news/{story.published:%Y%m}/{story.id}_{n}.png" for n in range(1, len(story.images) + 1)
        ]
        for url in story.image_urls:
            output.put(url, placeholder_png(f"{key}{url}"))

    # The page header states a fixed "today" that is not the article's date,
    # and the one article with a lying <meta charset> is the highest id.
    lying_charset_id = max((s.id for s in stories), key=int, default=None)
    common = {
        "site": config, "sections": sections, "code_of": code_of,
        "popular": most_read(stories, 8), "videos": [s for s in ordered if s.kind == "video"][:3],
    }
    for story in ordered:
        others = [s for s in ordered if s is not story][:2]
        html = env.get_template(f"{key}/article.html").render(
            **common, story=story, teasers=others,
            meta_charset="utf-8" if story.id == lying_charset_id else "euc-kr",
            body_style="p" if int(story.id) % 2 == 0 else "br",
            byline_style="bracket" if int(story.id) % 3 != 1 else "dots",
        )
        output.put_page(story.url, html, is_article=True)
    if lying_charset_id:
        output.notes["meta_charset_lies"] = [f"/news/article.html?no={lying_charset_id}"]

    page_context = dict(common, meta_charset="euc-kr")
    render_list_pages(output, env, f"{key}/list.html", "/news/section_list_all.html", "?", ordered,
                      dict(page_context, heading="뉴스종합"), write_page_one_alias=True)
    for entry in sections:
        members = [s for s in ordered if s.section == entry["name"]]
        render_list_pages(output, env, f"{key}/list.html", f"/news/section.html?sec_no={entry['code']}", "&",
                          members, dict(page_context, heading=entry["name"]), write_page_one_alias=False)
    render_simple_pages(output, env, key, dict(page_context, recent=ordered[:8]), {
        "/": "home.html", "/member/login.html": "login.html", "/news/search.html": "search.html",
        "/company/intro.html": "company.html",
    })
    output.put("/404.html", env.get_template(f"{key}/404.html").render(**page_context))
    output.non_articles.append("/404.html")
    # Strict EUC-KR (not cp949) so the feed is valid for its XML declaration.
    output.put("/rss/news.xml", env.get_template(f"{key}/rss.xml").render(
        **common, items=ordered[:FEED_SIZE], rfc822_time=rfc822_time), encoding="euc_kr")
    output.put("/robots.txt", "User-agent: *\nDisallow: /member/\nDisallow: /admin/\n")
    output.put("/css/style.css", (TEMPLATES_DIR / key / "style.css").read_text(encoding="utf-8"))
    return output


# ---------------------------------------------------------------- daegyeong-daily


def build_daegyeong(stories: list[Story], env: jinja2.Environment) -> SiteOutput:
    key = "daegyeong-daily"
    config = load_site_config(key)
    output = SiteOutput(key, config)
    ordered = newest_first(stories)
    sections = section_codes(stories, config["sections"], lambda n: f"section{n}")
    slug_of = {entry["name"]: entry["code"] for entry in sections}
    for story in stories:
        story.url = f"/site/data/html/{story.published:%Y/%m/%d}/{story.id}.html"
        story.image_urls = [
            f"/site/data/img/{story.published:%Y/%m/%d}/{story.id}_{n}.png" for n in range(len(story.images))
        ]
        for url in story.image_urls:
            output.put(url, placeholder_png(f"{key}{url}"))

    # Like the seed page, about a third of the articles show no date at all:
    # the URL is the only place it survives.
    by_id = sorted(stories, key=lambda s: s.id)
    dateless = {s.id for index, s in enumerate(by_id) if index % 3 == 2} | set(config["dateless_ids"])
    common = {"site": config, "sections": sections, "slug_of": slug_of, "popular": most_read(stories, 8)}
    for story in ordered:
        related = [s for s in ordered if s.section == story.section and s is not story][:5]
        html = env.get_template(f"{key}/article.html").render(
            **common, story=story, related=related, show_date=story.id not in dateless,
        )
        output.put_page(story.url, html, is_article=True)
    output.notes["date_only_in_url"] = sorted(s.url for s in stories if s.id in dateless)

    for entry in sections:
        members = [s for s in ordered if s.section == entry["name"]]
        render_list_pages(output, env, f"{key}/list.html", f"/site/list/{entry['code']}.html", "?", members,
                          dict(common, heading=entry["name"]), write_page_one_alias=True)
    render_simple_pages(output, env, key, dict(common, recent=ordered[:12]), {
        "/": "home.html", "/member/login.html": "login.html", "/site/search.html": "search.html",
        "/site/company.html": "company.html",
    })
    output.put("/404.html", env.get_template(f"{key}/404.html").render(**common))
    output.non_articles.append("/404.html")
    output.put("/sitemap.xml", env.get_template(f"{key}/sitemap.xml").render(
        **common, items=ordered, iso_time=iso_time))
    output.put("/robots.txt", f"User-agent: *\nDisallow: /admin/\n\nSitemap: {config['host']}/sitemap.xml\n")
    output.put("/css/style.css", (TEMPLATES_DIR / key / "style.css").read_text(encoding="utf-8"))
    return output


# ---------------------------------------------------------------- chungcheong-now


def build_chungcheong(stories: list[Story], env: jinja2.Environment) -> SiteOutput:
    key = "chungcheong-now"
    config = load_site_config(key)
    output = SiteOutput(key, config)
    ordered = newest_first(stories)
    sections = section_codes(stories, config["sections"], lambda n: f"section{n}")
    slug_of = {entry["name"]: entry["code"] for entry in sections}
    for story in stories:
        story.url = f"/news/{story.id}"
        story.image_urls = [f"/static/photos/{story.id}_{n}.png" for n in range(1, len(story.images) + 1)]
        for url in story.image_urls:
            output.put(url, placeholder_png(f"{key}{url}"))

    shell = env.get_template(f"{key}/shell.html")
    for story in ordered:
        # The extension-less URL is served from <path>.html (server rule 3).
        output.put(f"{story.url}.html", shell.render(site=config, sections=sections))
        output.articles.append(story.url)
        output.put(f"/api/articles/{story.id}.json", api_json(chungcheong_article(story, slug_of)))

    summaries = [chungcheong_summary(s, slug_of) for s in ordered]
    output.put("/api/latest.json", api_json({"articles": summaries[:20]}))
    output.put("/api/popular.json", api_json({"articles": [chungcheong_summary(s, slug_of) for s in most_read(stories, 6)]}))
    output.put_page("/", shell.render(site=config, sections=sections), is_article=False)
    for entry in sections:
        members = [chungcheong_summary(s, slug_of) for s in ordered if s.section == entry["name"]]
        output.put(f"/api/sections/{entry['code']}.json", api_json({"name": entry["name"], "articles": members}))
    extensionless = {f"/section/{entry['code']}": shell for entry in sections}
    extensionless["/search"] = shell
    extensionless["/about"] = env.get_template(f"{key}/about.html")
    extensionless["/login"] = env.get_template(f"{key}/login.html")
    for url, template in extensionless.items():
        # Clean URLs without an extension are served from <path>.html (server rule 3).
        output.put(f"{url}.html", template.render(site=config, sections=sections))
        output.non_articles.append(url)
    output.put("/404.html", env.get_template(f"{key}/404.html").render(site=config, sections=sections))
    output.non_articles.append("/404.html")
    output.put("/sitemap.xml", env.get_template(f"{key}/sitemap.xml").render(
        site=config, items=ordered, iso_time=iso_time))
    output.put("/robots.txt", f"User-agent: *\nDisallow: /api/private/\n\nSitemap: {config['host']}/sitemap.xml\n")
    output.put("/static/app.js", (TEMPLATES_DIR / key / "app.js").read_text(encoding="utf-8"))
    output.put("/static/style.css", (TEMPLATES_DIR / key / "style.css").read_text(encoding="utf-8"))
    return output


def chungcheong_summary(story: Story, slug_of: dict) -> dict:
    return {
        "id": int(story.id), "url": story.url, "title": story.title, "section": story.section,
        "section_url": f"/section/{slug_of[story.section]}", "published": iso_time(story.published),
        "thumbnail": story.image_urls[0] if story.image_urls else None,
    }


def chungcheong_article(story: Story, slug_of: dict) -> dict:
    return dict(
        chungcheong_summary(story, slug_of),
        subtitle=story.subtitle or None, reporter=story.reporter or None, email=story.email or None,
        modified=iso_time(story.modified) if story.modified else None, kind=story.kind,
        paragraphs=story.paragraphs, tags=story.tags,
        images=[{"src": url, "caption": image.caption, "after": image.after}
                for url, image in zip(story.image_urls, story.images)],
    )


def api_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# ---------------------------------------------------------------- registry files

BUILDERS = {
    "hanbit-news": build_hanbit,
    "jeonbuk-saenal": build_jeonbuk,
    "daegyeong-daily": build_daegyeong,
    "chungcheong-now": build_chungcheong,
}


def write_site(output: SiteOutput) -> None:
    root = SITES_DIR / output.key
    site_settings = {"name": output.config["name"], "charset": output.config["charset"]}
    output.files["_site.yaml"] = yaml.safe_dump(site_settings, sort_keys=True, allow_unicode=True).encode("utf-8")
    if "_routes.yaml" not in output.files:
        output.files["_routes.yaml"] = b"{}\n"
    for relative, content in sorted(output.files.items()):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def expected_document(outputs: list[SiteOutput], stories: list[Story]) -> dict:
    sites = {}
    for output in outputs:
        sites[output.key] = {
            "name": output.config["name"],
            "articles": sorted(output.articles),
            "failures": sorted(output.failures),
            "non_articles": sorted(output.non_articles),
            **{name: values for name, values in sorted(output.notes.items())},
        }
    grouped: dict[str, list[str]] = {}
    for story in stories:
        grouped.setdefault(story.story, []).append(f"{story.site}:{story.url}")
    return {"sites": sites, "stories": {slug: sorted(urls) for slug, urls in sorted(grouped.items())}}


OUTLET_COLUMNS = ("key", "name", "region", "homepage", "cms", "article_url_pattern", "feeds", "sitemaps",
                  "needs_js", "source")


def outlets_csv(outputs: list[SiteOutput]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTLET_COLUMNS)
    for output in outputs:
        config = output.config
        host = config["host"]
        writer.writerow([
            output.key, config["name"], config["region"], f"{host}/", config["cms"],
            config.get("article_url_pattern", ""),
            " ".join(f"{host}{path}" for path in config.get("feeds", [])),
            " ".join(f"{host}{path}" for path in config.get("sitemaps", [])),
            "true" if config.get("needs_js") else "false",
            "fictional site in datasets/mirror",
        ])
    return buffer.getvalue()


def build(stories_dir: Path = STORIES_DIR, write: bool = True) -> list[SiteOutput]:
    stories = load_stories(stories_dir)
    env = make_environment()
    outputs = []
    for key in SITE_KEYS:
        site_stories = [s for s in stories if s.site == key]
        outputs.append(BUILDERS[key](site_stories, env))
    if not write:
        return outputs
    if SITES_DIR.exists():
        shutil.rmtree(SITES_DIR)
    for output in outputs:
        write_site(output)
    EXPECTED_PATH.write_text(
        json.dumps(expected_document(outputs, stories), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    OUTLETS_PATH.write_text(outlets_csv(outputs), encoding="utf-8")
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render datasets/mirror/stories into datasets/mirror/sites.")
    parser.add_argument("--stories", type=Path, default=STORIES_DIR, help="directory of story YAML files")
    parser.add_argument("--check", action="store_true", help="validate and render in memory; write nothing")
    args = parser.parse_args(argv)
    try:
        outputs = build(args.stories, write=not args.check)
    except StoryError as error:
        print(f"build.py: bad story file: {error}", file=sys.stderr)
        return 1
    for output in outputs:
        print(f"{output.key}: {len(output.articles)} articles, {len(output.non_articles)} other pages, "
              f"{len(output.failures)} deliberate failures, {len(output.files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
