"""Which served databases are news databases, and their Datasette configuration.

The configuration lives in news_database.yml beside this module and is
keyed by nothing: at start-up the plugin looks at every served database, and
each one with an `articles` table gets the descriptions, facets, canned
queries and charts, whatever its file is called. Entries that need tables
or columns a database lacks (the facts tables, before the facts extractor
has run) are left out for that database, so nothing points at a table that
is not there.
"""
from __future__ import annotations

import copy
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from crawler.storage.schema import ARTICLE_COLUMN_DESCRIPTIONS, JSON_COLUMNS

CONFIG_PATH = Path(__file__).with_name("news_database.yml")
CONFIG: dict = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))

# The table that makes a database a news database.
ARTICLES_TABLE = "articles"
# Keys of news_database.yml that only the plugin reads.
PLUGIN_KEYS = ("requires", "internal_columns", "json_columns", "dashboard", "queries")
DASHBOARDS_PLUGIN = "datasette-dashboards"
# Given to the whole instance too, since Datasette's table pages only inherit
# a source and licence from there; a --metadata file overrides them.
INSTANCE_KEYS = ("source", "license")

INTERNAL_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(columns) for table, columns in CONFIG["internal_columns"].items()
}
JSON_COLUMN_NAMES: frozenset[str] = frozenset(CONFIG["json_columns"]) | frozenset(JSON_COLUMNS)


@dataclass
class NewsSchema:
    """The tables (and views) of one news database with their columns."""

    columns: dict[str, list[str]] = field(default_factory=dict)

    def has(self, requirement: str) -> bool:
        """`table` or `table.column` exists."""
        table, _, column = requirement.partition(".")
        if table not in self.columns:
            return False
        return not column or column in self.columns[table]

    def has_all(self, requirements) -> bool:
        return all(self.has(requirement) for requirement in requirements or ())


# Per Datasette instance: database name -> schema, filled at start-up.
_SCHEMAS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_METADATA: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


async def read_schema(database) -> NewsSchema:
    names = await database.table_names() + await database.view_names()
    return NewsSchema({name: await database.table_columns(name) for name in names})


async def detect_news_databases(datasette) -> dict[str, NewsSchema]:
    """Remember which served databases have an `articles` table, and their schema."""
    schemas = {}
    for name, database in datasette.databases.items():
        if name == "_internal" or database.is_memory:
            continue
        schema = await read_schema(database)
        if schema.has(ARTICLES_TABLE):
            schemas[name] = schema
    _SCHEMAS[datasette] = schemas
    _METADATA.pop(datasette, None)
    return schemas


def news_schemas(datasette) -> dict[str, NewsSchema]:
    return _SCHEMAS.get(datasette, {})


def is_news_database(datasette, database: str | None) -> bool:
    return database in news_schemas(datasette)


def without_plugin_keys(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if key not in PLUGIN_KEYS}


def _facet_column(facet) -> str:
    return facet if isinstance(facet, str) else next(iter(facet.values()))


def table_metadata(table: str, entry: dict, schema: NewsSchema) -> dict:
    entry = copy.deepcopy(entry)
    columns = schema.columns.get(table, [])
    entry["facets"] = [facet for facet in entry.get("facets", []) if _facet_column(facet) in columns]
    if table == ARTICLES_TABLE:
        entry["columns"] = {name: text for name, text in ARTICLE_COLUMN_DESCRIPTIONS.items() if name in columns}
    return entry


def database_metadata(datasette, name: str, schema: NewsSchema) -> dict:
    links = {"{database}": datasette.urls.database(name), "{dashboard}": dashboard_path(datasette, name)}
    entry = without_plugin_keys({key: value for key, value in CONFIG.items() if key != "tables"})
    for placeholder, path in links.items():
        entry["description_html"] = entry["description_html"].replace(placeholder, path)
    entry["tables"] = {
        table: table_metadata(table, without_plugin_keys(table_entry), schema)
        for table, table_entry in CONFIG["tables"].items()
        if schema.has(table)
    }
    return entry


def dashboard_path(datasette, name: str) -> str:
    return datasette.urls.path(f"-/dashboards/{name}")


def dashboard_config(name: str, schema: NewsSchema) -> dict:
    """The datasette-dashboards entry for one database: every chart queries it."""
    dashboard = copy.deepcopy(CONFIG["dashboard"])
    charts = {}
    for slug, chart in dashboard["charts"].items():
        if schema.has_all(chart.get("requires")):
            charts[slug] = {**without_plugin_keys(chart), "db": name}
    dashboard["charts"] = charts
    dashboard["layout"] = [row for row in map(_layout_row, dashboard["layout"], [charts] * len(dashboard["layout"]))
                           if row]
    for dashboard_filter in dashboard["filters"].values():
        if "query" in dashboard_filter:
            dashboard_filter["db"] = name
    return dashboard


def _layout_row(row: list[str], charts: dict) -> list[str]:
    """A layout row without the charts this database lacks: a neighbour takes their place."""
    present = [slug for slug in row if slug in charts]
    if not present:
        return []
    filled, last = [], present[0]
    for slug in row:
        last = slug if slug in charts else last
        filled.append(last)
    return filled


def metadata_for(datasette) -> dict:
    """Everything get_metadata adds, built once per Datasette and copied for each caller
    (Datasette merges into what it is given, and datasette-dashboards edits its charts)."""
    if datasette not in _METADATA:
        schemas = news_schemas(datasette)
        instance = {key: CONFIG[key] for key in INSTANCE_KEYS} if schemas else {}
        _METADATA[datasette] = {
            **instance,
            "databases": {name: database_metadata(datasette, name, schema) for name, schema in schemas.items()},
            "plugins": {DASHBOARDS_PLUGIN: {name: dashboard_config(name, schema) for name, schema in schemas.items()}},
        }
    return copy.deepcopy(_METADATA[datasette])


def canned_queries_for(schema: NewsSchema) -> dict:
    return {
        name: without_plugin_keys(query)
        for name, query in CONFIG["queries"].items()
        if schema.has_all(query.get("requires"))
    }


def query_sql(name: str) -> str:
    return CONFIG["queries"][name]["sql"]
