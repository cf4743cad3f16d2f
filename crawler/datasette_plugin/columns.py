"""Internal columns never leave Datasette; JSON columns leave as JSON.

Two mechanisms, because Datasette's metadata can neither hide a column nor
parse one:

- every connection gets an SQLite authorizer that reads the internal columns
  (story feature bytes, hashes, HTTP validators; news_database.yml) as
  NULL, in any query: table pages, row pages, canned queries, ad-hoc SQL,
  blob downloads. So no response can carry the signature blob.
- requests for a news database are given Datasette's own arguments before
  Datasette sees them: `_nocol=` for the internal columns on their tables'
  pages (HTML, JSON and CSV), so they are not even listed, and `_json=` for
  the JSON-array columns on every .json response, so authors or images
  arrive as lists rather than strings holding JSON.
"""
from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qsl, urlencode

from datasette.utils import tilde_decode

from crawler.datasette_plugin.config import INTERNAL_COLUMNS, JSON_COLUMN_NAMES, news_schemas

_INTERNAL_PAIRS = frozenset((table, column) for table, columns in INTERNAL_COLUMNS.items() for column in columns)
# /<database>/<table>[.json|.csv] (a table page) and anything under /<database>.
_TABLE_PAGE = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/]+?)(?:\.(?P<format>json|csv))?$")
_DATABASE_PATH = re.compile(r"^/(?P<database>[^/.]+)")


def hide_internal_columns(action, table, column, _database, _source):
    """SQLite authorizer: reading an internal column yields NULL."""
    if action == sqlite3.SQLITE_READ and (table, column) in _INTERNAL_PAIRS:
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def _news_database(datasette, route: str) -> str | None:
    try:
        name = datasette.get_database(route=tilde_decode(route)).name
    except KeyError:
        return None
    return name if name in news_schemas(datasette) else None


def _is_json(path: str, arguments: list[tuple[str, str]]) -> bool:
    return path.endswith(".json") or ("_format", "json") in arguments


def rewritten_query_string(datasette, path: str, query_string: str) -> str | None:
    """The query string Datasette should see for this request, or None to leave it."""
    database_match = _DATABASE_PATH.match(path)
    database = _news_database(datasette, database_match.group("database")) if database_match else None
    if database is None:
        return None
    arguments = parse_qsl(query_string, keep_blank_values=True)
    added: list[tuple[str, str]] = []
    table_match = _TABLE_PAGE.match(path)
    if table_match:
        table = tilde_decode(table_match.group("table"))
        present = news_schemas(datasette)[database].columns.get(table, [])
        requested_out = {value for name, value in arguments if name == "_nocol"}
        added += [("_nocol", column) for column in INTERNAL_COLUMNS.get(table, ())
                  if column in present and column not in requested_out]
    if _is_json(path, arguments):
        requested = {value for name, value in arguments if name == "_json"}
        added += [("_json", column) for column in sorted(JSON_COLUMN_NAMES - requested)]
    if not added:
        return None
    return urlencode(arguments + added)


def asgi_rewriter(datasette, app):
    async def rewrite_arguments(scope, receive, send):
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            query_string = rewritten_query_string(
                datasette, scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"))
            if query_string is not None:
                scope = dict(scope, query_string=query_string.encode("latin-1"))
        await app(scope, receive, send)

    return rewrite_arguments
