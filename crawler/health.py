"""Outlet health: what each crawl did per outlet, and the flags a cron user must see.

A regional outlet rarely announces a redesign. When its article URLs change
(kyeongin moved from articleView.html?idxno= to /article/<id>), its template
changes, robots.txt starts refusing us or its server keeps failing, the crawl
still "finishes" and the outlet silently stops yielding. So every run stores
one `outlet_runs` row per outlet (`OutletRun`: its counters) and judges it,
with the outlet's earlier rows, against the named rules in `RULES`.

    python -m crawler.outlets health [--db news.db]   # the flagged outlets

No Scrapy import: `CrawlState` fills the counters during the crawl and calls
`assess`; the storage layer keeps the rows; `news-cron-crawl`, the demo and
`outlets health` print `format_report`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Callable

OK = "ok"
SKIPPED = "skipped"


@dataclass
class OutletRun:
    """One outlet in one crawl run: a row of the `outlet_runs` table."""

    run_id: int
    site: str
    finished_at: str = ""
    pages_fetched: int = 0
    list_pages_fetched: int = 0
    feeds_fetched: int = 0
    sitemaps_fetched: int = 0
    links_found: int = 0
    links_matching: int = 0
    article_pages_fetched: int = 0
    articles_known_skipped: int = 0
    articles_extracted: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_without_date: int = 0
    extraction_failures: int = 0
    http_errors: int = 0
    robots_forbidden: int = 0
    link_examples: str = ""
    health: str = OK
    health_reasons: str = ""
    # For the reasons only: an example failure per kind, the reason a run was skipped.
    notes: dict[str, str] = field(default_factory=dict, metadata={"stored": False})

    def row(self) -> dict:
        return {name: value for name, value in asdict(self).items() if name in STORED_FIELDS}

    @classmethod
    def from_row(cls, row: dict) -> "OutletRun":
        return cls(**{name: row[name] for name in STORED_FIELDS if name in row})

    @property
    def discovery_pages_fetched(self) -> int:
        return self.list_pages_fetched + self.feeds_fetched + self.sitemaps_fetched

    @property
    def flagged(self) -> bool:
        return self.health != OK


STORED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(OutletRun) if f.metadata.get("stored", True))

# Each column and the crawl counters (CrawlState.count events) that add up to it.
COUNTERS_OF_COLUMN: dict[str, tuple[str, ...]] = {
    "pages_fetched": ("responses_ok",),
    "list_pages_fetched": ("fetched_list",),
    "feeds_fetched": ("fetched_feed",),
    "sitemaps_fetched": ("fetched_sitemap",),
    "links_found": ("links_found",),
    "links_matching": ("links_matching",),
    "article_pages_fetched": ("article_pages_fetched",),
    "articles_known_skipped": ("skipped_unchanged",),
    "articles_extracted": ("validated",),
    "articles_new": ("new",),
    "articles_updated": ("updated",),
    "articles_unchanged": ("unchanged",),
    "articles_without_date": ("without_date",),
    "extraction_failures": ("failed_extract", "failed_validate"),
    "http_errors": ("failed_download",),
    "robots_forbidden": ("robots_forbidden",),
}


def outlet_run_from_counters(run_id: int, site: str, counters: dict[str, int], finished_at: str) -> OutletRun:
    values = {column: sum(int(counters.get(event, 0)) for event in events)
              for column, events in COUNTERS_OF_COLUMN.items()}
    return OutletRun(run_id=run_id, site=site, finished_at=finished_at, **values)


@dataclass(frozen=True)
class HealthThresholds:
    """When a rule fires. Each can be set for a crawl with `-s NEWS_HEALTH_<NAME>=value`."""

    # HTTP errors must persist this many runs in a row.
    failing_runs: int = 3
    # ... and make up at least this share of the outlet's requests in each.
    http_error_share: float = 0.5
    # "Stopped publishing": this many runs in a row with nothing new,
    quiet_runs: int = 3
    # at least this many days after its last new article,
    quiet_days: float = 1.0
    # while before that it yielded new articles on daily_min_days of daily_window_days days.
    daily_window_days: int = 7
    daily_min_days: int = 5
    # Extraction and date rules judge only runs with at least this many article pages.
    min_articles_judged: int = 2

    @classmethod
    def from_settings(cls, get: Callable[[str], object]) -> "HealthThresholds":
        """`get(name)` returns a setting's value or None (Scrapy's settings.get)."""
        values = {}
        for threshold in fields(cls):
            value = get(f"NEWS_HEALTH_{threshold.name.upper()}")
            if value not in (None, ""):
                values[threshold.name] = type(threshold.default)(value)
        return cls(**values)


@dataclass
class OutletHistory:
    """What the earlier runs of one outlet tell: the rules that need more than one run read it."""

    # The outlet's earlier runs, most recent first.
    previous: list[OutletRun] = field(default_factory=list)
    # When a run last found new articles, and on how many days of the window before that.
    last_new_at: str | None = None
    days_with_new: int = 0


@dataclass(frozen=True)
class HealthRule:
    name: str
    meaning: str
    # The reason the rule fires for this run, or None.
    check: Callable[[OutletRun, OutletHistory, HealthThresholds], str | None]


def _examples(run: OutletRun, kind: str) -> str:
    example = run.notes.get(kind)
    return f" (e.g. {example})" if example else ""


def _skipped(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    return run.notes.get(SKIPPED)


def _robots_forbidden(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    if not run.robots_forbidden:
        return None
    return (f"robots.txt forbids {run.robots_forbidden} of the pages the crawl wanted{_examples(run, 'robots')}; "
            "the crawl obeys it, so these pages are not collected")


def _pattern_broken(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    if not run.links_found or run.links_matching:
        return None
    shown = f" Links it has now: {run.link_examples}" if run.link_examples else ""
    return (f"its list pages, feeds and sitemaps gave {run.links_found} links and none matches its article "
            f"pattern: its article URLs have probably changed.{shown}")


def _nothing_discovered(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    if not run.discovery_pages_fetched or run.links_found:
        return None
    return (f"its {run.discovery_pages_fetched} list pages, feeds and sitemaps answered but held no links: "
            "they have probably moved or now render with JavaScript")


def _extraction_failing(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    if run.extraction_failures < limits.min_articles_judged or run.articles_extracted:
        return None
    return (f"all {run.extraction_failures} article pages it served failed extraction"
            f"{_examples(run, 'extract')}: its article template has probably changed")


def _dates_lost(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    if run.articles_extracted < limits.min_articles_judged or run.articles_without_date < run.articles_extracted:
        return None
    return (f"none of its {run.articles_extracted} articles had a publication date: "
            "its article template has probably changed where it prints the date")


def _http_failing(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    runs = [run, *history.previous][: limits.failing_runs]
    if len(runs) < limits.failing_runs:
        return None
    for each in runs:
        requests = each.http_errors + each.pages_fetched
        if not each.http_errors or each.http_errors < limits.http_error_share * requests:
            return None
    return (f"HTTP errors in each of its last {len(runs)} runs: {run.http_errors} of "
            f"{run.http_errors + run.pages_fetched} requests failed this run{_examples(run, 'download')}")


def _stopped_publishing(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> str | None:
    runs = [run, *history.previous][: limits.quiet_runs]
    if len(runs) < limits.quiet_runs or any(each.articles_new for each in runs) or not history.last_new_at:
        return None
    quiet_for = _parse(run.finished_at) - _parse(history.last_new_at)
    if quiet_for < timedelta(days=limits.quiet_days) or history.days_with_new < limits.daily_min_days:
        return None
    return (f"nothing new in its last {len(runs)} runs, {quiet_for.days} day(s) since its last new article "
            f"({history.last_new_at[:10]}), although it had new articles on {history.days_with_new} of the "
            f"{limits.daily_window_days} days before")


RULES: tuple[HealthRule, ...] = (
    HealthRule(SKIPPED, "The crawl could not visit the outlet at all (a JavaScript outlet without a browser).",
               _skipped),
    HealthRule("robots_forbidden", "robots.txt forbids pages the crawl wanted.", _robots_forbidden),
    HealthRule("pattern_broken", "Links were found but none matches the outlet's article pattern (its URLs "
               "changed, the kyeongin case).", _pattern_broken),
    HealthRule("nothing_discovered", "List pages and feeds answered without a single link.", _nothing_discovered),
    HealthRule("extraction_failing", "Every article page failed extraction (its template changed).",
               _extraction_failing),
    HealthRule("dates_lost", "Every article lost its publication date (its template changed).", _dates_lost),
    HealthRule("http_failing", "Most requests failed with HTTP or network errors, run after run.", _http_failing),
    HealthRule("stopped_publishing", "Nothing new for several runs while it used to publish daily.",
               _stopped_publishing),
)


def assess(run: OutletRun, history: OutletHistory, limits: HealthThresholds) -> OutletRun:
    """Set `run.health` (ok, or the names of the rules that fire) and `run.health_reasons`."""
    fired = [(rule.name, reason) for rule in RULES if (reason := rule.check(run, history, limits))]
    run.health = ",".join(name for name, _ in fired) or OK
    run.health_reasons = "\n".join(f"{name}: {reason}" for name, reason in fired)
    return run


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def window_before(last_new_at: str, limits: HealthThresholds) -> str:
    """The start of the window in which daily publishing is counted."""
    return (_parse(last_new_at) - timedelta(days=limits.daily_window_days)).isoformat(timespec="seconds")


# -- printing ------------------------------------------------------------------

PROBE_HINT_FLAGS = ("pattern_broken", "nothing_discovered")


def format_report(rows: list[dict], heading: str = "") -> str:
    """The flagged outlets among `rows` (outlet_runs rows joined with sites.name and sites.homepage)."""
    flagged = [row for row in rows if row.get("health", OK) != OK]
    lines = [heading] if heading else []
    if not flagged:
        lines.append(f"All {len(rows)} outlet(s) healthy.")
        return "\n".join(lines)
    for row in flagged:
        lines.append(f"{row['site']} ({row.get('name') or row['site']}), run {row['run_id']} "
                     f"at {row['finished_at']}: {row['health']}")
        lines.extend(f"  - {reason}" for reason in (row.get("health_reasons") or "").splitlines())
        if any(flag in row["health"] for flag in PROBE_HINT_FLAGS) and row.get("homepage"):
            lines.append(f"  Suggested registry row: python -m crawler.outlets probe {row['homepage']}")
    lines.append(f"{len(flagged)} of {len(rows)} outlet(s) flagged.")
    return "\n".join(lines)
