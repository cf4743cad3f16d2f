"""The story index: which stored story a new article belongs to, at flat cost.

Candidates come from an inverted index, never from a scan of the archive:
each article posts a handful of keys (a fixed-rate sample of its text
shingles, and its figures, places and names). A dated article posts them
under its publication day in `story_postings`; an undated one under the day
it was crawled in `story_undated_postings`. Both are WITHOUT ROWID tables
whose primary key is the lookup. A new article reads, for each of its keys:
- the dated postings within a story's span of its own day (an undated new
  article: the latest dated postings);
- the undated postings crawled since a story's span before its own day (an
  undated new article: before its crawl day), latest first;
at most POSTINGS_PER_TERM each. So the work per article depends on the
daily volume, not on the size of the archive: undated articles, crawled at
about the time they were published, drop out of the lookups as they age,
yet a backfill of old dated articles still meets the undated ones crawled
with it. The best-hit candidates are then confirmed with
`extractors.stories.compare`, which decides on the text and facts alone.

The index never commits: the caller wraps one article and everything
derived from it in one transaction. Nothing is loaded at start-up.

Tables (all prefixed `story_`):
- story_index_articles: one row per article (its key, story, days, length, features);
- story_postings and story_undated_postings: the inverted index;
- story_stories: one row per story with its representative, the earliest
  published member (ties: the longest body; undated members come last).

A story's id is the key of the article that founded it and never changes,
so rows that already carry it stay valid; the representative moves when an
earlier-published article joins.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from operator import itemgetter

from extractors.stories import (MAX_STORY_SPAN_DAYS, MIN_TEXT_CONTAINMENT, StoryFeatures, compare, publication_day,
                                shingle_overlap)

# Postings of one key read per lookup: a key shared by more articles within
# a story's span says little about any of them.
POSTINGS_PER_TERM = 64
# Candidates confirmed per new article, the ones sharing most keys first.
MAX_CANDIDATES = 40
# Decoded candidates kept in memory (about 20 kB each): the articles of one
# topic and week are candidates of article after article, and decoding one,
# with the fact slots a comparison derives from it, costs more than comparing it.
DECODED_CANDIDATES_KEPT = 1024
# Keys looked up per statement. An article has about 50, each read with two
# limited searches of a primary key; one statement per call cost SQLite's
# per-statement overhead a hundred times per article. A last, shorter batch
# is padded with a key that no article posts, so there is one statement text
# for dated and one for undated articles.
KEYS_PER_LOOKUP = 16
NO_KEY = -1

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS story_index_articles (
        id INTEGER PRIMARY KEY,
        article_key TEXT NOT NULL UNIQUE,
        story_id TEXT NOT NULL,
        published_day INTEGER,
        crawled_day INTEGER,
        body_chars INTEGER NOT NULL,
        features BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS story_index_articles_story_id ON story_index_articles (story_id)",
    """CREATE TABLE IF NOT EXISTS story_postings (
        term INTEGER NOT NULL,
        day INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (term, day, article_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS story_undated_postings (
        term INTEGER NOT NULL,
        crawled_day INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (term, crawled_day, article_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS story_stories (
        story_id TEXT PRIMARY KEY,
        representative_key TEXT NOT NULL,
        representative_day INTEGER,
        representative_chars INTEGER NOT NULL,
        articles INTEGER NOT NULL
    )""",
)

# The candidate lookups, kept as named statements so a test can check their plans.
DATED_POSTINGS_SQL = (
    "SELECT article_id FROM story_postings WHERE term = ? AND day BETWEEN ? AND ? LIMIT ?"
)
LATEST_DATED_POSTINGS_SQL = (
    "SELECT article_id FROM story_postings WHERE term = ? ORDER BY day DESC LIMIT ?"
)
UNDATED_POSTINGS_SQL = (
    "SELECT article_id FROM story_undated_postings WHERE term = ? AND crawled_day >= ? "
    "ORDER BY crawled_day DESC LIMIT ?"
)


@lru_cache(maxsize=None)
def batched_postings_sql(dated_sql: str) -> str:
    """The dated lookup (`dated_sql`) and then the undated one, for each of
    KEYS_PER_LOOKUP keys, in one statement (UNION ALL keeps their order)."""
    one_key = f"SELECT * FROM ({dated_sql}) UNION ALL SELECT * FROM ({UNDATED_POSTINGS_SQL})"
    return " UNION ALL ".join([one_key] * KEYS_PER_LOOKUP)


@dataclass
class Candidate:
    article_id: int
    article_key: str
    story_id: str
    features: StoryFeatures


@lru_cache(maxsize=DECODED_CANDIDATES_KEPT)
def decoded_candidate(data: bytes) -> StoryFeatures:
    """Stored features, decoded once while they are met often; keyed by the
    bytes themselves, so a re-assigned article can never meet stale ones.
    Shared: callers read them, never change them."""
    return StoryFeatures.from_bytes(data)


def _connection(database) -> sqlite3.Connection:
    """A sqlite3 connection, also from a sqlite_utils.Database."""
    return getattr(database, "conn", database)


def current_day() -> int:
    """Today (UTC) in days since 1970-01-01, the unit of publication days."""
    return publication_day(datetime.now(timezone.utc).isoformat())


def _sort_key(day: int | None, body_chars: int) -> tuple:
    """Earlier published first, then longer body; undated after every dated one."""
    return (day is None, day if day is not None else 0, -body_chars)


class StoryIndex:
    """Assigns articles to stories over one SQLite connection."""

    def __init__(self, database):
        self.conn = _connection(database)

    def ensure_schema(self) -> None:
        for statement in SCHEMA:
            self.conn.execute(statement)
        self._record_crawl_days()

    def _record_crawl_days(self) -> None:
        """Upgrade an index from before crawl days were recorded (once).

        Its undated articles were posted under day -1 in story_postings; they
        move to story_undated_postings as if crawled on the day of the upgrade.
        """
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(story_index_articles)")}
        if "crawled_day" in columns:
            return
        today = current_day()
        with self.conn:
            self.conn.execute("ALTER TABLE story_index_articles ADD COLUMN crawled_day INTEGER")
            self.conn.execute("UPDATE story_index_articles SET crawled_day = ? WHERE published_day IS NULL", [today])
            self.conn.execute("INSERT OR IGNORE INTO story_undated_postings (term, crawled_day, article_id) "
                              "SELECT term, ?, article_id FROM story_postings WHERE day = -1", [today])
            self.conn.execute("DELETE FROM story_postings WHERE day = -1")

    # -- assignment -----------------------------------------------------------------

    def assign(self, article_key: str, features: StoryFeatures, published_at: str | None = None,
               crawled_day: int | None = None) -> str:
        """Store the article and return its story id (an article assigned again keeps its story).

        `published_at` overrides the features' day when given (a date found
        later); `crawled_day` is when the article was first crawled (today
        when not given), which places an undated article in time.
        """
        existing = self.story_of(article_key)
        if existing is not None:
            return existing
        if published_at is not None:
            features = replace(features, published_day=publication_day(published_at))
        if crawled_day is None:
            crawled_day = current_day()
        story_id = self._best_story(features, crawled_day) or article_key
        article_id = self._insert_article(article_key, story_id, features, crawled_day)
        self._post(article_id, features, crawled_day)
        self._join_story(story_id, article_key, features)
        return story_id

    def story_of(self, article_key: str) -> str | None:
        row = self.conn.execute(
            "SELECT story_id FROM story_index_articles WHERE article_key = ?", [article_key]
        ).fetchone()
        return row[0] if row else None

    def candidates(self, features: StoryFeatures, crawled_day: int | None = None) -> list[Candidate]:
        """Stored articles sharing the most index keys with `features`, best first."""
        if crawled_day is None:
            crawled_day = current_day()
        hits = Counter(map(itemgetter(0), self._postings(features.index_terms, features.published_day, crawled_day)))
        best = [article_id for article_id, _ in hits.most_common(MAX_CANDIDATES)]
        if not best:
            return []
        placeholders = ",".join("?" * len(best))
        rows = self.conn.execute(
            f"SELECT id, article_key, story_id, features FROM story_index_articles WHERE id IN ({placeholders})", best
        ).fetchall()
        by_id = {row[0]: Candidate(row[0], row[1], row[2], decoded_candidate(row[3])) for row in rows}
        return [by_id[article_id] for article_id in best if article_id in by_id]

    def _postings(self, terms: list[int], day: int | None, crawled_day: int) -> list[tuple[int]]:
        """The postings of each key in turn: its dated ones, then its undated ones."""
        if day is None:
            dated_sql, dated_parameters = LATEST_DATED_POSTINGS_SQL, (POSTINGS_PER_TERM,)
            undated_since = crawled_day - MAX_STORY_SPAN_DAYS
        else:
            dated_sql = DATED_POSTINGS_SQL
            dated_parameters = (day - MAX_STORY_SPAN_DAYS, day + MAX_STORY_SPAN_DAYS, POSTINGS_PER_TERM)
            undated_since = day - MAX_STORY_SPAN_DAYS
        statement = batched_postings_sql(dated_sql)
        postings: list[tuple[int]] = []
        for start in range(0, len(terms), KEYS_PER_LOOKUP):
            batch = terms[start:start + KEYS_PER_LOOKUP]
            batch += [NO_KEY] * (KEYS_PER_LOOKUP - len(batch))
            parameters = [value for term in batch
                          for value in (term, *dated_parameters, term, undated_since, POSTINGS_PER_TERM)]
            postings += self.conn.execute(statement, parameters).fetchall()
        return postings

    def _best_story(self, features: StoryFeatures, crawled_day: int) -> str | None:
        best_story, best_overlap = None, -1.0
        for candidate in self.candidates(features, crawled_day):
            overlap = shingle_overlap(features, candidate.features)
            if overlap[0] <= best_overlap or overlap[0] < MIN_TEXT_CONTAINMENT:
                continue  # it could not win: `compare` asks at least this much overlap, and the best so far more
            comparison = compare(features, candidate.features, overlap=overlap)
            if comparison.same and comparison.containment > best_overlap:
                best_story, best_overlap = candidate.story_id, comparison.containment
        return best_story

    def _insert_article(self, article_key: str, story_id: str, features: StoryFeatures, crawled_day: int) -> int:
        cursor = self.conn.execute(
            "INSERT INTO story_index_articles (article_key, story_id, published_day, crawled_day, body_chars, "
            "features) VALUES (?, ?, ?, ?, ?, ?)",
            [article_key, story_id, features.published_day, crawled_day, features.body_chars, features.to_bytes()],
        )
        return cursor.lastrowid

    @staticmethod
    def postings_of(features: StoryFeatures, crawled_day: int | None) -> tuple[str, str, int | None]:
        """Where an article's keys are posted: its table, day column and day
        (the publication day when dated, else the crawl day)."""
        if features.published_day is None:
            return "story_undated_postings", "crawled_day", crawled_day
        return "story_postings", "day", features.published_day

    def _post(self, article_id: int, features: StoryFeatures, crawled_day: int) -> None:
        table, day_column, day = self.postings_of(features, crawled_day)
        self.conn.executemany(f"INSERT OR IGNORE INTO {table} (term, {day_column}, article_id) VALUES (?, ?, ?)",
                              [(term, day, article_id) for term in features.index_terms])

    # -- representatives ----------------------------------------------------------

    def _join_story(self, story_id: str, article_key: str, features: StoryFeatures) -> None:
        row = self.conn.execute(
            "SELECT representative_day, representative_chars FROM story_stories WHERE story_id = ?", [story_id]
        ).fetchone()
        if row is None:
            self.conn.execute(
                "INSERT INTO story_stories (story_id, representative_key, representative_day, "
                "representative_chars, articles) VALUES (?, ?, ?, ?, 1)",
                [story_id, article_key, features.published_day, features.body_chars],
            )
            return
        self.conn.execute("UPDATE story_stories SET articles = articles + 1 WHERE story_id = ?", [story_id])
        if _sort_key(features.published_day, features.body_chars) < _sort_key(row[0], row[1]):
            self._set_representative(story_id, article_key, features.published_day, features.body_chars)

    def _set_representative(self, story_id: str, article_key: str, day: int | None, body_chars: int) -> None:
        self.conn.execute(
            "UPDATE story_stories SET representative_key = ?, representative_day = ?, representative_chars = ? "
            "WHERE story_id = ?",
            [article_key, day, body_chars, story_id],
        )

    def representative(self, story_id: str) -> str | None:
        """The key of the story's earliest-published member (ties: longest body)."""
        row = self.conn.execute(
            "SELECT representative_key FROM story_stories WHERE story_id = ?", [story_id]
        ).fetchone()
        return row[0] if row else None

    def members(self, story_id: str) -> list[str]:
        return [row[0] for row in self.conn.execute(
            "SELECT article_key FROM story_index_articles WHERE story_id = ? ORDER BY id", [story_id]
        )]

    # -- removal --------------------------------------------------------------------

    def forget(self, article_key: str) -> None:
        """Remove an article; its story keeps its id, with a new representative if needed."""
        row = self.conn.execute(
            "SELECT id, story_id, features, crawled_day FROM story_index_articles WHERE article_key = ?", [article_key]
        ).fetchone()
        if row is None:
            return
        article_id, story_id, data, crawled_day = row
        features = StoryFeatures.from_bytes(data)
        table, day_column, day = self.postings_of(features, crawled_day)
        self.conn.executemany(
            f"DELETE FROM {table} WHERE term = ? AND {day_column} = ? AND article_id = ?",
            [(term, day, article_id) for term in features.index_terms],
        )
        self.conn.execute("DELETE FROM story_index_articles WHERE id = ?", [article_id])
        self._refresh_story(story_id)

    def _refresh_story(self, story_id: str) -> None:
        remaining = self.conn.execute(
            "SELECT article_key, published_day, body_chars FROM story_index_articles WHERE story_id = ?", [story_id]
        ).fetchall()
        if not remaining:
            self.conn.execute("DELETE FROM story_stories WHERE story_id = ?", [story_id])
            return
        key, day, chars = min(remaining, key=lambda member: _sort_key(member[1], member[2]))
        self._set_representative(story_id, key, day, chars)
        self.conn.execute("UPDATE story_stories SET articles = ? WHERE story_id = ?", [len(remaining), story_id])
