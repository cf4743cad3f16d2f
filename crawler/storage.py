"""The SQLite database is the product's interface: one place defines it.

Tables (see datasets/datasette/metadata.yml for the user-facing description):
sites, articles, article_versions, articles_fts, crawl_runs, failures,
pages_seen, and the view `stories`. Written with sqlite-utils.

No Scrapy import: the pipelines, the spiders, the demo summary and the tests
all use this module directly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import sqlite_utils

from extractors import dedup, tokenize

ARTICLE_COLUMNS = {
    "url": str,
    "fetched_url": str,
    "site": str,
    "title": str,
    "subtitle": str,
    "body": str,
    "published_at": str,
    "modified_at": str,
    "authors": str,
    "author_emails": str,
    "section": str,
    "images": str,
    "site_name": str,
    "language": str,
    "encoding": str,
    "body_source": str,
    "cms_family": str,
    "body_chars": int,
    "content_hash": str,
    "story_id": str,
    "minhash": bytes,
    "version": int,
    "first_seen_at": str,
    "last_fetched_at": str,
    "etag": str,
    "last_modified": str,
}

STORIES_VIEW = """
CREATE VIEW IF NOT EXISTS stories AS
SELECT
  story_id,
  COUNT(*) AS articles,
  COUNT(DISTINCT site) AS sites,
  MIN(published_at) AS first_published_at,
  (SELECT a2.title FROM articles a2 WHERE a2.url = articles.story_id) AS title,
  GROUP_CONCAT(DISTINCT site) AS site_keys
FROM articles
GROUP BY story_id
"""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class SaveResult:
    status: str  # "new" | "updated" | "unchanged"
    url: str
    story_id: str
    version: int


class NewsDatabase:
    def __init__(self, path: str | Path):
        self.path = str(path)
        self.db = sqlite_utils.Database(self.path)
        # WAL lets Datasette read while a crawl writes.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.ensure_schema()
        self._clusters: dedup.StoryClusters | None = None

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
        for table, columns in (
            ("articles", ["site"]), ("articles", ["published_at"]), ("articles", ["story_id"]),
            ("articles", ["content_hash"]), ("failures", ["run_id"]), ("article_versions", ["article_url"]),
        ):
            db[table].create_index(columns, if_not_exists=True)
        if "articles_fts" not in db.table_names():
            # A standalone FTS table: it holds Kiwi morphemes, not the raw text,
            # because unicode61 cannot find 수출 inside 수출계약을.
            db.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize='unicode61')")
        db.execute(STORIES_VIEW)

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
            "finished_at": utc_now(),
            "status": status,
            "duration_seconds": round(duration_seconds, 2),
            "pages_fetched": counts.get("pages_fetched", 0),
            "articles_new": counts.get("new", 0),
            "articles_updated": counts.get("updated", 0),
            "articles_unchanged": counts.get("unchanged", 0),
            "failures": counts.get("failures", 0),
            "per_outlet": json.dumps(per_outlet, ensure_ascii=False, sort_keys=True),
        })

    def record_failure(self, run_id: int | None, url: str, site: str, stage: str, reason: str,
                       http_status: int | None = None) -> None:
        self.db["failures"].insert({
            "run_id": run_id, "url": url, "site": site, "stage": stage, "reason": reason[:1000],
            "http_status": http_status, "recorded_at": utc_now(),
        })

    # -- conditional GET state -----------------------------------------------

    def load_pages_seen(self) -> dict[str, dict]:
        return {row["url"]: row for row in self.db["pages_seen"].rows}

    def remember_page(self, url: str, site: str, kind: str, etag: str | None, last_modified: str | None,
                      http_status: int, links: list[str] | None = None) -> None:
        record = {"url": url, "site": site, "kind": kind, "etag": etag, "last_modified": last_modified,
                  "http_status": http_status, "last_fetched_at": utc_now()}
        if links is not None:
            record["links"] = json.dumps(links, ensure_ascii=False)
        self.db["pages_seen"].upsert(record, pk="url")

    def known_article(self, url: str) -> dict | None:
        rows = list(self.db.query("select url, content_hash, version, story_id, etag, last_modified, last_fetched_at "
                                  "from articles where url = ? or fetched_url = ?", [url, url]))
        return rows[0] if rows else None

    # -- articles -------------------------------------------------------------

    @property
    def clusters(self) -> "dedup.StoryClusters":
        if self._clusters is None:
            self._clusters = dedup.StoryClusters()
            self._clusters.load(
                (row["url"], row["story_id"], row["minhash"])
                for row in self.db.query("select url, story_id, minhash from articles where minhash is not null "
                                         "order by first_seen_at, rowid")
            )
        return self._clusters

    def find_same_content(self, content_hash: str, site: str, url: str) -> str | None:
        """Another URL of the same site that already holds exactly this text."""
        for row in self.db.query(
            "select url from articles where content_hash = ? and site = ? and url != ? limit 1",
            [content_hash, site, url],
        ):
            return row["url"]
        return None

    def save_article(self, article: dict, *, etag: str | None = None, last_modified: str | None = None) -> SaveResult:
        """Insert or update one article; record a version when its text changed."""
        url = article["url"]
        now = utc_now()
        body = article.get("body") or ""
        content_hash = dedup.content_hash(body)
        existing = self.known_article(url)
        row = {column: article.get(column) for column in ARTICLE_COLUMNS if column in article}
        for column in ("authors", "author_emails", "images"):
            if not isinstance(row.get(column), (str, type(None))):
                row[column] = json.dumps(row[column], ensure_ascii=False)
        row.update({"content_hash": content_hash, "body_chars": len(body), "last_fetched_at": now,
                    "etag": etag, "last_modified": last_modified})

        if existing and existing["content_hash"] == content_hash:
            self.db["articles"].update(existing["url"], {"last_fetched_at": now, "etag": etag,
                                                          "last_modified": last_modified})
            return SaveResult("unchanged", existing["url"], existing["story_id"], existing["version"])

        fingerprint = dedup.fingerprint(body)
        row["minhash"] = dedup.fingerprint_bytes(fingerprint)
        if existing:
            story_id = existing["story_id"]
            version = (existing["version"] or 1) + 1
            row.update({"version": version, "story_id": story_id})
            self.db["articles"].update(existing["url"], row)
            status, url = "updated", existing["url"]
        else:
            story_id = self.clusters.add(url, fingerprint)
            version = 1
            row.update({"version": version, "story_id": story_id, "first_seen_at": now})
            self.db["articles"].insert(row, pk="url")
            status = "new"
        self.db["article_versions"].insert({
            "article_url": url, "version": version, "modified_at": article.get("modified_at"),
            "fetched_at": now, "title": article.get("title"), "body": body, "content_hash": content_hash,
        })
        self.index_article(url, article.get("title") or "", body)
        return SaveResult(status, url, story_id, version)

    def index_article(self, url: str, title: str, body: str) -> None:
        rowid = next(self.db.query("select rowid from articles where url = ?", [url]))["rowid"]
        indexed_title, indexed_body = tokenize.index_texts([title, body])
        # Raw statements are not committed by sqlite-utils: commit them here,
        # or the last articles of a crawl would be rolled back at close.
        with self.db.conn:
            self.db.execute("delete from articles_fts where rowid = ?", [rowid])
            self.db.execute("insert into articles_fts (rowid, title, body) values (?, ?, ?)",
                            [rowid, indexed_title, indexed_body])

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

    # -- summaries --------------------------------------------------------------

    def article_counts_by_site(self) -> dict[str, int]:
        return {row["site"]: row["n"] for row in self.db.query(
            "select site, count(*) as n from articles group by site order by site")}
