"""`make demo`: crawl the bundled offline mirror into news.db and summarise it.

Serves `datasets/mirror/` on 127.0.0.1 (free ports), runs the real
`scrapy crawl news` against it in a subprocess, then prints what was stored.

    python -m crawler.tools.demo [--db news.db] [--fresh]
"""
from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler import REPO_ROOT

from crawler.tools.mirror import DEFAULT_MIRROR_DIR, MirrorServer



def scrapy_crawl_command(registry: Path, db_path: Path, extra_settings: dict | None = None,
                         spider_args: dict | None = None, log_file: Path | None = None) -> list[str]:
    """The `scrapy crawl news` command line for a crawl of the mirror, with the project's settings."""
    settings = {
        "OUTLETS_FILE": str(registry),
        "NEWS_DB": str(db_path),
        # The mirror is local: no need to wait between requests, but keep the
        # per-site concurrency limits of the real crawl.
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "DOWNLOAD_TIMEOUT": "5",
        "RETRY_TIMES": "0",
        "LOG_LEVEL": "INFO",
        **(extra_settings or {}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "news"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    for name, value in (spider_args or {}).items():
        command += ["-a", f"{name}={value}"]
    if log_file:
        command += ["--logfile", str(log_file)]
    return command


def run_scrapy_crawl(registry: Path, db_path: Path, extra_settings: dict | None = None,
                     spider_args: dict | None = None, log_file: Path | None = None,
                     timeout: float = 900) -> subprocess.CompletedProcess:
    """`scrapy crawl news` in a subprocess, with the project's settings."""
    command = scrapy_crawl_command(registry, db_path, extra_settings, spider_args, log_file)
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=log_file is None, text=True, timeout=timeout)


def summarise(db_path: Path) -> str:
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    lines = []
    run = connection.execute("select * from crawl_runs order by id desc limit 1").fetchone()
    lines.append("Articles per site:")
    for row in connection.execute(
        "select sites.key, sites.name, sites.region, count(articles.url) as articles, "
        "sum(articles.published_at is not null) as dated "
        "from sites left join articles on articles.site = sites.key group by sites.key order by sites.key"
    ):
        lines.append(f"  {row['key']:<18} {row['name']:<10} {row['region']:<3} {row['articles']:>4} articles "
                     f"({row['dated'] or 0} with a date)")
    total = connection.execute("select count(*) from articles").fetchone()[0]
    stories = connection.execute("select count(*) from stories where sites > 1").fetchone()[0]
    lines.append(f"  {'total':<18} {total} articles; {stories} stories carried by several outlets")
    if run is not None:
        lines.append(f"Last run #{run['id']} ({run['status']}): {run['pages_fetched']} pages fetched, "
                     f"{run['articles_new']} new, {run['articles_updated']} updated, "
                     f"{run['articles_unchanged']} unchanged, {run['failures']} failures, "
                     f"{run['duration_seconds']} s")
        failures = connection.execute(
            "select site, stage, reason, url from failures where run_id = ? order by site, url", [run["id"]]
        ).fetchall()
        if failures:
            lines.append("Failures recorded (bad input the crawl survived):")
            for row in failures:
                lines.append(f"  {row['site']:<18} {row['stage']:<8} {row['reason'][:70]}  {row['url']}")
    connection.close()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=REPO_ROOT / "news.db")
    parser.add_argument("--mirror-dir", type=Path, default=DEFAULT_MIRROR_DIR)
    parser.add_argument("--fresh", action="store_true", help="delete the database first")
    parser.add_argument("--base-port", type=int, default=18301,
                        help="first port of the mirror sites (stable URLs in the database); 0 for free ports")
    args = parser.parse_args(argv)

    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as workdir, MirrorServer(args.mirror_dir, base_port=args.base_port) as mirror:
        registry = mirror.write_registry(Path(workdir) / "outlets.csv")
        print("Serving the offline mirror:")
        for site in mirror.sites.values():
            print(f"  {site.key:<18} {site.base_url}/")
        log_file = Path(workdir) / "crawl.log"
        print("Crawling with `scrapy crawl news` ...", flush=True)
        result = run_scrapy_crawl(registry, args.db.resolve(), log_file=log_file)
        if result.returncode != 0:
            print(log_file.read_text("utf-8")[-5000:], file=sys.stderr)
            print(f"scrapy crawl failed with exit code {result.returncode}", file=sys.stderr)
            return result.returncode
    print(summarise(args.db))
    print(f"Done in {time.monotonic() - started:.1f} s. Explore it with:  make serve   "
          f"(datasette {args.db.name} --metadata datasets/datasette/metadata.yml)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
