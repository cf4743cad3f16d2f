"""`make bench`: print the project's performance figures.

Figures, not assertions: tests never time anything. Prints
1. extraction quality and speed on datasets/gold/ (and ../shared/realpages/
   when it is there), ours against vanilla trafilatura, via extractors.evaluate;
2. crawl throughput and peak memory over the offline mirror: a first and a
   second (incremental) `scrapy crawl news` of the static sites, and a crawl
   of the JavaScript site through Chromium; wall time, pages per second, the
   largest process's peak and the whole process tree's (crawler/tools/measure.py);
3. Korean index-term (Kiwi) and MinHash fingerprint speed on the stored bodies.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler import REPO_ROOT
from crawler.tools.demo import run_scrapy_crawl
from crawler.tools.mirror import DEFAULT_MIRROR_DIR, MirrorServer

STATIC_SITES = "hanbit-news,jeonbuk-saenal,daegyeong-daily"
CRAWLS = (
    ("first crawl (static sites)", STATIC_SITES),
    ("second crawl (incremental)", STATIC_SITES),
    ("JavaScript site (Chromium)", "chungcheong-now"),
)
REALPAGES = REPO_ROOT.parent / "shared" / "realpages"


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)), flush=True)


def bench_extraction() -> None:
    for gold_dir in (REPO_ROOT / "datasets" / "gold", REALPAGES):
        if not gold_dir.is_dir():
            print(f"(skipped {gold_dir}: not present)")
            continue
        section(f"Extraction: {gold_dir}")
        subprocess.run([sys.executable, "-m", "extractors.evaluate", str(gold_dir)], cwd=REPO_ROOT, check=False)


def bench_crawl(workdir: Path) -> Path:
    section("Crawl throughput and peak memory over the offline mirror")
    db_path = workdir / "bench.db"
    with MirrorServer(DEFAULT_MIRROR_DIR) as mirror:
        registry = mirror.write_registry(workdir / "outlets.csv")
        for label, outlets in CRAWLS:
            started = time.monotonic()
            result = run_scrapy_crawl(registry, db_path, spider_args={"outlet": outlets},
                                      log_file=workdir / "crawl.log")
            elapsed = time.monotonic() - started
            if result.returncode != 0:
                print(f"{label}: scrapy exited {result.returncode}")
                continue
            connection = sqlite3.connect(db_path)
            run = connection.execute("select pages_fetched, articles_new, articles_updated, failures, per_outlet, "
                                     "duration_seconds from crawl_runs order by id desc limit 1").fetchone()
            connection.close()
            per_outlet = json.loads(run[4])
            article_pages = sum(site.get("article_pages_fetched", 0) for site in per_outlet.values())
            not_modified = sum(site.get("not_modified", 0) for site in per_outlet.values())
            print(f"{label:<28} wall {elapsed:5.1f} s (crawl {run[5]:.1f} s) | {run[0]} responses, "
                  f"{article_pages} article pages downloaded, {not_modified} answered 304 | "
                  f"{run[1]} new, {run[2]} updated, {run[3]} failures | "
                  f"{run[0] / max(run[5], 0.001):.1f} responses/s")
            print(f"{'':<28} peak memory: {result.peak_process_mb:.0f} MB largest process, "
                  f"{result.peak_tree_mb:.0f} MB with all its processes")
    return db_path


def bench_text(db_path: Path) -> None:
    from extractors import dedup, tokenize

    section("Korean index terms and near-duplicate fingerprints")
    connection = sqlite3.connect(db_path)
    bodies = [row[0] for row in connection.execute("select body from articles")]
    connection.close()
    if not bodies:
        print("no articles to measure")
        return
    characters = sum(len(body) for body in bodies)
    # Loading the model and the first analysis are one-off costs per process, not per text.
    tokenize.index_texts(bodies[:2])
    started = time.perf_counter()
    tokenize.index_texts(bodies)
    elapsed = time.perf_counter() - started
    print(f"index_texts: {len(bodies)} bodies, {characters} characters in {elapsed * 1000:.0f} ms "
          f"= {characters / elapsed:,.0f} characters/s")
    started = time.perf_counter()
    for body in bodies:
        dedup.fingerprint(body)
    elapsed = time.perf_counter() - started
    print(f"fingerprint: {elapsed / len(bodies) * 1000:.2f} ms per article")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-extraction", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_extraction:
        bench_extraction()
    with tempfile.TemporaryDirectory() as workdir:
        db_path = bench_crawl(Path(workdir))
        bench_text(db_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
