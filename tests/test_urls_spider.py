"""`scrapy crawl urls`: given article URLs, fetched and extracted; -O out.jsonl works."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import REPO_ROOT


def test_urls_spider_stores_given_articles_and_exports_jsonl(mirror, tmp_path):
    registry = mirror.write_registry(tmp_path / "outlets.csv")
    urls = [
        mirror.url("hanbit-news", "/news/articleView.html?idxno=31648"),
        mirror.url("daegyeong-daily", "/site/data/html/2023/11/01/2023110100005.html"),
        mirror.url("jeonbuk-saenal", "/news/article.html?no=6760"),
        mirror.url("hanbit-news", "/news/articleView.html?idxno=39999"),  # a 404
    ]
    (tmp_path / "urls.txt").write_text("# articles to fetch\n" + "\n".join(urls) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "urls", "-a", f"file={tmp_path / 'urls.txt'}",
         "-s", f"OUTLETS_FILE={registry}", "-s", f"NEWS_DB={tmp_path / 'news.db'}", "-s", "RETRY_TIMES=0",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-O", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {record["site"] for record in records} == {"hanbit-news", "daegyeong-daily", "jeonbuk-saenal"}
    by_site = {record["site"]: record for record in records}
    assert by_site["jeonbuk-saenal"]["title"] == "전북도, 자동차부품․뿌리기업 우즈베키스탄 진출 시동!"
    assert "body" in by_site["hanbit-news"] and "12조" in by_site["hanbit-news"]["body"]

    connection = sqlite3.connect(tmp_path / "news.db")
    assert connection.execute("select count(*) from articles").fetchone()[0] == 3
    failures = connection.execute("select url, reason from failures").fetchall()
    assert [(url.endswith("idxno=39999"), reason) for url, reason in failures] == [(True, "article: HTTP 404")]


def test_scrapy_list_shows_both_spiders():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["news", "urls"]


class CopiesSite:
    """One article's page served under many URLs, as some CMSs serve a story under several ids."""

    def __init__(self, page: bytes, copies: int):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *arguments):
                pass

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.urls = [f"http://127.0.0.1:{port}/news/{number}" for number in range(copies)]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_copies_analysed_at_once_in_worker_processes_are_stored_once(tmp_path):
    """Two CPU worker processes analyse several articles at a time: a copy whose twin is still
    being analysed (and so not yet in the database) is a duplicate all the same."""
    page = (REPO_ROOT / "datasets/mirror/sites/hanbit-news/news/articleView.html@idxno=31648").read_bytes()
    site = CopiesSite(page, 12)
    (tmp_path / "urls.txt").write_text("\n".join(site.urls) + "\n", "utf-8")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "urls", "-a", f"file={tmp_path / 'urls.txt'}",
             "-s", f"NEWS_DB={tmp_path / 'news.db'}", "-s", "NEWS_CPU_PROCESSES=2", "-s", "ROBOTSTXT_OBEY=False",
             "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    finally:
        site.server.shutdown()
    assert result.returncode == 0, result.stderr[-4000:]
    connection = sqlite3.connect(tmp_path / "news.db")
    assert connection.execute("select count(*) from articles").fetchone()[0] == 1
    per_outlet = json.loads(connection.execute("select per_outlet from crawl_runs").fetchone()[0])
    assert sum(counts.get("duplicates", 0) for counts in per_outlet.values()) == 11


def test_article_requests_share_one_callback_that_scrapy_inspects_once(monkeypatch):
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value
    from scrapy.utils.request import request_from_dict

    from crawler.outlets import load_outlets
    from crawler.spiders.urls import UrlsSpider

    spider = UrlsSpider(url="http://127.0.0.1:9/news/1")
    outlet = load_outlets(REPO_ROOT / "datasets" / "outlets.csv")[0]
    requests = [spider.article_request(outlet, f"{outlet.homepage.rstrip('/')}/news/{number}") for number in range(3)]
    requests.append(request_from_dict(requests[0].to_dict(spider=spider), spider=spider))  # a disk or Redis queue
    assert len({id(request.callback) for request in requests}) == 1
    sources_read = []
    monkeypatch.setattr(inspect, "getsource", lambda function: sources_read.append(function) or "")
    for request in requests:
        is_generator_with_return_value(request.callback)  # what Scrapy checks for each response
    assert len(sources_read) <= 1


def test_urls_of_a_host_the_registry_does_not_know_share_one_outlet():
    from crawler.spiders.urls import UrlsSpider

    spider = UrlsSpider(url="http://127.0.0.1:9/news/1")
    outlets_by_host = {}
    first = spider.outlet_for("http://127.0.0.1:9/news/1", outlets_by_host)
    assert first.key == "127.0.0.1:9" and first.source == "http://127.0.0.1:9/news/1"
    assert spider.outlet_for("http://127.0.0.1:9/news/2", outlets_by_host) is first
    assert spider.outlet_for("http://other.test/a/1", outlets_by_host) is not first
