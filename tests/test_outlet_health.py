"""Outlet health: real crawls of a changed mirror are flagged with the reason, the day it happens."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from crawler.health import HealthThresholds, OutletRun, assess
from crawler.outlets import COLUMNS
from crawler.probe import probe
from crawler.storage import NewsDatabase
from crawler.tools.mirror import MirrorServer
from tests.conftest import REPO_ROOT, Crawl

# Generous: the first article makes Kiwi load, which holds the crawl for seconds on a busy machine.
PATIENT = {"DOWNLOAD_TIMEOUT": "30"}
JS_SHELL = b'<html><head><title>x</title><script src="/static/app.js"></script></head><body><div id="app"></div></body></html>'


def health_rows(crawl: Crawl) -> dict[str, dict]:
    return {row["site"]: dict(row) for row in crawl.query(
        "select * from outlet_runs where run_id = (select max(run_id) from outlet_runs)")}


def outlets_health(db_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.outlets", "health", "--db", str(db_path)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)


def move_articles(site_root: Path, old: bytes, new: bytes, file_prefix: str, new_dir: str) -> int:
    """The outlet moves its articles: `file_prefix<id>` files become `<new_dir>/<id>.html`, every link follows."""
    moved = 0
    for page in sorted(site_root.glob(f"{file_prefix}*")):
        target = site_root / new_dir / f"{page.name[len(Path(file_prefix).name):]}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.rename(target)
        moved += 1
    for path in site_root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            changed = re.sub(re.escape(old) + rb"(\d+)", new + rb"\1", data)
            if changed != data:
                path.write_bytes(changed)
    return moved


def set_article_pattern(registry: Path, key: str, pattern: str) -> None:
    with open(registry, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["key"] == key:
            row["article_pattern"] = pattern
    with open(registry, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def test_broken_url_pattern_is_flagged_and_probe_finds_the_new_one(mirror_copy, tmp_path):
    site_root = mirror_copy / "sites" / "jeonbuk-saenal"
    with MirrorServer(mirror_copy) as mirror:
        crawl = Crawl(mirror, tmp_path)
        crawl(outlets=("jeonbuk-saenal",), settings=PATIENT)
        assert health_rows(crawl)["jeonbuk-saenal"]["health"] == "ok"
        healthy = outlets_health(crawl.db_path)
        assert healthy.returncode == 0 and "All 1 outlet(s) healthy" in healthy.stdout

        # The outlet moves from news/article.html?no=N to news/view/N overnight (the kyeongin case).
        assert move_articles(site_root, b"/news/article.html?no=", b"/news/view/", "news/article.html@no=", "news/view") >= 10
        crawl(outlets=("jeonbuk-saenal",), settings=PATIENT)
        row = health_rows(crawl)["jeonbuk-saenal"]
        assert row["health"] == "pattern_broken"
        assert row["links_found"] > 20 and row["links_matching"] == 0 and row["articles_new"] == 0
        assert "/news/view/" in row["link_examples"]

        report = outlets_health(crawl.db_path)
        print(report.stdout)  # the closing note quotes this output
        assert report.returncode == 1
        assert "jeonbuk-saenal (전북새날신문)" in report.stdout and "none matches its article pattern" in report.stdout
        assert f"python -m crawler.outlets probe {mirror.url('jeonbuk-saenal', '/')}" in report.stdout

        # The probe keeps the family (its list pages and feed are where they were) and finds the new shape.
        found = probe(mirror.url("jeonbuk-saenal", "/"), key="jeonbuk-saenal", timeout=10)
        assert found.outlet.cms == "article_html_no"
        assert found.outlet.article_pattern == r"/news/view/\d+$"
        assert sum(article.extracted for article in found.articles) == 2

        # With the probe's pattern in the registry, the next crawl is healthy again.
        set_article_pattern(crawl.registry, "jeonbuk-saenal", found.outlet.article_pattern)
        crawl(outlets=("jeonbuk-saenal",), settings=PATIENT)
        row = health_rows(crawl)["jeonbuk-saenal"]
        assert row["health"] == "ok" and row["links_matching"] > 0


def break_outlets(mirror_copy: Path) -> None:
    sites = mirror_copy / "sites"
    # hanbit-news: a new template renders articles with JavaScript; nothing left to extract.
    for page in (sites / "hanbit-news" / "news").glob("articleView.html@idxno=*"):
        page.write_bytes(JS_SHELL)
    # (Its deliberately slow and broken links are not what this test is about.)
    (sites / "hanbit-news" / "_routes.yaml").write_text("{}\n", "utf-8")
    # jeonbuk-saenal: the template drops the date line; the header still shows "today".
    for page in (sites / "jeonbuk-saenal" / "news").glob("article.html@no=*"):
        page.write_bytes(re.sub(rb'<span class="date">[^<]*</span>', b"", page.read_bytes()))
    # daegyeong-daily: robots.txt now forbids everything.
    (sites / "daegyeong-daily" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    # down-news: a registered outlet whose server answers 503 to everything the crawl asks.
    down = sites / "down-news"
    down.mkdir()
    (down / "_routes.yaml").write_text(
        '/rss/allArticle.xml: {status: 503}\n/news/articleList.html: {status: 503}\n', "utf-8")
    with open(mirror_copy / "outlets.csv", "a", encoding="utf-8") as handle:
        handle.write("down-news,다운뉴스,경북,http://down-news.mirror.test/,articleview_idxno,,,,,,false,fictional,\n")


def test_template_robots_and_http_trouble_are_flagged_with_reasons(mirror_copy, tmp_path):
    break_outlets(mirror_copy)
    with MirrorServer(mirror_copy) as mirror:
        crawl = Crawl(mirror, tmp_path)
        outlets = ("hanbit-news", "jeonbuk-saenal", "daegyeong-daily", "down-news")
        settings = {**PATIENT, "NEWS_HEALTH_FAILING_RUNS": "2"}
        crawl(outlets=outlets, settings=settings)
        rows = health_rows(crawl)
        assert rows["hanbit-news"]["health"] == "extraction_failing"
        assert "failed extraction (e.g. no article body found" in rows["hanbit-news"]["health_reasons"]
        assert rows["jeonbuk-saenal"]["health"] == "dates_lost"
        assert rows["jeonbuk-saenal"]["articles_extracted"] >= 10
        # Never the header's "today" instead.
        assert not crawl.query("select url from articles where site = 'jeonbuk-saenal' and published_at is not null")
        assert rows["daegyeong-daily"]["health"] == "robots_forbidden"
        assert "robots.txt forbids" in rows["daegyeong-daily"]["health_reasons"]
        # One run of errors is not yet a pattern.
        assert rows["down-news"]["health"] == "ok" and rows["down-news"]["http_errors"] == 2

        crawl(outlets=outlets, settings=settings)
        rows = health_rows(crawl)
        assert rows["down-news"]["health"] == "http_failing"
        reasons = rows["down-news"]["health_reasons"]
        assert "HTTP errors in each of its last 2 runs: 2 of 2 requests failed this run" in reasons
        assert "HTTP 503" in reasons
    assert crawl.last_run()["status"] == "finished"


def test_an_outlet_with_nothing_new_run_after_run_is_flagged(mirror, tmp_path):
    crawl = Crawl(mirror, tmp_path)
    # Thresholds a test can reach in minutes: two quiet runs, no waiting days, one publishing day before.
    quiet = {**PATIENT, "NEWS_HEALTH_QUIET_RUNS": "2", "NEWS_HEALTH_QUIET_DAYS": "0",
             "NEWS_HEALTH_DAILY_MIN_DAYS": "1"}
    for expected in ("ok", "ok", "stopped_publishing"):
        crawl(outlets=("daegyeong-daily",), settings=quiet)
        assert health_rows(crawl)["daegyeong-daily"]["health"] == expected
    assert "nothing new in its last 2 runs" in health_rows(crawl)["daegyeong-daily"]["health_reasons"]


def test_cron_mails_the_flagged_outlets_and_still_exits_0(mirror_copy, tmp_path):
    (mirror_copy / "sites" / "daegyeong-daily" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    with MirrorServer(mirror_copy) as mirror:
        registry = mirror.write_registry(tmp_path / "outlets.csv")
        result = subprocess.run(
            [sys.executable, "-m", "crawler.tools.cron", "--db", str(tmp_path / "news.db"), "--outlets",
             str(registry), "--outlet", "daegyeong-daily,jeonbuk-saenal", "--log-file", str(tmp_path / "crawl.log"),
             "--lock-file", str(tmp_path / "crawl.lock"), "--", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0",
             "-s", "AUTOTHROTTLE_ENABLED=False"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "daegyeong-daily (대경데일리)" in result.stderr and "robots_forbidden" in result.stderr
    assert "jeonbuk-saenal" not in result.stderr and "1 of 2 outlet(s) flagged" in result.stderr


# -- the rules over stored history (a real database, runs days apart) -------------------

def stored_runs(tmp_path, site: str, runs: list[tuple[int, int, int]]) -> NewsDatabase:
    """Rows (days ago, new articles, HTTP errors) of one outlet, as earlier crawls would have left them."""
    database = NewsDatabase(tmp_path / "news.db")
    database.upsert_sites([SimpleNamespace(key=site, name=site, region="경북", homepage="http://x.example/",
                                           cms="generic", needs_js=False)])
    now = datetime.now(timezone.utc)
    for days_ago, new, errors in runs:
        run_id = database.start_run("news", {})
        finished = (now - timedelta(days=days_ago)).isoformat(timespec="seconds")
        database.save_outlet_run(OutletRun(run_id=run_id, site=site, finished_at=finished, articles_new=new,
                                           http_errors=errors, pages_fetched=10 if not errors else 0,
                                           links_found=40, links_matching=12))
    return database


def test_stopped_publishing_needs_days_of_silence_after_a_daily_habit(tmp_path):
    limits = HealthThresholds()
    daily_then_quiet = [(days, 5, 0) for days in range(9, 2, -1)] + [(2, 0, 0), (1, 0, 0)]
    database = stored_runs(tmp_path, "daily-news", daily_then_quiet)
    run_id = database.start_run("news", {})
    today = OutletRun(run_id=run_id, site="daily-news", finished_at=datetime.now(timezone.utc).isoformat(),
                      links_found=40, links_matching=12, pages_fetched=10)
    flagged = assess(today, database.outlet_history("daily-news", run_id, limits), limits)
    assert flagged.health == "stopped_publishing"
    assert "3 day(s) since its last new article" in flagged.health_reasons
    # An outlet that never published daily (new articles twice in the window) is not flagged.
    (tmp_path / "sparse").mkdir()
    sparse = stored_runs(tmp_path / "sparse", "weekly-news", [(9, 5, 0), (5, 5, 0), (2, 0, 0), (1, 0, 0)])
    run_id = sparse.start_run("news", {})
    today = OutletRun(run_id=run_id, site="weekly-news", finished_at=datetime.now(timezone.utc).isoformat(),
                      links_found=40, links_matching=12, pages_fetched=10)
    assert assess(today, sparse.outlet_history("weekly-news", run_id, limits), limits).health == "ok"


def test_http_errors_must_last_n_runs_and_dominate(tmp_path):
    limits = HealthThresholds.from_settings({"NEWS_HEALTH_FAILING_RUNS": "3"}.get)
    assert limits.failing_runs == 3 and limits.quiet_runs == HealthThresholds().quiet_runs
    database = stored_runs(tmp_path, "flaky-news", [(2, 1, 7), (1, 1, 7)])
    run_id = database.start_run("news", {})
    today = OutletRun(run_id=run_id, site="flaky-news", finished_at=datetime.now(timezone.utc).isoformat(),
                      http_errors=5, pages_fetched=1)
    assert assess(today, database.outlet_history("flaky-news", run_id, limits), limits).health == "http_failing"
    # A few broken links among many good pages are not an outlet in trouble.
    today.http_errors, today.pages_fetched = 5, 95
    assert assess(today, database.outlet_history("flaky-news", run_id, limits), limits).health == "ok"
