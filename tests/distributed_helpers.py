"""A real Redis on loopback, and real workers, enqueue and writer processes, for tests/test_distributed*.py."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from redis import Redis

from crawler.distributed.keys import RedisKeys
from crawler.tools.demo import scrapy_crawl_command
from tests.conftest import REPO_ROOT, STATIC_SITES

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
KEYS = RedisKeys()
# Columns that say when, not what: they differ between any two crawls.
TIMESTAMP_COLUMNS = {"first_seen_at", "last_fetched_at", "fetched_at", "recorded_at", "modified_at_fetch"}
POLL_SECONDS = 0.1


def require_redis_server() -> None:
    """Redis tests never silently skip in CI: .ci/run installs redis-server."""
    if Path(REDIS_SERVER).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{REDIS_SERVER} is missing in CI; .ci/run must install the redis-server package")
    pytest.skip("redis-server not installed (apt-get install redis-server)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str):
    """Polls `condition` until it returns something true; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """redis-server on 127.0.0.1 with its data in a temporary directory (append-only file: a restart keeps it)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, 10, "redis-server to answer")
        return self

    def answers(self) -> bool:
        try:
            return Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except OSError:
            return False
        except Exception:  # redis.ConnectionError while it loads
            return False

    def stop(self) -> None:
        """SIGTERM by PID: Redis writes its data and exits."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)

    def client(self) -> Redis:
        return Redis(port=self.port)


class DistributedCrawl:
    """Workers (`scrapy crawl news -s REDIS_URL=...`), `crawler.enqueue` and `crawler.writer` over one Redis."""

    def __init__(self, mirror, redis_server: RedisServer, workdir: Path, worker_settings: dict | None = None):
        self.mirror = mirror
        self.redis = redis_server
        self.workdir = workdir
        self.db_path = workdir / "news.db"
        # Workers serve every outlet of their registry: the static sites only, so no browser starts.
        full = mirror.write_registry(workdir / "all-outlets.csv").read_text("utf-8").splitlines()
        self.registry = workdir / "outlets.csv"
        self.registry.write_text("\n".join([full[0]] + [line for line in full[1:] if line.split(",")[0]
                                                         in STATIC_SITES]) + "\n", "utf-8")
        self.worker_settings = {"MAX_IDLE_TIME_BEFORE_CLOSE": "2", "NEWS_WORKER_HEARTBEAT_TTL": "3",
                                **(worker_settings or {})}
        self.logs: list[Path] = []

    def enqueue(self) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "crawler.enqueue", "--redis-url", self.redis.url,
             "--outlet", ",".join(STATIC_SITES), "-s", f"OUTLETS_FILE={self.registry}"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start_worker(self) -> subprocess.Popen:
        log = self.workdir / f"worker-{len(self.logs) + 1}.log"
        self.logs.append(log)
        command = scrapy_crawl_command(self.registry, self.workdir / "unused.db",
                                       {"REDIS_URL": self.redis.url, **self.worker_settings}, log_file=log)
        return subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start_writer(self, *options: str) -> subprocess.Popen:
        log = open(self.workdir / "writer.log", "a", encoding="utf-8")
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.writer", "--redis-url", self.redis.url, "--db", str(self.db_path),
             "--lock-seconds", "2", *options], cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)

    def finish(self, *processes: subprocess.Popen, timeout: float = 240) -> None:
        for process in processes:
            process.wait(timeout=timeout)
            assert process.returncode == 0, f"exit {process.returncode}: {self.log_text()[-4000:]}"

    def log_text(self) -> str:
        return "\n".join(log.read_text("utf-8") for log in self.logs if log.exists())

    def worker_stat(self, name: str) -> list[int]:
        """One Scrapy stat from every worker's closing stats dump."""
        return [int(value) for value in re.findall(rf"'{re.escape(name)}': (\d+)", self.log_text())]

    def query(self, sql: str, params=()) -> list[tuple]:
        connection = sqlite3.connect(self.db_path)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def heartbeat_of(self, process: subprocess.Popen) -> str:
        """The Redis name of a worker process (host-pid-nonce)."""
        keys = self.redis.client().keys(KEYS.heartbeat(f"*-{process.pid}-*"))
        return keys[0].decode().rsplit(":", 1)[1] if keys else ""


def timed_out_urls(db_path: Path) -> set[str]:
    connection = sqlite3.connect(db_path)
    try:
        return {url for (url,) in connection.execute("select url from failures where reason like '%timeout%'")}
    finally:
        connection.close()


def database_contents(db_path: Path, leave_out_urls: set[str] = frozenset()) -> dict[str, Counter]:
    """What a crawl stored, without timestamps or run ids; stories as groups of URLs (their id is the first one seen)."""
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    try:
        def rows(sql: str, leave_out=frozenset()) -> Counter:
            found = Counter()
            for row in connection.execute(sql):
                named = dict(zip(row.keys(), row))
                if named.get("url", named.get("article_url")) in leave_out_urls:
                    continue
                found[tuple((key, row[key]) for key in row.keys() if key not in TIMESTAMP_COLUMNS | leave_out)] += 1
            return found

        stories = Counter(frozenset(url for (url,) in connection.execute(
            "select url from articles where story_id = ?", [story_id]) if url not in leave_out_urls)
            for (story_id,) in connection.execute("select distinct story_id from articles"))
        return {
            "articles": rows("select * from articles", frozenset({"story_id"})),
            "stories": stories - Counter({frozenset(): stories[frozenset()]}),
            "article_versions": rows("select article_url, version, title, body, content_hash from article_versions"),
            # Not the reason: the mirror's 30 MB page fails as "too large" or as "timeout" depending on load.
            "failures": rows("select url, site, stage, http_status from failures"),
            "pages_seen": rows("select * from pages_seen"),
            "sites": rows("select key, name, region, homepage, cms, needs_js from sites"),
        }
    finally:
        connection.close()


def assert_same_database(distributed: Path, single_machine: Path, leave_out: tuple[str, ...] = ()) -> None:
    """Equal apart from timestamps, and from pages that timed out in either crawl: on a loaded
    machine a 5 s download timeout also catches ordinary pages, which is the machine, not the crawl."""
    slow = timed_out_urls(distributed) | timed_out_urls(single_machine)
    got, expected = database_contents(distributed, slow), database_contents(single_machine, slow)
    for table in set(expected) - set(leave_out):
        missing, extra = expected[table] - got[table], got[table] - expected[table]
        assert not missing and not extra, f"{table}: missing {list(missing)[:3]}, extra {list(extra)[:3]}"
    assert got["articles"], "nothing stored"
