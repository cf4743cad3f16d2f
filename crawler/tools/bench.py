"""`make bench`: print the project's performance figures.

Figures, not assertions: tests never time anything. Prints, from one run:
1. extraction quality and speed on datasets/gold/ (and ../shared/realpages/
   when it is there), ours against vanilla trafilatura (extractors.evaluate);
2. stages: median and p95 ms per article of each step from the page's bytes
   to the SQLite commit, and its share of the total;
3. end to end: articles per second through the real item pipelines in a real
   `scrapy crawl` of a loopback site, with the CPU steps in the reactor's
   thread (one core) and in worker processes (both cores), with peak memory;
4. crawls of the offline mirror: a first and a second (incremental) run of the
   static sites and the JavaScript site, with peak memory (crawler/tools/measure.py);
5. peers: trafilatura, news-please, newspaper4k and readability on the same
   pages, in an isolated venv (crawler/tools/bench_peers.py);
6. growth of the story index: ms per article, start-up and memory at 10k,
   100k and 1M stored articles (crawler/tools/story_generator.py).

A fixed workload timed at the start and at the end says how fast this
shared machine was meanwhile, so two runs' figures can be compared.

    python -m crawler.tools.bench [--quick] [--skip-peers] [--skip-growth]
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawler import DATASETS_DIR, REPO_ROOT
from crawler.tools.demo import run_scrapy_crawl
from crawler.tools.measure import run_measured
from crawler.tools.mirror import DEFAULT_MIRROR_DIR, MirrorServer

STATIC_SITES = "hanbit-news,jeonbuk-saenal,daegyeong-daily"
CRAWLS = (
    ("first crawl (static sites)", STATIC_SITES),
    ("second crawl (incremental)", STATIC_SITES),
    ("JavaScript site (Chromium)", "chungcheong-now"),
)
REALPAGES = REPO_ROOT.parent / "shared" / "realpages"
GOLD_DIR = DATASETS_DIR / "gold"
# Articles served for the end-to-end crawl: enough for the rate to settle
# after start-up, few enough for the bench to stay under 10 minutes.
END_TO_END_ARTICLES = 600
# This machine's speed varies from minute to minute (a shared VM), so each
# configuration runs this many times, alternating, and the best run counts.
END_TO_END_ROUNDS = 2


def section(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)), flush=True)


# -- 1. extraction quality ----------------------------------------------------------------


def bench_extraction() -> None:
    for gold_dir in (GOLD_DIR, REALPAGES):
        if not gold_dir.is_dir():
            print(f"(skipped {gold_dir}: not present)")
            continue
        section(f"Extraction: {gold_dir}")
        subprocess.run([sys.executable, "-m", "extractors.evaluate", str(gold_dir)], cwd=REPO_ROOT, check=False)


# -- the pages measured -----------------------------------------------------------------


def gold_pages(gold_dir: Path) -> list[tuple[bytes, str]]:
    pages = []
    for gold_file in sorted((gold_dir / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text("utf-8"))
        pages.append(((gold_dir / "html" / gold["file"]).read_bytes(), gold["url"]))
    return pages


def mirror_article_pages() -> list[tuple[bytes, str]]:
    """The mirror's static article pages, with the URLs they are served under."""
    expected = json.loads((DEFAULT_MIRROR_DIR / "expected.json").read_text("utf-8"))
    pages = []
    for site, wanted in expected["sites"].items():
        if site == "chungcheong-now":
            continue  # its pages are empty shells until a browser runs them
        for target in wanted["articles"]:
            path = DEFAULT_MIRROR_DIR / "sites" / site / target.lstrip("/").replace("?", "@")
            if path.is_file():
                pages.append((path.read_bytes(), f"http://{site}.mirror.test{target}"))
    return pages


def bench_pages() -> list[tuple[bytes, str]]:
    pages = mirror_article_pages() + gold_pages(GOLD_DIR)
    if REALPAGES.is_dir():
        pages += gold_pages(REALPAGES)
    return pages


# -- 2. stages ---------------------------------------------------------------------------


def time_stages(pages: list[tuple[bytes, str]], db_path: Path) -> dict[str, list[float]]:
    """Seconds per article of each step, through the same code a crawl runs."""
    from crawler.items import ArticleItem
    from crawler.outlets import Outlet
    from crawler.processing import ArticleProcessor, Duplicate, apply_analysis, needs_analysis
    from crawler.storage import NewsDatabase
    from extractors import ExtractionError, extract_article, facts_text
    from extractors.analysis import analyse_article, kiwi_tokenize
    from extractors.facts import extract_facts
    from extractors.stories import StoryFeatures, story_features
    from extractors.tokenize import terms_from_tokens

    kiwi_tokenize("모델을 읽어 둔다")  # the one-off load is start-up, not per article
    database = NewsDatabase(db_path)
    database.upsert_sites([Outlet(key="bench", name="bench", region="", homepage="http://bench.test/", cms="")])
    processor = ArticleProcessor(database)
    stages: dict[str, list[float]] = {}

    def add(stage: str, seconds: float) -> None:
        stages.setdefault(stage, []).append(seconds)

    for number, (html, url) in enumerate(pages):
        timings: dict[str, float] = {}
        try:
            record = extract_article(html, url, timings=timings, facts=False)
        except ExtractionError:
            continue
        for stage, seconds in timings.items():
            add(stage, seconds)
        fields = {**record.to_dict(), "images": record.images, "url": f"{url}#bench{number}"}
        item = ArticleItem(**fields, site="bench", fetched_url=url)
        started = time.perf_counter()
        try:
            processor.deduplicate(item)
        except Duplicate:
            continue  # gold pages that repeat a mirror page's text
        add("dedup lookup", time.perf_counter() - started)
        if not needs_analysis(item):
            continue
        text = facts_text(item.subtitle, item.body)
        started = time.perf_counter()
        analysis = analyse_article(item.title, text)
        add("Kiwi", time.perf_counter() - started)
        started = time.perf_counter()
        index_title = terms_from_tokens(analysis.title_tokens).as_index_text()
        index_body = terms_from_tokens(analysis.body_tokens).as_index_text()
        add("index terms", time.perf_counter() - started)
        started = time.perf_counter()
        features = story_features(item.title, text, item.published_at, analysis)
        add("story features", time.perf_counter() - started)
        started = time.perf_counter()
        facts = extract_facts(item.title, text, item.published_at, analysis, tuple(item.authors))
        add("facts", time.perf_counter() - started)
        started = time.perf_counter()
        database.stories.candidates(StoryFeatures.from_bytes(features.to_bytes()))
        add("story lookup", time.perf_counter() - started)
        apply_analysis(item, _analysis(index_title, index_body, features.to_bytes(), facts))
        started = time.perf_counter()
        processor.store(item)
        add("SQLite write", time.perf_counter() - started)
    database.close()
    return stages


def _analysis(index_title, index_body, features, facts):
    from crawler.processing import TextAnalysis

    return TextAnalysis(index_title, index_body, features, facts)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def stage_table(stages: dict[str, list[float]]) -> str:
    total = sum(statistics.fmean(values) for values in stages.values())
    lines = [f"{'stage':<20} {'articles':>8} {'median ms':>10} {'p95 ms':>8} {'share':>7}"]
    for stage, values in stages.items():
        lines.append(f"{stage:<20} {len(values):>8} {statistics.median(values) * 1000:>10.2f} "
                     f"{percentile(values, 0.95) * 1000:>8.2f} {statistics.fmean(values) / total:>7.1%}")
    lines.append(f"{'total (mean)':<20} {'':>8} {total * 1000:>10.2f} ms per article "
                 f"= {1 / total:.1f} articles/s on one core")
    return "\n".join(lines)


def bench_stages(workdir: Path) -> None:
    section("Stages: ms per article, from the page's bytes to the commit")
    pages = bench_pages()
    print(f"{len(pages)} pages: the mirror's articles, datasets/gold" + (", ../shared/realpages" if REALPAGES.is_dir() else ""))
    print(stage_table(time_stages(pages, workdir / "stages.db")))


# -- 3. end to end --------------------------------------------------------------------------


class SyntheticSite:
    """A loopback site of END_TO_END_ARTICLES distinct articles, made from the mirror's pages.

    Each copy gets its own number in the title and in its body's first
    paragraph, so each is a new article with a new content hash (copies of
    one text would be dropped as duplicates, not stored, and not counted).
    """

    def __init__(self, pages: list[tuple[bytes, str]], count: int):
        self.pages = [(html.decode("utf-8", "replace"), anchor) for html, anchor in body_anchors(pages)]
        self.count = count
        site = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as news sites' servers have: with HTTP/1.0 every page
            # costs the crawl a new connection, which is this server's cost, not a site's.
            protocol_version = "HTTP/1.1"

            def log_message(self, *arguments):  # the bench prints figures, not access logs
                pass

            def do_GET(self):
                match = re.fullmatch(r"/news/(\d+)", self.path)
                if not match or int(match.group(1)) >= site.count:
                    self.send_error(404)
                    return
                body = site.page(int(match.group(1)))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, number: int) -> bytes:
        text, anchor = self.pages[number % len(self.pages)]
        text = re.sub(r"<title>", f"<title>[{number}] ", text, count=1)
        text = text.replace(anchor, f"{anchor} 벤치마크 기사 {number}번")
        return text.encode("utf-8")

    def urls(self) -> list[str]:
        port = self.server.server_address[1]
        return [f"http://127.0.0.1:{port}/news/{number}" for number in range(self.count)]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def body_anchors(pages: list[tuple[bytes, str]]) -> list[tuple[bytes, str]]:
    """Pages with the first words of their body as written in the HTML (where a copy's number goes,
    in the body and in any summary that repeats it)."""
    from extractors import ExtractionError, extract_article

    anchored = []
    for html, url in pages:
        try:
            body = extract_article(html, url, facts=False).body
        except ExtractionError:
            continue
        text = html.decode("utf-8", "replace")
        anchor = next((line[:12] for line in body.splitlines() if len(line) >= 12 and line[:12] in text), None)
        if anchor:
            anchored.append((html, anchor))
    return anchored


@dataclass
class CrawlFigures:
    articles: int
    duration: float
    steady_rate: float
    peak_mb: float
    failures: int

    @property
    def overall_rate(self) -> float:
        return self.articles / max(self.duration, 0.001)


def crawl_urls(urls_file: Path, db_path: Path, processes: int, log_file: Path) -> CrawlFigures:
    settings = ["-s", f"NEWS_DB={db_path}", "-s", f"NEWS_CPU_PROCESSES={processes}", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "-s", "ROBOTSTXT_OBEY=False",
                "-s", "LOG_LEVEL=INFO"]
    command = [sys.executable, "-m", "scrapy", "crawl", "urls", "-a", f"file={urls_file}", *settings,
               "--logfile", str(log_file)]
    measured = run_measured(command, cwd=REPO_ROOT)
    connection = sqlite3.connect(db_path)
    run = connection.execute("select articles_new, duration_seconds, failures from crawl_runs "
                             "order by id desc limit 1").fetchone()
    stamps = [row[0] for row in connection.execute("select first_seen_at from articles order by first_seen_at")]
    connection.close()
    # first_seen_at has whole seconds; over hundreds of articles that is precise enough.
    from extractors.dates import parse_timestamp

    span = (parse_timestamp(stamps[-1]) - parse_timestamp(stamps[0])).total_seconds() if len(stamps) > 1 else 0
    return CrawlFigures(run[0] or 0, run[1] or 0.0, (len(stamps) - 1) / span if span else 0.0, measured.peak_tree_mb,
                        run[2] or 0)


def bench_end_to_end(workdir: Path, count: int, rounds: int = END_TO_END_ROUNDS) -> None:
    from crawler.cpu import default_processes

    section(f"End to end: a real `scrapy crawl urls` of {count} new articles on loopback, best of {rounds} rounds")
    both = default_processes()
    labels = {0: "one core (in the reactor)", both: f"{both} worker processes"}
    with SyntheticSite(mirror_article_pages(), count) as site:
        urls_file = workdir / "urls.txt"
        urls_file.write_text("\n".join(site.urls()), "utf-8")
        results: dict[int, CrawlFigures] = {}
        for round_number in range(1, rounds + 1):
            for processes, label in labels.items():
                db_path = workdir / f"e2e-{processes}-{round_number}.db"
                figures = crawl_urls(urls_file, db_path, processes, db_path.with_suffix(".log"))
                print(f"round {round_number}: {label:<26} {figures.articles} articles in {figures.duration:5.1f} s "
                      f"= {figures.overall_rate:5.1f} articles/s overall, {figures.steady_rate:5.1f}/s after "
                      f"start-up | {figures.failures} failures | peak memory {figures.peak_mb:,.0f} MB (all processes)")
                if processes not in results or figures.overall_rate > results[processes].overall_rate:
                    results[processes] = figures
    for processes, label in labels.items():
        figures = results[processes]
        print(f"best: {label:<30} {figures.overall_rate:5.1f} articles/s overall, "
              f"{figures.steady_rate:5.1f}/s after start-up")
    if results[0].steady_rate and both:
        print(f"gain with {both} workers: {results[both].steady_rate / results[0].steady_rate:.2f}× (after start-up), "
              f"{results[both].overall_rate / results[0].overall_rate:.2f}× overall")


# -- 4. incremental crawl of the mirror ------------------------------------------------------


def bench_crawl(workdir: Path) -> None:
    section("Crawls of the offline mirror: incremental runs and peak memory")
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
                  f"{run[1]} new, {run[2]} updated, {run[3]} failures")
            print(f"{'':<28} peak memory: {result.peak_process_mb:.0f} MB largest process, "
                  f"{result.peak_tree_mb:.0f} MB with all its processes")


# -- 5. Kiwi and facts speed ----------------------------------------------------------------------


def bench_kiwi_and_facts() -> None:
    from extractors.evaluate_facts import speed

    section("Kiwi and facts")
    figures = speed()
    print(", ".join(f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}"
                    for name, value in figures.items()))


# -- 6. peers and growth ---------------------------------------------------------------------


def bench_peers(rounds: int) -> None:
    section("Peers on the same pages (isolated venv .bench-venv)")
    from crawler.tools.bench_peers import peer_table

    print(peer_table([GOLD_DIR] + ([REALPAGES] if REALPAGES.is_dir() else []), rounds=rounds))


def bench_growth(sizes: list[int], workdir: Path) -> None:
    section("Story index growth (synthetic archives)")
    subprocess.run([sys.executable, "-m", "crawler.tools.story_generator", "growth", "--sizes",
                    *map(str, sizes), "--directory", str(workdir)], cwd=REPO_ROOT, check=False)


def machine_reference_ms(rounds: int = 5) -> float:
    """A fixed workload that none of the project's code is in: pure-Python
    arithmetic and dict work, best of `rounds`. This machine's speed changes
    from hour to hour (a shared VM); figures from two runs compare only
    after scaling by it."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        table: dict[int, int] = {}
        for number in range(300_000):
            table[number % 4099] = table.get(number % 4099, 0) + number * number % 7
        best = min(best, time.perf_counter() - started)
    return 1000 * best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer articles and archives up to 100k")
    parser.add_argument("--skip-extraction", action="store_true")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-growth", action="store_true")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(f"machine reference at start: {machine_reference_ms():.1f} ms (a fixed pure-Python workload; "
          "lower is a faster machine)", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        if not args.skip_extraction:
            bench_extraction()
        bench_stages(workdir)
        bench_kiwi_and_facts()
        bench_end_to_end(workdir, END_TO_END_ARTICLES // (3 if args.quick else 1))
        bench_crawl(workdir)
        if not args.skip_peers:
            bench_peers(rounds=1 if args.quick else 3)
        if not args.skip_growth:
            bench_growth([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000], workdir)
    print(f"\nmachine reference at end: {machine_reference_ms():.1f} ms")
    print(f"make bench took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
