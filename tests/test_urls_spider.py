"""`scrapy crawl urls`: given article URLs, fetched and extracted; -O out.jsonl works."""
from __future__ import annotations

import json
import subprocess
import sys

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

    import sqlite3

    connection = sqlite3.connect(tmp_path / "news.db")
    assert connection.execute("select count(*) from articles").fetchone()[0] == 3
    failures = connection.execute("select url, reason from failures").fetchall()
    assert [(url.endswith("idxno=39999"), reason) for url, reason in failures] == [(True, "article: HTTP 404")]


def test_scrapy_list_shows_both_spiders():
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["news", "urls"]
