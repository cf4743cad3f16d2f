"""Incremental, cron-safe crawling: conditional GET, versions, the lock."""
from __future__ import annotations

import fcntl
import json
import subprocess
import sys

from crawler.tools.mirror import MirrorServer
from tests.conftest import REPO_ROOT, STATIC_SITES, Crawl


def per_outlet(run) -> dict:
    return json.loads(run["per_outlet"] or "{}")


def test_second_crawl_fetches_no_article_page_and_an_edit_is_re_extracted_alone(mirror_copy, tmp_path):
    with MirrorServer(mirror_copy) as mirror:
        crawl = Crawl(mirror, tmp_path)
        crawl(outlets=STATIC_SITES)
        first = crawl.last_run()
        articles_before = crawl.query("select count(*) as n from articles")[0]["n"]
        assert first["articles_new"] == articles_before >= 60 - 8

        crawl(outlets=STATIC_SITES)
        second = crawl.last_run()
        counts = per_outlet(second)
        assert sum(site.get("article_pages_fetched", 0) for site in counts.values()) == 0
        assert second["articles_new"] == 0 and second["articles_updated"] == 0
        assert sum(site.get("not_modified", 0) for site in counts.values()) > 0
        assert crawl.query("select count(*) as n from articles")[0]["n"] == articles_before

        amounts_before = [row["value"] for row in crawl.query(
            "select entities.value from mentions join entities on entities.id = mentions.entity_id "
            "join articles on articles.url = mentions.article_url "
            "where articles.fetched_url like '%idxno=31648' and entities.type = 'MONEY'")]

        # The outlet corrects one article.
        page = mirror_copy / "sites" / "hanbit-news" / "news" / "articleView.html@idxno=31648"
        html = page.read_text("utf-8")
        assert "12조 3,456억 원" in html
        page.write_text(html.replace("12조 3,456억 원을 의결했다", "12조 3,457억 원을 의결했다"), "utf-8")

        crawl(outlets=STATIC_SITES)
        third = crawl.last_run()
        counts = per_outlet(third)
        assert sum(site.get("article_pages_fetched", 0) for site in counts.values()) == 1
        assert third["articles_updated"] == 1 and third["articles_new"] == 0
        updated = crawl.query("select url, version, body from articles where version > 1")
        assert len(updated) == 1 and "12조 3,457억 원을 의결했다" in updated[0]["body"]
        versions = crawl.query("select version, body from article_versions where article_url = ? order by version",
                               [updated[0]["url"]])
        assert [row["version"] for row in versions] == [1, 2]
        assert "12조 3,456억 원을 의결했다" in versions[0]["body"]
        # Its facts were replaced with the new text's: the body's amount is the
        # new one; the old one is left only where the text still says it (the title).
        amounts = [row["value"] for row in crawl.query(
            "select entities.value from mentions join entities on entities.id = mentions.entity_id "
            "where mentions.article_url = ? and entities.type = 'MONEY'", [updated[0]["url"]])]
        assert amounts.count(12_345_700_000_000) == 1 and amounts.count(12_345_600_000_000) == 1
        assert amounts_before.count(12_345_600_000_000) == 2
        assert crawl.query("select count(*) as n from articles")[0]["n"] == articles_before


def run_cron(tmp_path, registry, *extra, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "crawler.tools.cron", "--db", str(tmp_path / "news.db"), "--outlets", str(registry),
         "--log-file", str(tmp_path / "logs" / "crawl.log"), "--lock-file", str(tmp_path / "crawl.lock"), *extra,
         "--", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "DOWNLOAD_TIMEOUT=3",
         "-s", "RETRY_TIMES=0"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout,
    )


def test_cron_run_is_locked_logged_and_survives_a_down_outlet(mirror, tmp_path):
    registry = mirror.write_registry(tmp_path / "outlets.csv")
    # An outlet whose server is gone: its failures are recorded, the run still succeeds.
    with open(registry, "a", encoding="utf-8") as handle:
        handle.write("gone-news,사라진신문,경북,http://127.0.0.1:9/,articleview_idxno,,,,,,false,fictional,\n")

    # Another crawl holds the lock: this one must not run.
    with open(tmp_path / "crawl.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        blocked = run_cron(tmp_path, registry, "--outlet", "gone-news")
    assert blocked.returncode == 75, blocked.stderr
    assert "another crawl" in blocked.stderr
    assert not (tmp_path / "news.db").exists()

    finished = run_cron(tmp_path, registry, "--region", "경북")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    log = (tmp_path / "logs" / "crawl.log").read_text("utf-8")
    assert "skipped: another crawl holds" in log and "run 1 finished" in log
    crawl = Crawl.__new__(Crawl)
    crawl.db_path = tmp_path / "news.db"
    run = crawl.last_run()
    counts = per_outlet(run)
    assert counts["gone-news"]["failures"] >= 1
    assert counts["hanbit-news"]["new"] == 25

    only_down = run_cron(tmp_path, registry, "--outlet", "gone-news")
    assert only_down.returncode == 1, "a run where no outlet answered has failed"
