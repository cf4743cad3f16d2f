"""Datasette plugin: Korean full-text search, and the article columns' descriptions.

`articles_fts` holds Kiwi morphemes, so a search box has to analyse the
query the same way before MATCH. This plugin gives every connection SQL
functions that do it, so canned queries and ad-hoc SQL can write
`articles_fts MATCH ko_fts(:q)`:

- ko_fts(query): the safe FTS5 expression for what a user typed;
- ko_index(text): the index terms of a text (to inspect or re-index);
- ko_excerpt(body, query): a readable piece of the original text around the
  first query term, since FTS5's snippet() can only show morphemes.

It also keeps the binary `minhash` column out of the articles page, and
describes every column of `articles` from the one article schema
(crawler/storage/schema.py), so metadata.yml never repeats them.

Registered through the `datasette` entry point in pyproject.toml. It must not
import Scrapy: Datasette runs without the crawler.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from crawler.storage.schema import ARTICLE_COLUMN_DESCRIPTIONS
from extractors.tokenize import fts_query, index_terms, index_text

EXCERPT_CONTEXT_CHARS = 60
HIDDEN_ARTICLE_COLUMNS = ("minhash",)
_ARTICLES_PAGE = re.compile(r"^/[^/]+/articles$")


def ko_fts(query):
    return fts_query(query or "")


def ko_index(text):
    return index_text(text or "")


def ko_excerpt(body, query, context_chars=EXCERPT_CONTEXT_CHARS):
    """The body around the earliest query term, the term in [brackets].

    Terms are matched as written in the text (nouns and stems appear there
    verbatim, 수출 in 수출계약을); a term found nowhere falls back to the
    start of the body.
    """
    body = body or ""
    flat = re.sub(r"\s+", " ", body).strip()
    analysed = index_terms((query or "").replace("*", " ").replace('"', " "))
    # Joined compounds too, so 수출계약 is marked whole rather than as 수출.
    terms = [term for term in analysed.parts + analysed.compounds if term]
    lowered = flat.lower()
    found = [(lowered.find(term), -len(term), term) for term in terms]
    found = [hit for hit in found if hit[0] >= 0]
    if not found:
        return flat[: 2 * context_chars] + ("…" if len(flat) > 2 * context_chars else "")
    position, _, term = min(found)
    start = max(0, position - context_chars)
    end = min(len(flat), position + len(term) + context_chars)
    return (
        ("…" if start > 0 else "")
        + flat[start:position]
        + "[" + flat[position:position + len(term)] + "]"
        + flat[position + len(term):end]
        + ("…" if end < len(flat) else "")
    )


@hookimpl
def get_metadata(datasette, key, database, table):
    """Column descriptions of every database's `articles` table, from the article schema."""
    articles = {"tables": {"articles": {"columns": dict(ARTICLE_COLUMN_DESCRIPTIONS)}}}
    return {"databases": {name: articles for name in datasette.databases if name != "_internal"}}


@hookimpl
def prepare_connection(conn):
    # deterministic lets SQLite reuse results within a statement; Kiwi's
    # analysis of the same text is always the same.
    conn.create_function("ko_fts", 1, ko_fts, deterministic=True)
    conn.create_function("ko_index", 1, ko_index, deterministic=True)
    conn.create_function("ko_excerpt", 2, ko_excerpt, deterministic=True)


def articles_page_without_hidden_columns(path: str, query_string: str) -> str | None:
    """Where to send a plain request for the articles page, or None.

    Datasette's metadata cannot hide a column, but its `_nocol` argument
    can; a request that already chooses columns is left alone.
    """
    if not _ARTICLES_PAGE.match(path):
        return None
    arguments = parse_qsl(query_string, keep_blank_values=True)
    if any(name in ("_col", "_nocol") for name, _ in arguments):
        return None
    arguments += [("_nocol", column) for column in HIDDEN_ARTICLE_COLUMNS]
    return path + "?" + urlencode(arguments)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def hide_columns(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                location = articles_page_without_hidden_columns(
                    scope.get("path", ""), scope.get("query_string", b"").decode("latin-1")
                )
                if location and await _articles_have_hidden_columns(datasette, scope["path"]):
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [(b"location", location.encode("utf-8"))]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)

        return hide_columns

    return wrap


async def _articles_have_hidden_columns(datasette, path: str) -> bool:
    database_name = path.strip("/").split("/")[0]
    try:
        database = datasette.get_database(database_name)
    except KeyError:
        return False
    if "articles" not in await database.table_names():
        return False
    columns = await database.table_columns("articles")
    return all(column in columns for column in HIDDEN_ARTICLE_COLUMNS)
