"""Nothing lost after a crash, nothing stored twice.

- An article and its derived rows are written in one transaction, and the
  start-up check repairs an article left without them (as the old
  two-transaction code did when killed between the two).
- kill -9 at random moments (fixed seed), several times, then a full run:
  every article is stored once and searchable, the database is intact, no
  run is left 'running', and readers never see an article without its index row.
- An exception inside a pipeline becomes a failure row; a failure that
  cannot be written fails the run instead of letting it say "finished".
"""
from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.crawlstate import CrawlState
from crawler.settings import ITEM_PIPELINES
from crawler.storage import NewsDatabase
from crawler.storage.repair import find_incomplete, repair
from crawler.tools.demo import run_scrapy_crawl, scrapy_crawl_command
from extractors.stories import story_features
from tests.conftest import REPO_ROOT, Crawl
from tests.faults import FAULT_SETTING

# Two sites without slow failure cases (hanbit-news has a 60 s page), so each run ends quickly.
CRASH_SITES = ("jeonbuk-saenal", "daegyeong-daily")
KILLS = 3
# These sites have no slow pages: a long timeout costs nothing and keeps a busy machine from failing pages.
PATIENT = {"DOWNLOAD_TIMEOUT": "30"}
SEED = 20241213
# Readers must never see an article without its search-index or version row.
INCOMPLETE_ARTICLES_SQL = (
    "select count(*) from articles where rowid not in (select rowid from articles_fts)"
    " or not exists (select 1 from article_versions v where v.article_url = articles.url)")


def article_fields(url: str, title: str, body: str, index_text: str) -> dict:
    return {"url": url, "site": "test-site", "title": title, "body": body, "content_hash": str(hash(body)),
            "version": 1, "story_id": url, "fetched_url": url, "index_title": index_text, "index_body": index_text,
            "story_features": story_features(title, body, None).to_bytes()}


@pytest.fixture
def database(tmp_path):
    db = NewsDatabase(tmp_path / "news.db")
    db.db["sites"].insert({"key": "test-site", "name": "시험신문"})
    yield db
    db.close()


def test_an_article_is_never_committed_without_its_search_row(database):
    def refuse_search_index(action, table, *_):
        if action == sqlite3.SQLITE_INSERT and table == "articles_fts":
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    database.connection.set_authorizer(refuse_search_index)
    with pytest.raises(sqlite3.DatabaseError):
        database.save_article(article_fields("http://test.kr/1", "제방 보강공사 착공", "위험군은 제방 보강공사를 착공한다.",
                                             "제방 보강 공사 착공"), None)
    database.connection.set_authorizer(None)
    assert database.connection.execute("select count(*) from articles").fetchone()[0] == 0
    assert database.connection.execute("select count(*) from article_versions").fetchone()[0] == 0


def test_the_start_up_check_repairs_an_article_left_without_derived_rows(database):
    database.save_article(article_fields("http://test.kr/1", "제방 보강공사 착공", "위험군은 하천 제방 보강공사를 이달 착공한다.",
                                         "하천 제방 보강 공사 착공"), None)
    database.save_article(article_fields("http://test.kr/2", "창업공간 개관", "위험시는 청년 창업공간을 새로 열었다.",
                                         "청년 창업 공간"), None)
    # What the old code left when killed between its two transactions, and worse.
    with database.connection:
        database.connection.execute("delete from articles_fts where rowid = 1")
        database.connection.execute("delete from article_versions where article_url = 'http://test.kr/1'")
        database.connection.execute("update articles set story_id = null where url = 'http://test.kr/2'")
        database.connection.execute("insert into articles_fts (rowid, title, body) values (99, '유령', '유령')")
    assert set(find_incomplete(database)) == {"search index row", "version row", "story"}

    repaired = repair(database)

    assert repaired == {"search index row": 1, "version row": 1, "story": 1, "orphan search index row": 1}
    assert find_incomplete(database) == {}
    assert [row["url"] for row in database.search("보강공사")] == ["http://test.kr/1"]
    assert not database.search("유령")


def crawl_until_killed(command, db_path, rng, reader_problems: list[str]) -> bool:
    """Start a crawl, kill -9 it once it has stored a few more articles; False when it finished first."""
    before = count(db_path, "select count(*) from articles")
    wanted = before + rng.randint(1, 8)
    process = subprocess.Popen(command, cwd=REPO_ROOT)
    try:
        while process.poll() is None:
            incomplete = count(db_path, INCOMPLETE_ARTICLES_SQL)
            if incomplete:
                reader_problems.append(f"{incomplete} article(s) visible without derived rows")
            # Wait for a checkpoint too, so the killed run has counters to keep.
            checkpointed = count(db_path, "select count(*) from crawl_runs where status = 'running' and pages_fetched > 0")
            if count(db_path, "select count(*) from articles") >= wanted and checkpointed:
                time.sleep(rng.uniform(0, 0.3))  # a random moment, not right after a commit
                if not count(db_path, "select count(*) from crawl_runs where status = 'running'"):
                    break  # the run closed meanwhile: nothing left to interrupt
                workers = child_pids(process.pid)
                process.send_signal(signal.SIGKILL)
                process.wait()
                # Its CPU worker processes die with it (they hold Kiwi's 350 MB each).
                deadline = time.monotonic() + 10
                while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
                    time.sleep(0.1)
                survivors = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
                assert not survivors, f"worker processes outlived the killed crawl: {survivors}"
                return True
            time.sleep(0.02)
        process.wait()
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def child_pids(pid: int) -> list[int]:
    return [int(child) for children in Path(f"/proc/{pid}/task").glob("*/children")
            for child in children.read_text().split()]


def count(db_path, sql: str) -> int:
    if not db_path.exists():
        return 0
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        connection.close()


def test_kill_9_at_random_moments_then_resume(mirror, tmp_path, expected):
    crawl = Crawl(mirror, tmp_path)
    command = scrapy_crawl_command(crawl.registry, crawl.db_path, spider_args={"outlet": ",".join(CRASH_SITES)},
                                   # Paced, so that a kill lands while the run is still going.
                                   extra_settings={"NEWS_RUN_CHECKPOINT_SECONDS": "0.5", "DOWNLOAD_DELAY": "0.3",
                                                   **PATIENT},
                                   log_file=tmp_path / "killed.log")
    rng = random.Random(SEED)
    reader_problems: list[str] = []
    killed = [crawl_until_killed(command, crawl.db_path, rng, reader_problems) for _ in range(KILLS)]
    kills = sum(killed)
    assert kills >= 2, "the crawl should have been killed mid-way at least twice"
    # And the search row of one stored article goes missing, as the old
    # two-transaction code left it: the next start repairs it.
    with sqlite3.connect(crawl.db_path) as connection:
        lost_url, lost_rowid = connection.execute("select url, rowid from articles order by url limit 1").fetchone()
        connection.execute("delete from articles_fts where rowid = ?", [lost_rowid])

    log = crawl(outlets=CRASH_SITES, settings=PATIENT)

    assert "repaired 1 article(s) without a search index row" in log
    assert not reader_problems, reader_problems[:3]
    runs = crawl.query("select id, status, pages_fetched, finished_at from crawl_runs order by id")
    statuses = [run["status"] for run in runs]
    assert len(statuses) == KILLS + 1 and statuses[-1] == "finished"
    # A crawl that finished before its kill came is a finished run; so is one
    # whose kill landed after its run was closed (while its workers stopped).
    for was_killed, status in zip(killed, statuses):
        assert status in (("interrupted", "finished") if was_killed else ("finished",)), statuses
    assert statuses.count("interrupted") >= 2, statuses
    for run in runs[:-1]:
        assert run["pages_fetched"] > 0 and run["finished_at"], dict(run)
    for site in CRASH_SITES:
        stored = [crawl.relative(row["fetched_url"]) for row in crawl.query(
            "select fetched_url from articles where site = ?", [site])]
        assert sorted(stored) == sorted(expected["sites"][site]["articles"]), site
    assert crawl.query("select count(*) as n from (select content_hash, site from articles"
                       " group by content_hash, site having count(*) > 1)")[0]["n"] == 0
    assert crawl.query("select count(*) as n from (select article_url, version from article_versions"
                       " group by article_url, version having count(*) > 1)")[0]["n"] == 0
    assert crawl.query(INCOMPLETE_ARTICLES_SQL)[0][0] == 0
    assert crawl.query("select count(*) from articles_fts")[0][0] == crawl.query("select count(*) from articles")[0][0]
    assert crawl.query("PRAGMA integrity_check")[0][0] == "ok"
    database = NewsDatabase(crawl.db_path)
    try:
        title = crawl.query("select title from articles where url = ?", [lost_url])[0]["title"]
        assert lost_url in [row["url"] for row in database.search(title)]
    finally:
        database.close()


def test_an_exception_inside_a_pipeline_becomes_a_failure_row(mirror, tmp_path):
    crawl = Crawl(mirror, tmp_path)
    pipelines = {**ITEM_PIPELINES, "tests.faults.BrokenStepPipeline": 550}
    # Not through Crawl.__call__: Scrapy logs the escaped exception's traceback, as it should.
    run = run_scrapy_crawl(crawl.registry, crawl.db_path, spider_args={"outlet": "jeonbuk-saenal"},
                           extra_settings={"ITEM_PIPELINES": json.dumps(pipelines), FAULT_SETTING: "no=6760",
                                           **PATIENT},
                           log_file=tmp_path / "crawl.log")
    assert run.returncode == 0
    broken_url = crawl.mirror.sites["jeonbuk-saenal"].base_url + "/news/article.html?no=6760"
    failures = crawl.query("select url, stage, reason from failures")
    assert [tuple(row) for row in failures] == [
        (broken_url, "pipeline", f"RuntimeError: a bug in a pipeline step, on {broken_url}")]
    run = crawl.last_run()
    assert run["status"] == "finished"
    assert run["failures"] == 1
    assert not crawl.query("select * from articles where url = ?", [broken_url])


def test_a_failure_that_cannot_be_written_fails_the_run(tmp_path):
    # The real extension, stats collector, settings and database; only the crawler shell is bare.
    crawler = SimpleNamespace(settings=Settings({"NEWS_DB": str(tmp_path / "news.db")}))
    crawler.stats = MemoryStatsCollector(crawler)
    state = CrawlState(crawler)
    try:
        assert state.status("finished", {}) == "finished"
        # A failures table that cannot take the row (as a locked or full database would refuse it).
        state.database.connection.execute(
            "create trigger refuse_failures before insert on failures begin select raise(abort, 'refused'); end")
        state.record_failure("http://test.kr/1", "test-site", "store", "UNIQUE constraint failed: articles.url")
        assert crawler.stats.get_value("news/unrecorded_failures") == 1
        assert state.status("finished", {}) == "failed"
    finally:
        state.database.close()
        state.lock.release()
