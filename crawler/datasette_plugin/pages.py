"""The reading view of an article and the page of a story.

The reading view is the articles row page (`/<db>/articles/<url>`), so every
link Datasette already makes to an article (the table's first column,
foreign keys from other tables) opens it; the template row.html switches to
news_article.html when `news_article` is in the context. The story page is a
route of its own, `/<db>/stories/<story_id>` (a view has no row pages), and
lists the story's articles with the `story` canned query's SQL.

Everything read from the database reaches the templates as plain values:
Jinja escapes them, and no crawled text is marked safe.
"""
from __future__ import annotations

import json
import re
from urllib.parse import quote

from datasette.utils import tilde_decode, urlsafe_components
from datasette.utils.asgi import NotFound, Response

from crawler.datasette_plugin.cells import article_path, external_href, korean_time, story_path
from crawler.datasette_plugin.config import NewsSchema, news_schemas, query_sql

FACT_TABLES = ("entities", "mentions")
AGREEMENT_TABLES = ("agreements", "agreement_parties")
# Facts the articles table may carry as JSON arrays, with their headings.
ARTICLE_FACT_LISTS = {"regions": "Regions", "countries": "Countries", "keywords": "Keywords"}
# Headings of the entity types the facts extractor writes; other types show as written.
ENTITY_TYPE_LABELS = {
    "organisation": "Organisations", "organization": "Organisations", "org": "Organisations",
    "company": "Companies", "government": "Public bodies", "person": "People", "place": "Places",
    "country": "Countries", "region": "Regions",
}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def json_list(value) -> list:
    if not value:
        return []
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return []
    return data if isinstance(data, list) else []


def paragraphs(body: str | None) -> list[str]:
    return [part.strip() for part in _PARAGRAPH_BREAK.split(body or "") if part.strip()]


async def _rows(db, sql: str, params: dict) -> list[dict]:
    results = await db.execute(sql, params)
    return [dict(row) for row in results.rows]


def story_entries(datasette, database: str, rows: list[dict], current_url: str | None = None) -> list[dict]:
    for row in rows:
        row["path"] = article_path(datasette, database, row["url"])
        row["is_current"] = row["url"] == current_url
    return rows


def story_summary(datasette, database: str, story_id: str, rows: list[dict]) -> dict:
    return {
        "id": story_id,
        "path": story_path(datasette, database, story_id),
        "json_path": datasette.urls.query(database, "story", format="json") + "?story_id=" + _quoted(story_id),
        "articles": rows,
        "outlets": len({row["outlet"] for row in rows}),
        "regions": len({row["region"] for row in rows if row["region"]}),
        "first": rows[0] if rows else None,
    }


def _quoted(value: str) -> str:
    return quote(value, safe="")


async def article_facts(db, schema: NewsSchema, article: dict) -> dict:
    """Entities, agreements and fact lists of one article; empty where the tables are missing."""
    facts = {"entities": {}, "agreements": [], "lists": {}}
    for column, heading in ARTICLE_FACT_LISTS.items():
        values = json_list(article.get(column))
        if values:
            facts["lists"][heading] = values
    if schema.has_all(FACT_TABLES):
        entities = await _rows(db, """
            select entities.type, entities.name, group_concat(distinct mentions.role) as roles
            from mentions join entities on entities.id = mentions.entity_id
            where mentions.article_url = :url
            group by entities.id order by entities.type, min(mentions.start)""", {"url": article["url"]})
        for entity in entities:
            heading = ENTITY_TYPE_LABELS.get((entity["type"] or "").lower(), entity["type"] or "Other")
            facts["entities"].setdefault(heading, []).append(entity)
    if schema.has_all(AGREEMENT_TABLES):
        facts["agreements"] = await _rows(db, """
            select agreements.*,
              (select group_concat(agreement_parties.name, ' · ') from agreement_parties
               where agreement_parties.agreement_id = agreements.id) as party_names
            from agreements where agreements.article_url = :url
            order by agreements.amount_usd is null, agreements.amount_usd desc""", {"url": article["url"]})
    facts["any"] = bool(facts["entities"] or facts["agreements"] or facts["lists"])
    return facts


async def reading_view_context(datasette, database: str, request) -> dict:
    """The `news_article` template variable of an article's row page."""
    schema = news_schemas(datasette)[database]
    db = datasette.get_database(database)
    url = urlsafe_components(request.url_vars["pks"])[0]
    found = await _rows(db, """
        select articles.*, sites.name as outlet_name, sites.region as outlet_region
        from articles left join sites on sites.key = articles.site where articles.url = :url""", {"url": url})
    if not found:
        return {}
    article = found[0]
    story_rows = []
    if schema.has("story_articles"):
        story_rows = await _rows(db, query_sql("story"), {"story_id": article["story_id"]})
    versions = await _rows(db, "select count(*) as n from article_versions where article_url = :url", {"url": url})
    published = korean_time(article["published_at"]) if article.get("published_at") else None
    return {
        "article": article,
        "original_href": external_href(article["url"]),
        "published": published,
        "authors": json_list(article.get("authors")),
        "images": [{"caption": image.get("caption") or "", "href": external_href(image.get("src"))}
                   for image in json_list(article.get("images")) if isinstance(image, dict)],
        "paragraphs": paragraphs(article.get("body")),
        "story": story_summary(datasette, database, article["story_id"],
                               story_entries(datasette, database, story_rows, url)),
        "facts": await article_facts(db, schema, article),
        "versions": versions[0]["n"],
        "versions_path": datasette.urls.table(database, "article_versions") + "?article_url=" + _quoted(url),
        "columns_path": datasette.urls.table(database, "articles") + "?url=" + _quoted(url),
        "json_path": article_path(datasette, database, url) + ".json",
    }


async def story_page(request, datasette):
    """`/<db>/stories/<story_id>`: the story's articles in publication order."""
    try:
        database = datasette.get_database(route=tilde_decode(request.url_vars["database"])).name
    except KeyError:
        raise NotFound("No such database")
    if database not in news_schemas(datasette):
        raise NotFound("No such news database")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, "stories")), ("view-database", database), "view-instance"])
    story_id = tilde_decode(request.url_vars["story_id"])
    db = datasette.get_database(database)
    rows = await _rows(db, query_sql("story"), {"story_id": story_id})
    if not rows:
        raise NotFound("No such story")
    story = story_summary(datasette, database, story_id, story_entries(datasette, database, rows))
    return Response.html(await datasette.render_template(
        "news_story.html", {"database": database, "story": story}, request=request, view_name="story"))
