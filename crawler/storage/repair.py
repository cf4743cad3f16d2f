"""Find and repair articles whose derived rows are missing.

`NewsDatabase.save_article` writes an article and everything derived from it
in one transaction, so a crash leaves all of it or none. A database written
by an older version (which committed the article before its search-index
row) or edited by hand may still hold an article without them: such an
article would count as "unchanged" on every later crawl and never be found
by search. The crawl runs this check at start-up (crawler.crawlstate), and
`make check` runs it with SQLite's own integrity check:

    python -m crawler.storage.repair news.db           # check and repair
    python -m crawler.storage.repair news.db --dry-run # report only; exit 1 when anything is wrong

Each kind of derived row is one entry of DERIVED_ROWS: how to find the
articles without it, and how to derive it again from the stored article.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from crawler.storage.database import NewsDatabase
from crawler.storage.lock import EXIT_LOCKED, DatabaseLock, DatabaseLocked


def _repair_search_rows(database: NewsDatabase, urls: list[str]) -> None:
    from extractors.tokenize import index_texts  # Kiwi: loaded only when something is missing

    rows = [database.connection.execute("select url, title, body from articles where url = ?", [url]).fetchone()
            for url in urls]
    terms = index_texts([text for _, title, body in rows for text in (title, body)])
    for index, (url, _, _) in enumerate(rows):
        with database.connection:
            database.write_search_row(url, terms[2 * index], terms[2 * index + 1])


def _repair_versions(database: NewsDatabase, urls: list[str]) -> None:
    for url in urls:
        with database.connection:
            database.connection.execute(
                "insert into article_versions (article_url, version, modified_at, fetched_at, title, body, content_hash)"
                " select url, version, modified_at, last_fetched_at, title, body, content_hash"
                " from articles where url = ?", [url])


def _repair_stories(database: NewsDatabase, urls: list[str]) -> None:
    """Assign the article through the story index again, from its stored text."""
    from extractors import facts_text
    from extractors.analysis import analyse_article  # Kiwi: loaded only when something is missing
    from extractors.stories import publication_day, story_features

    for url in urls:
        title, subtitle, body, published_at, first_seen_at = database.connection.execute(
            "select title, subtitle, body, published_at, first_seen_at from articles where url = ?", [url]).fetchone()
        text = facts_text(subtitle, body)
        features = story_features(title, text, published_at, analyse_article(title, text))
        with database.connection:
            story_id = database.stories.assign(url, features, published_at, crawled_day=publication_day(first_seen_at))
            database.connection.execute("update articles set story_id = ? where url = ?", [story_id, url])


@dataclass(frozen=True)
class DerivedRow:
    name: str
    # Selects the url of every article that lacks this derived row.
    missing_sql: str
    repair: Callable[[NewsDatabase, list[str]], None]


DERIVED_ROWS: tuple[DerivedRow, ...] = (
    DerivedRow("search index row",
               "select url from articles where rowid not in (select rowid from articles_fts)",
               _repair_search_rows),
    DerivedRow("version row",
               "select url from articles a where not exists (select 1 from article_versions v"
               " where v.article_url = a.url and v.version = a.version)",
               _repair_versions),
    DerivedRow("story", "select url from articles where story_id is null or story_id = ''"
               " or url not in (select article_key from story_index_articles)", _repair_stories),
)
# Search-index rows whose article is gone would match searches that lead nowhere.
ORPHAN_SEARCH_ROWS_SQL = "select rowid from articles_fts where rowid not in (select rowid from articles)"


def find_incomplete(database: NewsDatabase) -> dict[str, list[str]]:
    """{derived row name: urls of articles without it}, only for kinds with something missing."""
    found = {}
    for derived in DERIVED_ROWS:
        urls = [row[0] for row in database.connection.execute(derived.missing_sql)]
        if urls:
            found[derived.name] = urls
    return found


def orphan_search_rows(database: NewsDatabase) -> list[int]:
    return [row[0] for row in database.connection.execute(ORPHAN_SEARCH_ROWS_SQL)]


def repair(database: NewsDatabase) -> dict[str, int]:
    """Derive every missing row again; {what: how many} of what was repaired. The caller holds the lock."""
    repaired = {}
    incomplete = find_incomplete(database)
    for derived in DERIVED_ROWS:
        urls = incomplete.get(derived.name)
        if urls:
            derived.repair(database, urls)
            repaired[derived.name] = len(urls)
    orphans = orphan_search_rows(database)
    if orphans:
        with database.connection:
            database.connection.executemany("delete from articles_fts where rowid = ?", [[rowid] for rowid in orphans])
        repaired["orphan search index row"] = len(orphans)
    return repaired


def integrity_problems(database: NewsDatabase) -> list[str]:
    rows = [row[0] for row in database.connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.storage.repair", description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--dry-run", action="store_true", help="only report; exit 1 when anything is wrong")
    args = parser.parse_args(argv)
    if not Path(args.db).is_file():
        print(f"error: no database at {args.db}", file=sys.stderr)
        return 2
    lock = DatabaseLock(args.db)
    if not args.dry_run:
        try:
            lock.acquire()
        except DatabaseLocked as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_LOCKED
    database = NewsDatabase(args.db)
    try:
        problems = integrity_problems(database)
        for problem in problems:
            print(f"integrity_check: {problem}")
        incomplete = find_incomplete(database)
        orphans = orphan_search_rows(database)
        for name, urls in incomplete.items():
            print(f"{len(urls)} article(s) without a {name}, e.g. {urls[0]}")
        if orphans:
            print(f"{len(orphans)} search index row(s) without an article")
        if not args.dry_run and (incomplete or orphans):
            for name, count in repair(database).items():
                print(f"repaired: {count} {name}(s)")
            incomplete, orphans = find_incomplete(database), orphan_search_rows(database)
        articles = database.connection.execute("select count(*) from articles").fetchone()[0]
        ok = not problems and not incomplete and not orphans
        print(f"{'OK' if ok else 'PROBLEMS'}: {args.db}, {articles} articles")
        return 0 if ok else 1
    finally:
        database.close()
        lock.release()


if __name__ == "__main__":
    raise SystemExit(main())
