"""The cron entry point: one locked, logged, crash-safe `scrapy crawl news` run.

    news-cron-crawl                          # all outlets of datasets/outlets.csv
    news-cron-crawl --region 경북 --db /var/lib/news/news.db
    news-cron-crawl --jobdir var/jobs/backfill -- -a since=2024-01-01

- The database's exclusive lock (`<db>.lock`, crawler/storage/lock.py): a run
  that finds the previous one still writing logs that and exits 75
  (EX_TEMPFAIL) without crawling. The scrapy child inherits the held lock, so
  it stays held as long as the child writes, even if this wrapper is killed.
- SIGTERM, SIGINT and SIGHUP are passed on to the scrapy child (which stops
  gracefully and marks its run 'interrupted'), and the wrapper waits for it
  before exiting with 128 + the signal number. The child runs in its own
  session, so a signal to the wrapper's process group reaches it only once.
- Everything goes to a rotating log file (10 MB x 5).
- When an outlet's health is flagged (crawler/health.py: its URLs or template
  changed, robots.txt forbids us, it keeps failing or stopped publishing), the
  summary goes to stderr, so that cron mails it the day it happens.
- Exit status: 0 when the run finished, even if some outlets were down or
  flagged (their failures are in the `failures` table, their health in
  `outlet_runs`);
  1 when the run failed as a whole; Scrapy's own code if it crashed.
"""
from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from crawler import REPO_ROOT
from crawler.storage.lock import EXIT_LOCKED, LOCK_FD_ENVIRONMENT, DatabaseLock, DatabaseLocked

FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

logger = logging.getLogger("news-cron-crawl")


def configure_logging(log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=10 * 1024 * 1024, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def last_run_id(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    connection = sqlite3.connect(db_path)
    try:
        row = connection.execute("select max(id) from crawl_runs").fetchone()
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()
    return row[0] or 0


def run_status(db_path: Path, after_id: int) -> tuple[str, dict] | None:
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    try:
        row = connection.execute("select * from crawl_runs where id > ? order by id desc limit 1",
                                 [after_id]).fetchone()
    finally:
        connection.close()
    return (row["status"], dict(row)) if row else None


def build_command(args, extra: list[str], lock: DatabaseLock) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "news",
               "-s", f"NEWS_DB={args.db}", "-s", f"NEWS_DB_LOCK={lock.path}", "-s", f"OUTLETS_FILE={args.outlets}"]
    if args.region:
        command += ["-a", f"region={args.region}"]
    if args.outlet:
        command += ["-a", f"outlet={args.outlet}"]
    if args.jobdir:
        command += ["-s", f"JOBDIR={args.jobdir}"]
    return command + extra


class SignalForwarder:
    """Passes stop signals on to the scrapy child; installed before the child starts, so none is missed."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.received: list[int] = []
        for signum in FORWARDED_SIGNALS:
            signal.signal(signum, self.forward)

    def forward(self, signum, _frame=None) -> None:
        self.received.append(signum)
        if self.process is None:
            return  # passed on as soon as the child exists
        logger.warning("received %s: passing it on to scrapy (pid %s) and waiting for it to stop",
                       signal.Signals(signum).name, self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def watch(self, process: subprocess.Popen) -> None:
        self.process = process
        if self.received:
            self.forward(self.received.pop())


def crawl(args, extra: list[str], lock: DatabaseLock) -> int:
    before = last_run_id(args.db)
    command = build_command(args, extra, lock)
    logger.info("starting: %s", " ".join(command))
    fd = lock.inheritable_fd()
    forwarder = SignalForwarder()
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", pass_fds=(fd,), start_new_session=True,
                               env={**os.environ, LOCK_FD_ENVIRONMENT: str(fd)})
    forwarder.watch(process)
    for line in process.stdout:
        logger.info("%s", line.rstrip())
    code = process.wait()
    if forwarder.received:
        stopped_by = forwarder.received[0]
        logger.error("stopped by %s; scrapy exited with code %s", signal.Signals(stopped_by).name, code)
        return 128 + stopped_by
    if code != 0:
        logger.error("scrapy exited with code %s", code)
        return code
    outcome = run_status(args.db, before)
    if outcome is None:
        logger.error("the crawl recorded no run in %s", args.db)
        return 1
    status, row = outcome
    logger.info("run %s %s: %s new, %s updated, %s failures in %s s", row["id"], status, row["articles_new"],
                row["articles_updated"], row["failures"], row["duration_seconds"])
    report_flagged_outlets(args.db, row["id"])
    return 0 if status == "finished" else 1


def report_flagged_outlets(db_path: Path, run_id: int) -> None:
    """The same summary as `python -m crawler.outlets health`, on stderr, only when an outlet is flagged."""
    from crawler.health import OK, format_report
    from crawler.storage import NewsDatabase

    database = NewsDatabase(db_path)
    try:
        rows = database.outlet_health(run_id)
    finally:
        database.close()
    if any(row["health"] != OK for row in rows):
        report = format_report(rows, f"Outlet health after run {run_id} ({db_path}):")
        logger.warning("%s", report)
        print(report, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="news-cron-crawl", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=REPO_ROOT / "news.db")
    parser.add_argument("--outlets", type=Path, default=REPO_ROOT / "datasets" / "outlets.csv")
    parser.add_argument("--region")
    parser.add_argument("--outlet")
    parser.add_argument("--jobdir", type=Path, help="resumable state for long backfills (Scrapy JOBDIR)")
    parser.add_argument("--log-file", type=Path, default=REPO_ROOT / "logs" / "crawl.log")
    parser.add_argument("--lock-file", type=Path, help="the database's lock (default: <db>.lock)")
    parser.add_argument("scrapy_args", nargs="*", help="after --: more scrapy arguments, e.g. -a since=2024-01-01")
    args = parser.parse_args(argv)
    configure_logging(args.log_file)

    lock = DatabaseLock(args.db, args.lock_file)
    try:
        lock.acquire()
    except DatabaseLocked as error:
        message = f"skipped: another crawl holds {lock.path}: {error}"
        logger.warning(message)
        print(message, file=sys.stderr)
        return EXIT_LOCKED
    try:
        code = crawl(args, args.scrapy_args, lock)
    finally:
        lock.release()
    print(f"crawl finished with exit code {code}; log: {args.log_file}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
