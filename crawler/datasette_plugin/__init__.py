"""Datasette plugin: Korean full-text search, and the article columns' descriptions.

`articles_fts` holds Kiwi morphemes, so a search box has to analyse the
query the same way before MATCH. This plugin gives every connection SQL
functions that do it, so canned queries and ad-hoc SQL can write
`articles_fts MATCH ko_fts(:q)`:

- ko_fts(query): the safe FTS5 expression for what a user typed;
- ko_index(text): the index terms of a text (to inspect or re-index);
- ko_excerpt(body, query): a readable piece of the original text around the
  first query term, since FTS5's snippet() can only show morphemes.

It also describes every column of `articles` from the one article schema
(crawler/storage/schema.py), so metadata.yml never repeats them.

Registered through the `datasette` entry point in pyproject.toml. It must not
import Scrapy: Datasette runs without the crawler.
"""
from __future__ import annotations

import re

from datasette import hookimpl

from crawler.storage.schema import ARTICLE_COLUMN_DESCRIPTIONS
from extractors.tokenize import fts_query, index_terms, index_text

EXCERPT_CONTEXT_CHARS = 60


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
