"""The `articles` table, derived from the one article schema.

Columns, SQL types and descriptions come from `crawler.items.ArticleItem`
(which extends `extractors.record.ArticleRecord`); only the three columns
the database itself maintains are declared here. Datasette's column
descriptions for `articles` are read from `ARTICLE_COLUMN_DESCRIPTIONS`.
"""
from __future__ import annotations

import types
import typing
from dataclasses import fields

from crawler.health import STORED_FIELDS as OUTLET_RUN_FIELDS
from crawler.health import OutletRun
from crawler.items import ArticleItem

# Maintained by the database, not by any crawl stage.
DATABASE_COLUMNS: dict[str, tuple[type, str]] = {
    "body_chars": (int, "Length of the body in characters."),
    "first_seen_at": (str, "When the crawler first stored this article (UTC)."),
    "last_fetched_at": (str, "When the crawler last fetched it (UTC)."),
}


def _storage_type(annotation) -> type:
    """The sqlite-utils column type of a field annotation (lists are JSON text)."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    if typing.get_origin(annotation) in (list, dict) or annotation in (list, dict):
        return str
    if annotation in (str, int, float, bytes):
        return annotation
    raise TypeError(f"no SQLite column type for {annotation!r}")


def _stored_fields():
    return [f for f in fields(ArticleItem) if f.metadata.get("stored", True)]


_HINTS = typing.get_type_hints(ArticleItem)

ARTICLE_COLUMNS: dict[str, type] = {
    **{f.name: _storage_type(_HINTS[f.name]) for f in _stored_fields()},
    **{name: column_type for name, (column_type, _) in DATABASE_COLUMNS.items()},
}
ARTICLE_COLUMN_DESCRIPTIONS: dict[str, str] = {
    **{f.name: f.metadata["description"] for f in _stored_fields()},
    **{name: description for name, (_, description) in DATABASE_COLUMNS.items()},
}
# Columns held as JSON arrays in TEXT.
JSON_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in _stored_fields()
    if typing.get_origin(_HINTS[f.name]) is list
)

# The `outlet_runs` table: one row per crawl run and outlet, from crawler.health.OutletRun.
_OUTLET_RUN_HINTS = typing.get_type_hints(OutletRun)
OUTLET_RUN_COLUMNS: dict[str, type] = {name: _storage_type(_OUTLET_RUN_HINTS[name]) for name in OUTLET_RUN_FIELDS}
