"""Shared fixtures: the offline mirror served on loopback, and real crawls of it."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from crawler.tools.demo import run_scrapy_crawl  # noqa: E402
from crawler.tools.mirror import DEFAULT_MIRROR_DIR, MirrorServer  # noqa: E402

CHROMIUM = Path(os.environ.get("NEWS_CHROMIUM_PATH", "/usr/bin/chromium"))
STATIC_SITES = ("hanbit-news", "jeonbuk-saenal", "daegyeong-daily")


def require_chromium():
    """Browser tests never silently skip in CI: .ci/run installs chromium."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run must install the chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def expected():
    return json.loads((DEFAULT_MIRROR_DIR / "expected.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def mirror():
    with MirrorServer(DEFAULT_MIRROR_DIR) as server:
        yield server


class Crawl:
    """A real `scrapy crawl news` subprocess against a mirror, into one database."""

    def __init__(self, mirror: MirrorServer, workdir: Path):
        self.mirror = mirror
        self.workdir = workdir
        self.db_path = workdir / "news.db"
        self.registry = mirror.write_registry(workdir / "outlets.csv")
        self.runs = 0

    def __call__(self, outlets: tuple[str, ...] | None = None, settings: dict | None = None,
                 env: dict | None = None, **spider_args):
        self.runs += 1
        if outlets:
            spider_args["outlet"] = ",".join(outlets)
        log_file = self.workdir / f"crawl-{self.runs}.log"
        result = run_scrapy_crawl(self.registry, self.db_path, extra_settings=settings,
                                  spider_args=spider_args, log_file=log_file, timeout=600, env=env)
        log = log_file.read_text("utf-8") if log_file.exists() else ""
        assert result.returncode == 0, f"scrapy crawl failed ({result.returncode}):\n{log[-6000:]}"
        assert "Traceback" not in log, f"the crawl logged a traceback:\n{log[-6000:]}"
        return log

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        connection = sqlite3.connect(self.db_path)
        connection.row_factory = sqlite3.Row
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def last_run(self) -> sqlite3.Row:
        return self.query("select * from crawl_runs order by id desc limit 1")[0]

    def relative(self, url: str) -> str:
        for site in self.mirror.sites.values():
            if url.startswith(site.base_url):
                return url[len(site.base_url):]
        return url


@pytest.fixture(scope="session")
def static_crawl(mirror, tmp_path_factory):
    """One complete crawl of the three static mirror sites, shared by read-only tests."""
    crawl = Crawl(mirror, tmp_path_factory.mktemp("static-crawl"))
    crawl(outlets=STATIC_SITES)
    return crawl


@pytest.fixture
def mirror_copy(tmp_path):
    """A private copy of the mirror that a test may change."""
    copy = tmp_path / "mirror"
    shutil.copytree(DEFAULT_MIRROR_DIR, copy, ignore=shutil.ignore_patterns("stories", "templates"))
    return copy
