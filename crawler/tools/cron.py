"""The cron entry point: one locked, logged, crash-safe `scrapy crawl news` run.

    news-cron-crawl                          # all outlets of datasets/outlets.csv
    news-cron-crawl --region 경북 --db /var/lib/news/news.db
    news-cron-crawl --jobdir var/jobs/backfill -- -a since=2024-01-01

- An exclusive flock on the lock file: a run that finds the previous one still
  going logs that and exits 75 (EX_TEMPFAIL) without crawling.
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
import fcntl
import logging
import logging.handlers
import sqlite3
import subprocess
import sys
from pathlib import Path

from crawler import REPO_ROOT

EXIT_LOCKED = 75

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


def build_command(args, extra: list[str]) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "news",
               "-s", f"NEWS_DB={args.db}", "-s", f"OUTLETS_FILE={args.outlets}"]
    if args.region:
        command += ["-a", f"region={args.region}"]
    if args.outlet:
        command += ["-a", f"outlet={args.outlet}"]
    if args.jobdir:
        command += ["-s", f"JOBDIR={args.jobdir}"]
    return command + extra


def crawl(args, extra: list[str]) -> int:
    before = last_run_id(args.db)
    command = build_command(args, extra)
    logger.info("starting: %s", " ".join(command))
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace")
    for line in process.stdout:
        logger.info("%s", line.rstrip())
    code = process.wait()
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
    parser.add_argument("--lock-file", type=Path, default=REPO_ROOT / "logs" / "crawl.lock")
    parser.add_argument("scrapy_args", nargs="*", help="after --: more scrapy arguments, e.g. -a since=2024-01-01")
    args = parser.parse_args(argv)
    configure_logging(args.log_file)

    args.lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(args.lock_file, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = f"skipped: another crawl holds {args.lock_file}"
            logger.warning(message)
            print(message, file=sys.stderr)
            return EXIT_LOCKED
        code = crawl(args, args.scrapy_args)
    print(f"crawl finished with exit code {code}; log: {args.log_file}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
