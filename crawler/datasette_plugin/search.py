"""Korean full-text search in Datasette: SQL functions and the table search box.

`articles_fts` holds Kiwi morphemes (extractors/tokenize.py), so a query
has to go through the same analysis before MATCH. Every connection gets:

- ko_fts(query): the safe FTS5 expression for what a user typed;
- ko_index(text): the index terms of a text (to inspect or re-index);
- ko_excerpt(body, query): a readable piece of the original text around the
  first query term, since FTS5's snippet() can only show morphemes.

The articles table's search box (`?_search=`, and `?_search_title=` /
`?_search_body=` for one column) is a `filters_from_request` filter that
writes `rowid in (select rowid from articles_fts where ... match ko_fts(:search))`,
the same expression as the canned search query, so both find the same rows.

Why a query rewrite and not a custom FTS5 tokenizer: a tokenizer has to be
registered on each connection through FTS5's C API (xCreateTokenizer on the
fts5_api pointer), which Python's sqlite3 module cannot reach; the database
would then be unreadable ("no such tokenizer") in the sqlite3 shell,
sqlite-utils or a Datasette without the plugin; and the index would have to
be rebuilt. The rewrite costs one Kiwi analysis per distinct query (0.2 ms
measured, then cached) and leaves the index a plain unicode61 table anyone
can read. On the mirror's 70 articles the box and the canned query return
the same rows for every query tried, where Datasette's own escaped search
finds nothing for 수출계약을, 체결했다 or "시장 개척단".
"""
from __future__ import annotations

import re
from functools import lru_cache

from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

from extractors.tokenize import fts_query, index_terms, index_text

EXCERPT_CONTEXT_CHARS = 60
FTS_TABLE = "articles_fts"
SEARCHABLE_TABLE = "articles"
# What MATCH gets when a query has nothing searchable: it matches no row.
MATCH_NOTHING = '""'
MATCH_EXPRESSION = f"coalesce(nullif(ko_fts(:{{param}}), ''), '{MATCH_NOTHING}')"
# A table page runs the search in its count and in every facet's query, and
# ko_excerpt meets the same query once per row: analyse each query once.
QUERY_CACHE_SIZE = 1024


@lru_cache(maxsize=QUERY_CACHE_SIZE)
def ko_fts(query):
    return fts_query(query or "")


@lru_cache(maxsize=QUERY_CACHE_SIZE)
def _excerpt_terms(query: str) -> tuple[str, ...]:
    analysed = index_terms(query.replace("*", " ").replace('"', " "))
    # Joined compounds too, so 수출계약 is marked whole rather than as 수출.
    return tuple(term for term in analysed.parts + analysed.compounds if term)


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
    terms = _excerpt_terms(query or "")
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


def register_sql_functions(conn) -> None:
    # deterministic lets SQLite reuse results within a statement; Kiwi's
    # analysis of the same text is always the same.
    conn.create_function("ko_fts", 1, ko_fts, deterministic=True)
    conn.create_function("ko_index", 1, ko_index, deterministic=True)
    conn.create_function("ko_excerpt", 2, ko_excerpt, deterministic=True)


def _search_clause(fts_column: str | None, param: str) -> str:
    target = FTS_TABLE if fts_column is None else fts_column
    return (f"rowid in (select rowid from {FTS_TABLE} "
            f"where {target} match {MATCH_EXPRESSION.format(param=param)})")


def korean_search_filter(request, fts_columns: list[str]) -> FilterArguments:
    """The where clauses of `?_search=` and `?_search_<column>=` on the articles table."""
    clauses, params, descriptions = [], {}, []
    extra_context = {"supports_search": True}
    for key in request.args:
        if not key.startswith("_search") or key == "_searchmode":
            continue
        text = request.args[key]
        column = key[len("_search_"):] if key.startswith("_search_") else None
        if column is not None and column not in fts_columns:
            raise BadRequest(f"Cannot search by {column}: search title or body, or all with _search")
        param = "search" if column is None else f"search_{column}"
        clauses.append(_search_clause(column, param))
        params[param] = text
        terms = " ".join(_excerpt_terms(text)) or "nothing searchable"
        where = "" if column is None else f" in {column}"
        descriptions.append(f'search{where} for "{text}" (as {terms})')
        extra_context["search"] = text
    return FilterArguments(clauses, params, descriptions, extra_context)
