"""The SQLite database is the product's interface: this module defines and writes it.

Tables: sites, articles (columns from crawler/storage/schema.py),
article_versions, articles_fts, crawl_runs, outlet_runs (per run and
outlet, from crawler/health.py), failures, pages_seen, the story index
(story_index_articles, story_postings, story_undated_postings, story_stories:
crawler/storage/stories.py),
the facts (entities, mentions, agreements, agreement_parties:
crawler/storage/facts.py), and the views `story_articles` and `stories`.
Their descriptions for users are in crawler/datasette_plugin/news_database.yml.

No Scrapy import: the pipelines, the crawl state, the tools and the tests
use this module directly. Every lookup on the crawl's hot path goes through
an index (tests/test_architecture.py checks the query plans).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

import sqlite_utils

from crawler.health import HealthThresholds, OutletHistory, OutletRun, window_before
from crawler.storage.facts import ensure_facts_schema, replace_facts
from crawler.storage.schema import ARTICLE_COLUMNS, JSON_COLUMNS, OUTLET_RUN_COLUMNS
from crawler.storage.stories import StoryIndex
from extractors import tokenize
from extractors.stories import StoryFeatures

# Views of stories, for Datasette and reports. An article's place in its story
# is its publication order (a known time before a bare date of the same day,
# then the longer text), not the order the crawler found the versions in, so
# the story's representative is the version published first.
# `published_date`/`published_time` give every article its Korean (+09:00)
# calendar date and, when the page gave one, its time.
STORY_VIEWS: dict[str, str] = {
    "story_articles": """
CREATE VIEW story_articles AS
SELECT
  story_id,
  ROW_NUMBER() OVER (
    PARTITION BY story_id
    ORDER BY published_local IS NULL,
             CASE WHEN length(published_local) = 10 THEN published_local || 'T24:00' ELSE published_local END,
             body_chars DESC,
             url
  ) AS position,
  url,
  title,
  outlet,
  outlet_name,
  region,
  substr(published_local, 1, 10) AS published_date,
  nullif(substr(published_local, 12, 5), '') AS published_time,
  published_at,
  body_chars
FROM (
  SELECT
    articles.story_id, articles.url, articles.title, articles.site AS outlet, sites.name AS outlet_name,
    sites.region, articles.published_at, articles.body_chars,
    CASE
      WHEN coalesce(articles.published_at, '') = '' THEN NULL
      WHEN length(articles.published_at) = 10 THEN articles.published_at
      ELSE strftime('%Y-%m-%dT%H:%M', articles.published_at, '+9 hours')
    END AS published_local
  FROM articles LEFT JOIN sites ON sites.key = articles.site
)
""",
    "stories": """
CREATE VIEW stories AS
SELECT
  story_id,
  MAX(CASE WHEN position = 1 THEN title END) AS title,
  MAX(CASE WHEN position = 1 THEN url END) AS representative_url,
  MAX(CASE WHEN position = 1 THEN outlet END) AS first_outlet,
  MAX(CASE WHEN position = 1 THEN published_date END) AS first_published_date,
  MAX(CASE WHEN position = 1 THEN published_time END) AS first_published_time,
  MAX(published_date) AS last_published_date,
  COUNT(*) AS articles,
  COUNT(DISTINCT outlet) AS outlets,
  COUNT(DISTINCT region) AS regions,
  GROUP_CONCAT(DISTINCT outlet_name) AS outlet_names
FROM story_articles
GROUP BY story_id
""",
}

# Lookups the crawl makes for every page or article.
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("articles", ("site",)),
    ("articles", ("published_at",)),
    ("articles", ("story_id",)),
    ("articles", ("fetched_url",)),
    ("articles", ("content_hash", "site")),
    ("failures", ("run_id",)),
    ("article_versions", ("article_url",)),
    ("outlet_runs", ("site", "run_id")),
)
FAILURE_REASON_MAX_CHARS = 1000


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def insert_statement(table: str, columns: list[str]) -> str:
    """`insert into table (columns) values (?, ...)`, for a row given as a dict."""
    return f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})"


def run_counters(counts: dict, per_outlet: dict, duration_seconds: float) -> dict:
    """A crawl_runs row's counter columns from the crawl's counters."""
    return {
        "duration_seconds": round(duration_seconds, 2),
        "pages_fetched": counts.get("responses", 0),
        "articles_new": counts.get("new", 0),
        "articles_updated": counts.get("updated", 0),
        "articles_unchanged": counts.get("unchanged", 0),
        "failures": counts.get("failures", 0),
        "per_outlet": json.dumps(per_outlet, ensure_ascii=False, sort_keys=True),
    }


@dataclass
class StoredArticle:
    url: str
    content_hash: str
    version: int
    story_id: str


# How a crawl's connection writes (the story index growth bench writes the same way).
# WAL lets Datasette read while a crawl writes. In WAL mode synchronous=NORMAL syncs
# at checkpoints, not at every commit (about 1 ms each here, several per article):
# a killed crawl loses no commit; only a power cut can undo the last few, and the
# database stays consistent: those pages are simply fetched again on the next run.
WRITER_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON")


class NewsDatabase:
    def __init__(self, path: str | Path):
        self.path = str(path)
        self.db = sqlite_utils.Database(self.path)
        for pragma in WRITER_PRAGMAS:
            self.db.execute(f"PRAGMA {pragma}")
        self.stories = StoryIndex(self.db)
        self.ensure_schema()

    @property
    def connection(self):
        return self.db.conn

    def close(self) -> None:
        self.db.conn.commit()
        self.db.close()

    # -- schema ---------------------------------------------------------------

    def ensure_schema(self) -> None:
        db = self.db
        db["sites"].create(
            {"key": str, "name": str, "region": str, "homepage": str, "cms": str, "needs_js": int},
            pk="key", if_not_exists=True,
        )
        db["articles"].create(ARTICLE_COLUMNS, pk="url", foreign_keys=[("site", "sites", "key")], if_not_exists=True)
        db["article_versions"].create(
            {"id": int, "article_url": str, "version": int, "modified_at": str, "fetched_at": str,
             "title": str, "body": str, "content_hash": str},
            pk="id", foreign_keys=[("article_url", "articles", "url")], if_not_exists=True,
        )
        db["crawl_runs"].create(
            {"id": int, "spider": str, "started_at": str, "finished_at": str, "status": str,
             "duration_seconds": float, "pages_fetched": int, "articles_new": int, "articles_updated": int,
             "articles_unchanged": int, "failures": int, "per_outlet": str, "arguments": str},
            pk="id", if_not_exists=True,
        )
        db["outlet_runs"].create(
            OUTLET_RUN_COLUMNS, pk=("run_id", "site"),
            foreign_keys=[("run_id", "crawl_runs", "id"), ("site", "sites", "key")], if_not_exists=True,
        )
        db["failures"].create(
            {"id": int, "run_id": int, "url": str, "site": str, "stage": str, "reason": str,
             "http_status": int, "recorded_at": str},
            pk="id", foreign_keys=[("run_id", "crawl_runs", "id")], if_not_exists=True,
        )
        db["pages_seen"].create(
            {"url": str, "site": str, "kind": str, "etag": str, "last_modified": str, "http_status": int,
             "links": str, "last_fetched_at": str},
            pk="url", if_not_exists=True,
        )
        for table, columns in INDEXES:
            db[table].create_index(list(columns), if_not_exists=True)
        if "articles_fts" not in db.table_names():
            # A standalone FTS table: it holds Kiwi morphemes, not the raw text,
            # because unicode61 cannot find 수출 inside 수출계약을.
            db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize='unicode61')")
        self.stories.ensure_schema()
        ensure_facts_schema(db)
        self._ensure_views(STORY_VIEWS)

    def _ensure_views(self, views: dict[str, str]) -> None:
        """Create each view, or replace it when an older definition is stored."""
        for name, sql in views.items():
            stored = self.db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
            if stored and stored[0].strip() == sql.strip():
                continue
            with self.db.conn:
                self.db.execute(f"DROP VIEW IF EXISTS {name}")
                self.db.execute(sql)

    # -- sites ----------------------------------------------------------------

    def upsert_sites(self, outlets: Iterable) -> None:
        self.db["sites"].upsert_all(
            [
                {"key": o.key, "name": o.name, "region": o.region, "homepage": o.homepage,
                 "cms": o.cms, "needs_js": int(o.needs_js)}
                for o in outlets
            ],
            pk="key",
        )

    # -- crawl runs and failures ---------------------------------------------

    def start_run(self, spider: str, arguments: dict) -> int:
        table = self.db["crawl_runs"]
        table.insert({"spider": spider, "started_at": utc_now(), "status": "running",
                      "arguments": json.dumps(arguments, ensure_ascii=False)})
        return table.last_pk

    def finish_run(self, run_id: int, status: str, counts: dict, per_outlet: dict, duration_seconds: float) -> None:
        self.db["crawl_runs"].update(run_id, {
            "finished_at": utc_now(), "status": status, **run_counters(counts, per_outlet, duration_seconds)})

    def checkpoint_run(self, run_id: int, counts: dict, per_outlet: dict, duration_seconds: float) -> None:
        """The counters so far, kept on the running row: a killed run keeps what it had counted."""
        self.db["crawl_runs"].update(run_id, run_counters(counts, per_outlet, duration_seconds))

    def last_run_status(self) -> str | None:
        row = self.db.execute("select status from crawl_runs order by id desc limit 1").fetchone()
        return row[0] if row else None

    def close_interrupted_runs(self) -> list[int]:
        """Runs left 'running' by a process that died: marked 'interrupted', with their last counters.

        Only called by the lock holder, so no other crawl can still be
        running. The end time is the last checkpoint (start + duration).
        """
        rows = self.db.execute(
            "select id, started_at, duration_seconds from crawl_runs where status = 'running'").fetchall()
        with self.db.conn:
            for run_id, started_at, duration_seconds in rows:
                ended = datetime.fromisoformat(started_at) + timedelta(seconds=duration_seconds or 0)
                self.db.conn.execute("update crawl_runs set status = 'interrupted', finished_at = ? where id = ?",
                                     [ended.isoformat(timespec="seconds"), run_id])
        return [row[0] for row in rows]

    def record_failure(self, run_id: int | None, url: str, site: str, stage: str, reason: str,
                       http_status: int | None = None) -> None:
        self.db["failures"].insert({
            "run_id": run_id, "url": url, "site": site, "stage": stage,
            "reason": reason[:FAILURE_REASON_MAX_CHARS], "http_status": http_status, "recorded_at": utc_now(),
        })

    # -- outlet health ----------------------------------------------------------

    def save_outlet_run(self, run: OutletRun) -> None:
        self.db["outlet_runs"].upsert(run.row(), pk=("run_id", "site"))

    def outlet_history(self, site: str, run_id: int, limits: HealthThresholds) -> OutletHistory:
        """The outlet's runs before `run_id`, as the health rules need them (indexed by site, run_id)."""
        rows = self.db.execute(
            "select * from outlet_runs where site = ? and run_id < ? order by run_id desc limit ?",
            [site, run_id, max(limits.failing_runs, limits.quiet_runs)])
        names = [column[0] for column in rows.description]
        history = OutletHistory(previous=[OutletRun.from_row(dict(zip(names, row))) for row in rows.fetchall()])
        history.last_new_at = self.db.execute(
            "select max(finished_at) from outlet_runs where site = ? and run_id < ? and articles_new > 0",
            [site, run_id]).fetchone()[0]
        if history.last_new_at:
            history.days_with_new = self.db.execute(
                "select count(distinct substr(finished_at, 1, 10)) from outlet_runs"
                " where site = ? and articles_new > 0 and finished_at >= ? and finished_at <= ?",
                [site, window_before(history.last_new_at, limits), history.last_new_at]).fetchone()[0]
        return history

    def outlet_health(self, run_id: int | None = None) -> list[dict]:
        """Each outlet's latest outlet_runs row (or every row of one run), with its name and homepage."""
        where = "outlet_runs.run_id = ?" if run_id is not None else (
            "outlet_runs.run_id = (select max(run_id) from outlet_runs latest where latest.site = outlet_runs.site)")
        return list(self.db.query(
            "select outlet_runs.*, sites.name, sites.homepage from outlet_runs"
            f" left join sites on sites.key = outlet_runs.site where {where} order by outlet_runs.site",
            [run_id] if run_id is not None else []))

    # -- conditional GET state -----------------------------------------------

    def page_seen(self, url: str) -> dict | None:
        """What the crawl remembers of a URL (validators, kind, links), by primary key."""
        rows = self.db.execute("select * from pages_seen where url = ?", [url])
        row = rows.fetchone()
        if row is None:
            return None
        return dict(zip([column[0] for column in rows.description], row))

    def remember_page(self, url: str, site: str, kind: str, etag: str | None, last_modified: str | None,
                      http_status: int, links: list[str] | None = None) -> None:
        record = {"url": url, "site": site, "kind": kind, "etag": etag or None,
                  "last_modified": last_modified or None, "http_status": http_status, "last_fetched_at": utc_now()}
        if links is not None:
            record["links"] = json.dumps(links, ensure_ascii=False)
        # One statement, as sqlite-utils' upsert does it but without its schema
        # lookups on every call (0.9 ms a page, run once per article fetched).
        columns = list(record)
        updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column != "url")
        with self.db.conn:
            self.db.conn.execute(f"{insert_statement('pages_seen', columns)} on conflict (url) do update set {updates}",
                                 list(record.values()))

    # -- articles -------------------------------------------------------------

    def stored_article(self, url: str) -> StoredArticle | None:
        """The article stored under `url`, as its canonical or its fetched URL (both indexed)."""
        for query in ("select url, content_hash, version, story_id from articles where url = ?",
                      "select url, content_hash, version, story_id from articles where fetched_url = ? limit 1"):
            row = self.db.execute(query, [url]).fetchone()
            if row is not None:
                return StoredArticle(*row)
        return None

    def same_content_elsewhere(self, content_hash: str, site: str, url: str) -> str | None:
        """Another URL of the same outlet that already holds exactly this text."""
        row = self.db.execute(
            "select url from articles where content_hash = ? and site = ? and url != ? limit 1",
            [content_hash, site, url],
        ).fetchone()
        return row[0] if row else None

    def save_article(self, article: dict, previous: StoredArticle | None) -> str:
        """Write one article with its version row and search index row, in one transaction.

        `article` holds the item's fields, with `index_title`/`index_body`
        (Kiwi terms) for the search index, `story_features` for the story
        index, and `entities`/`agreements` for the facts tables (replacing an
        earlier text's). Returns the article's story id.
        """
        now = utc_now()
        row = {column: article.get(column) for column in ARTICLE_COLUMNS if column in article}
        for column in JSON_COLUMNS:
            if not isinstance(row.get(column), (str, type(None))):
                row[column] = json.dumps(row[column], ensure_ascii=False)
        row.update({"body_chars": len(article.get("body") or ""), "last_fetched_at": now})
        connection = self.db.conn
        with connection:
            if previous is None:
                row["story_id"] = self.stories.assign(
                    row["url"], StoryFeatures.from_bytes(article["story_features"]), row.get("published_at"))
                row["first_seen_at"] = now
                columns = list(row)
                connection.execute(insert_statement("articles", columns), [row[column] for column in columns])
            else:
                columns = [column for column in row if column != "url"]
                connection.execute(
                    f"update articles set {', '.join(f'{column} = ?' for column in columns)} where url = ?",
                    [row[column] for column in columns] + [previous.url])
            url = previous.url if previous else row["url"]
            connection.execute(
                "insert into article_versions (article_url, version, modified_at, fetched_at, title, body, content_hash)"
                " values (?, ?, ?, ?, ?, ?, ?)",
                [url, row["version"], row.get("modified_at"), now, row.get("title"), row.get("body"),
                 row["content_hash"]])
            self.write_search_row(url, article.get("index_title") or "", article.get("index_body") or "")
            replace_facts(connection, url, article.get("entities") or [], article.get("agreements") or [],
                          row.get("published_at"))
        return row["story_id"]

    def write_search_row(self, url: str, index_title: str, index_body: str) -> None:
        """The article's articles_fts row (Kiwi terms), replacing any; inside the caller's transaction."""
        connection = self.db.conn
        rowid = connection.execute("select rowid from articles where url = ?", [url]).fetchone()[0]
        connection.execute("delete from articles_fts where rowid = ?", [rowid])
        connection.execute("insert into articles_fts (rowid, title, body) values (?, ?, ?)",
                           [rowid, index_title, index_body])

    def touch_article(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """A re-fetch that found the same text: only the fetch time and validators change."""
        self.db["articles"].update(url, {"last_fetched_at": utc_now(), "etag": etag, "last_modified": last_modified})

    def search(self, query: str, limit: int = 20) -> list[dict]:
        match = tokenize.fts_query(query)
        if not match:
            return []
        return list(self.db.query(
            "select articles.url, articles.title, articles.site from articles_fts "
            "join articles on articles.rowid = articles_fts.rowid "
            "where articles_fts match ? order by rank limit ?",
            [match, limit],
        ))
