"""Datasette plugin for news databases: Korean search, reading view, stories, facts, charts.

Registered through the `datasette` entry point in pyproject.toml; it must
not import Scrapy (Datasette runs without the crawler). Each concern has its
module; this one only wires Datasette's hooks to them:

- config.py: which served databases are news databases (an `articles`
  table, any file name) and their configuration from news_database.yml:
  descriptions, facets, canned queries, the charts dashboard;
- search.py: ko_fts/ko_index/ko_excerpt SQL functions and the articles
  table's Korean search box;
- columns.py: internal columns read as NULL and left out; JSON columns as JSON;
- cells.py: how cells look (long text cut, links to articles and stories,
  lists, Korean dates);
- facets.py: day/month/year facets on ISO 8601 text;
- pages.py + templates/: the article reading view and the story page.

Kiwi is loaded at start-up, so the first search does not wait for it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from datasette import hookimpl

from crawler.datasette_plugin import cells, columns, config, pages, search
from crawler.datasette_plugin.facets import CALENDAR_FACETS
from extractors.tokenize import index_text

STATIC_DIR = Path(__file__).with_name("static")
STYLESHEET = "news.css"


@hookimpl
async def startup(datasette):
    await config.detect_news_databases(datasette)
    # Loads Kiwi's model (about 1.2 s) and touches it once before any request.
    index_text("수출계약을 체결했다")


@hookimpl
def get_metadata(datasette, key, database, table):
    return config.metadata_for(datasette)


@hookimpl
def canned_queries(datasette, database, actor):
    schema = config.news_schemas(datasette).get(database)
    return config.canned_queries_for(schema) if schema else {}


@hookimpl
def prepare_connection(conn):
    search.register_sql_functions(conn)
    conn.set_authorizer(columns.hide_internal_columns)


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    # trylast: Datasette's own search filter (which finds no FTS table for
    # articles) has already said supports_search=False; ours comes after.
    if table != search.SEARCHABLE_TABLE or not config.is_news_database(datasette, database):
        return None
    schema = config.news_schemas(datasette)[database]
    if not schema.has(search.FTS_TABLE):
        return None
    return search.korean_search_filter(request, schema.columns[search.FTS_TABLE])


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not config.is_news_database(datasette, database):
        return None
    return cells.render_cell(datasette, database, table, column, value, row)


@hookimpl
def register_facet_classes():
    return CALENDAR_FACETS


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/stories/(?P<story_id>[^/]+)$", pages.story_page)]


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "articles" or not config.is_news_database(datasette, database):
        return {}

    async def reading_view():
        return {"news_article": await pages.reading_view_context(datasette, database, request)}

    return reading_view


@lru_cache(maxsize=1)
def static_mount_name() -> str:
    """The name Datasette serves our static/ under: the distribution's when
    installed through the entry point, the module's when registered by hand."""
    # Imported here: datasette.plugins imports this module while it loads.
    from datasette.plugins import get_plugins

    for plugin in get_plugins():
        if plugin["static_path"] and Path(plugin["static_path"]) == STATIC_DIR:
            return plugin["name"]
    return __name__


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(static_mount_name(), STYLESHEET)]


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: columns.asgi_rewriter(datasette, app)
