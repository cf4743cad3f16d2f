"""One writer per database, for as long as anything writes.

- `scrapy crawl news` started by hand on a database another crawl holds
  stops at once with a clear message (exit 75).
- SIGTERM to news-cron-crawl reaches its scrapy child, which stops and marks
  its run interrupted; the wrapper waits for it, and no child survives.
- A wrapper killed outright leaves its child holding the lock: a second
  cron run does not start while the first still writes.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crawler.storage.lock import EXIT_LOCKED, DatabaseLock, lock_path_for
from crawler.tools.demo import scrapy_crawl_command
from tests.conftest import REPO_ROOT

# One request a second: the crawl of this outlet's 30-odd pages is still
# writing when the test signals it, and nothing is in flight for long
# (Scrapy's graceful stop lets running downloads finish).
OUTLET = "jeonbuk-saenal"
SLOW_CRAWL = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=1", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False",
              "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=20"]
WAIT_LIMIT_SECONDS = 120


def start_cron(tmp_path: Path, registry: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.tools.cron", "--db", str(tmp_path / "news.db"), "--outlets", str(registry),
         "--outlet", OUTLET, "--log-file", str(tmp_path / "logs" / "crawl.log"), "--", *SLOW_CRAWL],
        cwd=REPO_ROOT, **popen)


def lock_holder(db_path: Path) -> int | None:
    text = lock_path_for(db_path).read_text() if lock_path_for(db_path).exists() else ""
    return int(text) if text.strip().isdigit() else None


def run_statuses(db_path: Path) -> list[str]:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
            return [row[0] for row in connection.execute("select status from crawl_runs order by id")]
    except sqlite3.OperationalError:
        return []


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until_the_child_writes(wrapper: subprocess.Popen, db_path: Path) -> int:
    """The scrapy child's pid, once it holds the lock and its run is open."""
    wait_for(lambda: lock_holder(db_path) not in (None, wrapper.pid) and run_statuses(db_path) == ["running"],
             "the scrapy child to start its run")
    return lock_holder(db_path)


def second_cron_run(tmp_path: Path, registry: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler.tools.cron", "--db", str(tmp_path / "news.db"), "--outlets", str(registry),
         "--outlet", OUTLET, "--log-file", str(tmp_path / "logs" / "second.log")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_scrapy_by_hand_on_a_locked_database_stops_with_a_clear_message(mirror, tmp_path):
    registry = mirror.write_registry(tmp_path / "outlets.csv")
    db_path = tmp_path / "news.db"
    log_file = tmp_path / "crawl.log"
    with DatabaseLock(db_path):
        result = subprocess.run(scrapy_crawl_command(registry, db_path, spider_args={"outlet": OUTLET},
                                                     log_file=log_file), cwd=REPO_ROOT, timeout=120)
    assert result.returncode == EXIT_LOCKED
    log = log_file.read_text("utf-8")
    assert f"{db_path} is being written by another crawl (pid {os.getpid()}" in log
    assert "Traceback" not in log
    assert run_statuses(db_path) == []


def test_sigterm_to_the_wrapper_stops_its_child_and_no_second_run_starts_meanwhile(mirror, tmp_path):
    registry = mirror.write_registry(tmp_path / "outlets.csv")
    db_path = tmp_path / "news.db"
    wrapper = start_cron(tmp_path, registry)
    child = wait_until_the_child_writes(wrapper, db_path)

    second = second_cron_run(tmp_path, registry)
    assert second.returncode == EXIT_LOCKED, second.stderr
    assert "another crawl" in second.stderr

    wrapper.send_signal(signal.SIGTERM)
    assert wrapper.wait(timeout=WAIT_LIMIT_SECONDS) == 128 + signal.SIGTERM
    assert not is_alive(child)
    assert run_statuses(db_path) == ["interrupted"]
    with DatabaseLock(db_path):
        pass  # free again
    log = (tmp_path / "logs" / "crawl.log").read_text("utf-8")
    assert "received SIGTERM: passing it on to scrapy" in log


def test_a_killed_wrapper_leaves_the_lock_with_its_still_writing_child(mirror, tmp_path):
    registry = mirror.write_registry(tmp_path / "outlets.csv")
    db_path = tmp_path / "news.db"
    wrapper = start_cron(tmp_path, registry, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    child = wait_until_the_child_writes(wrapper, db_path)

    wrapper.kill()
    wrapper.wait()
    assert is_alive(child)
    second = second_cron_run(tmp_path, registry)
    assert second.returncode == EXIT_LOCKED, second.stderr
    assert run_statuses(db_path) == ["running"]

    os.kill(child, signal.SIGTERM)  # the orphan still stops cleanly, without its wrapper
    wait_for(lambda: not is_alive(child), "the orphaned child to stop")
    assert run_statuses(db_path) == ["interrupted"]
    with DatabaseLock(db_path):
        pass
