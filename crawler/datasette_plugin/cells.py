"""How cells of a news database look in HTML tables.

Crawled text is always escaped here (markupsafe.escape before any markup is
added), never passed through as HTML. Conventions, by column name:

- long texts (`body`) are cut to a line, with a link to the article page;
- `title` next to an article `url` links to the article page (the reading
  view), `story_id` to the story page, `representative_url` to the article;
- JSON arrays (authors, images, regions…) become lists;
- a canonical or fetched URL equal to the article's url says so in two words;
- publication times show the Korean date and time, and say when the page
  gave only a date.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from crawler.datasette_plugin.config import JSON_COLUMN_NAMES

KOREA = timezone(timedelta(hours=9))
TRUNCATED_TEXT_CHARS = 140
LONG_TEXT_COLUMNS = frozenset({"body"})
# Tables whose rows are, or belong to, one article, and the column holding its URL.
ARTICLE_URL_COLUMN = {"articles": "url", "article_versions": "article_url", "story_articles": "url", None: "url"}
TITLE_LINK_TABLES = (None, "articles", "story_articles")
# Links to the outlets' pages are only followed for these schemes (never javascript:).
LINK_SCHEMES = ("http://", "https://")
PUBLICATION_TIME_COLUMNS = frozenset({"published_at", "modified_at"})
# Other URLs of an article, usually equal to its url: said in two words then.
ALTERNATE_URL_COLUMNS = frozenset({"canonical_url", "fetched_url"})
JSON_LIST_ITEMS_SHOWN = 12


def article_path(datasette, database: str, url: str) -> str:
    return datasette.urls.row(database, "articles", tilde_encode(url))


def story_path(datasette, database: str, story_id: str) -> str:
    return datasette.urls.table(database, "stories") + "/" + tilde_encode(story_id)


def _link(href: str, text, css_class: str = "") -> Markup:
    class_attribute = Markup(' class="{}"').format(css_class) if css_class else ""
    return Markup('<a href="{}"{}>{}</a>').format(href, class_attribute, text)


def external_href(url) -> str | None:
    url = str(url or "").strip()
    return url if url.lower().startswith(LINK_SCHEMES) else None


def _row_value(row, column: str):
    try:
        return row[column]
    except (IndexError, KeyError):
        return None


def korean_time(value: str) -> tuple[str, str | None]:
    """(date, HH:MM or None) of an ISO 8601 value, in Korean time; a bare date keeps no time."""
    if len(value) == 10:
        return value, None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value, None
    if moment.tzinfo is not None:
        moment = moment.astimezone(KOREA)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M")


def render_publication_time(value: str) -> Markup:
    day, time = korean_time(value)
    if time is None:
        return Markup('<time datetime="{}">{}</time> <span class="news-muted">(date only)</span>').format(value, day)
    return Markup('<time datetime="{}">{} {}</time>').format(value, day, time)


def render_json(value: str) -> Markup | None:
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if isinstance(data, dict):
        items = [Markup("{}: {}").format(key, _compact(item)) for key, item in data.items()]
    elif isinstance(data, list):
        items = [_json_item(item) for item in data]
    else:
        return None
    if not items:
        return Markup('<span class="news-muted">none</span>')
    shown = Markup("").join(Markup("<li>{}</li>").format(item) for item in items[:JSON_LIST_ITEMS_SHOWN])
    more = len(items) - JSON_LIST_ITEMS_SHOWN
    if more > 0:
        shown += Markup('<li class="news-muted">… {} more</li>').format(more)
    return Markup('<ul class="news-list">{}</ul>').format(shown)


def _json_item(item) -> Markup:
    if isinstance(item, dict) and "src" in item:
        # A photo: its caption, linked to the image on the outlet's site (not loaded here).
        caption = item.get("caption") or "photo"
        href = external_href(item["src"])
        return _link(href, caption) if href else escape(caption)
    return escape(_compact(item))


def _compact(item) -> str:
    if isinstance(item, dict):
        return ", ".join(f"{key} {value}" for key, value in item.items())
    return str(item)


def truncated(text: str, limit: int = TRUNCATED_TEXT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def render_cell(datasette, database: str, table: str | None, column: str, value, row) -> Markup | None:
    """The HTML of one cell of a news database, or None for Datasette's default."""
    if value is None or value == "" or not isinstance(value, str):
        return None
    article_url = _row_value(row, ARTICLE_URL_COLUMN.get(table, "")) if table in ARTICLE_URL_COLUMN else None
    if column in LONG_TEXT_COLUMNS:
        text = escape(truncated(value))
        if article_url:
            return Markup("{} {}").format(text, _link(article_path(datasette, database, article_url), "read", "news-read"))
        return text
    if column == "title" and article_url and table in TITLE_LINK_TABLES:
        return _link(article_path(datasette, database, article_url), value)
    if column in ALTERNATE_URL_COLUMNS and table == "articles" and value == article_url:
        return Markup('<span class="news-muted">same as url</span>')
    if column == "story_id":
        return _link(story_path(datasette, database, value), value, "news-story-link")
    if column == "representative_url":
        return _link(article_path(datasette, database, value), value)
    if column in PUBLICATION_TIME_COLUMNS:
        return render_publication_time(value)
    if column in JSON_COLUMN_NAMES and value[:1] in "[{":
        return render_json(value)
    return None
