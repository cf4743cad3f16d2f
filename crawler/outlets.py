"""The registry of regional news outlets: loading, selecting and checking it.

An outlet is data (one CSV row), never code: it names its CMS family and
only overrides the family's knowledge where it differs. The spider imports
`load_outlets` and `select_outlets`; `python -m crawler.outlets check` is
what CI and maintainers run after editing the CSV. Nothing here imports
Scrapy, so the registry can be validated without a crawler.

    python -m crawler.outlets check            # validate datasets/outlets.csv
    python -m crawler.outlets list --region 경북
    python -m crawler.outlets health           # outlets whose last crawl was flagged (crawler/health.py)
    python -m crawler.outlets probe URL        # a registry row for a new outlet (crawler/probe.py)
"""
from __future__ import annotations

import argparse
import csv
import difflib
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from crawler import DATASETS_DIR
from extractors.cms import FAMILIES, GENERIC, CmsFamily, get_family
from extractors.urls import is_web_url, site_host

REGIONS: tuple[str, ...] = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종",
    "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)

COLUMNS: tuple[str, ...] = (
    "key", "name", "region", "homepage", "cms", "article_hosts", "article_pattern", "list_paths",
    "feeds", "sitemaps", "needs_js", "source", "region_source",
)

DEFAULT_OUTLETS_PATH = DATASETS_DIR / "outlets.csv"

DEFAULT_MIN_OUTLETS = 150
# Every region must be covered, but no quota: a wrong row is worse than a missing one.
DEFAULT_MIN_PER_REGION = 1

_KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    region: str
    homepage: str
    cms: str
    # Hosts other than the homepage's where the outlet's articles live
    # (www./m./mobile. of the homepage's domain count as the same site anyway).
    article_hosts: tuple[str, ...] = ()
    # Each replaces the family's default where the outlet differs.
    article_pattern: str = ""
    list_paths: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    needs_js: bool = False
    source: str = ""
    region_source: str = ""

    @property
    def family(self) -> CmsFamily:
        return get_family(self.cms) if self.cms else GENERIC

    @cached_property  # asked for every link a crawl sees
    def site_hosts(self) -> frozenset[str]:
        return frozenset({site_host(self.homepage), *(site_host(host) for host in self.article_hosts)})

    @property
    def url_pattern(self) -> str:
        return self.article_pattern or self.family.article_url_pattern

    def is_own_url(self, url: str) -> bool:
        return is_web_url(url) and site_host(url) in self.site_hosts

    def is_article_url(self, url: str) -> bool:
        return self.is_own_url(url) and re.search(self.url_pattern, url) is not None

    def feed_urls(self) -> list[str]:
        return list(self.feeds) or self.family.feed_urls(self.homepage)

    def sitemap_urls(self) -> list[str]:
        return list(self.sitemaps) or self.family.sitemap_urls(self.homepage)

    def list_urls(self) -> list[str]:
        return [urljoin(self.homepage, path) for path in (self.list_paths or self.family.list_paths)]


class RegistryFormatError(ValueError):
    """The CSV cannot be read as a registry at all (missing columns)."""


def _parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def _outlet_from_row(row: dict[str, str]) -> Outlet:
    needs_js = _parse_bool(row["needs_js"])
    return Outlet(
        key=row["key"].strip(),
        name=row["name"].strip(),
        region=row["region"].strip(),
        homepage=row["homepage"].strip(),
        cms=row["cms"].strip(),
        article_hosts=tuple(row["article_hosts"].split()),
        article_pattern=row["article_pattern"].strip(),
        list_paths=tuple(row["list_paths"].split()),
        feeds=tuple(row["feeds"].split()),
        sitemaps=tuple(row["sitemaps"].split()),
        # An unreadable flag is kept as False here and reported by
        # check_registry, which re-reads the raw text; loading never guesses True.
        needs_js=bool(needs_js),
        source=row["source"].strip(),
        region_source=row["region_source"].strip(),
    )


def read_rows(path: str | os.PathLike) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
        if missing:
            raise RegistryFormatError(f"{path}: missing columns: {', '.join(missing)}")
        return [{column: (row.get(column) or "") for column in COLUMNS} for row in reader]



def outlets_by_host(outlets: list[Outlet]) -> dict[str, Outlet]:
    """Each host of the registry and its outlet (the first that lists it), to place many URLs at once."""
    by_host: dict[str, Outlet] = {}
    for outlet in outlets:
        for host in outlet.site_hosts:
            by_host.setdefault(host, outlet)
    return by_host

def load_outlets(path: str | os.PathLike = DEFAULT_OUTLETS_PATH) -> list[Outlet]:
    return [_outlet_from_row(row) for row in read_rows(path)]


def _close_matches(word: str, candidates: list[str]) -> list[str]:
    lowered = word.lower()
    substring_hits = [c for c in candidates if lowered in c.lower() or c.lower() in lowered]
    fuzzy_hits = difflib.get_close_matches(word, candidates, n=5, cutoff=0.5)
    return list(dict.fromkeys(substring_hits + fuzzy_hits))[:8]


def select_outlets(
    outlets: list[Outlet], outlet: str | None = None, region: str | None = None
) -> list[Outlet]:
    selected = list(outlets)
    if region is not None:
        if region not in REGIONS:
            suggestions = _close_matches(region, list(REGIONS))
            raise ValueError(
                f"unknown region {region!r}; regions are: {' '.join(REGIONS)}"
                + (f" (did you mean: {', '.join(suggestions)}?)" if suggestions else "")
            )
        selected = [o for o in selected if o.region == region]
    if outlet is not None:
        wanted = outlet.strip()
        matching = [o for o in selected if o.key == wanted or o.name == wanted]
        if not matching:
            candidates = [o.key for o in selected] + [o.name for o in selected]
            suggestions = _close_matches(wanted, candidates)
            scope = f" in region {region}" if region else ""
            hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else (
                "; run `python -m crawler.outlets list` to see all outlets"
            )
            raise ValueError(f"no outlet with key or name {wanted!r}{scope}{hint}")
        selected = matching
    elif region is not None and not selected:
        raise ValueError(f"no outlets registered in region {region}")
    return selected


def _is_homepage_url(url: str) -> bool:
    if not is_web_url(url):
        return False
    parts = urlsplit(url)
    return parts.path == "/" and not parts.query and not parts.fragment


def _outlet_problems(outlet: Outlet, check_sources: bool) -> list[str]:
    where = f"outlet {outlet.key or '<no key>'}"
    problems: list[str] = []
    if not _KEY_PATTERN.match(outlet.key):
        problems.append(f"{where}: key must be a lowercase ASCII slug (a-z, 0-9, -)")
    if not outlet.name:
        problems.append(f"{where}: name is empty")
    if outlet.region not in REGIONS:
        problems.append(f"{where}: region {outlet.region!r} is not one of {' '.join(REGIONS)}")
    if outlet.cms not in FAMILIES:
        problems.append(f"{where}: cms {outlet.cms!r} is not one of {', '.join(FAMILIES)}")
    if not _is_homepage_url(outlet.homepage):
        problems.append(f"{where}: homepage {outlet.homepage!r} must be scheme://host/ and nothing more")
    if outlet.article_pattern:
        try:
            re.compile(outlet.article_pattern)
        except re.error as error:
            problems.append(f"{where}: article_pattern does not compile: {error}")
            return problems
    for url in outlet.feeds + outlet.sitemaps:
        if not url.startswith(("http://", "https://")):
            problems.append(f"{where}: feed/sitemap {url!r} is not an absolute http(s) URL")
    if check_sources and outlet.cms in FAMILIES:
        if not outlet.source:
            problems.append(f"{where}: source is empty (every outlet needs an article URL seen in public material)")
        elif not outlet.is_own_url(outlet.source):
            problems.append(f"{where}: source {outlet.source!r} is on none of the outlet's hosts "
                            f"({' '.join(sorted(outlet.site_hosts))}); list its host in article_hosts")
        elif not outlet.is_article_url(outlet.source):
            which = "its article_pattern" if outlet.article_pattern else f"the {outlet.cms} family's pattern"
            problems.append(f"{where}: source {outlet.source!r} does not match {which}: the crawl would find "
                            "none of its articles")
    return problems


def _duplicate_problems(outlets: list[Outlet]) -> list[str]:
    problems = []
    for label, value_of in (
        ("key", lambda o: o.key),
        ("host", lambda o: site_host(o.homepage)),
        ("name", lambda o: o.name),
    ):
        counts = Counter(value_of(o) for o in outlets if value_of(o))
        for value, count in sorted(counts.items()):
            if count > 1:
                problems.append(f"duplicate {label} {value!r} ({count} outlets)")
    return problems


def check_registry(
    outlets: list[Outlet],
    min_outlets: int = DEFAULT_MIN_OUTLETS,
    min_per_region: int = DEFAULT_MIN_PER_REGION,
    check_sources: bool = True,
    raw_rows: list[dict[str, str]] | None = None,
) -> list[str]:
    """Every problem found; an empty list means the registry is usable.

    `raw_rows` (as read from the CSV) lets the check see a needs_js value
    that is neither true nor false, which loading has already flattened.
    """
    problems: list[str] = []
    for outlet in outlets:
        problems.extend(_outlet_problems(outlet, check_sources))
    for row in raw_rows or ():
        if _parse_bool(row.get("needs_js", "")) is None:
            problems.append(
                f"outlet {row.get('key') or '<no key>'}: needs_js {row.get('needs_js')!r} must be true or false"
            )
    problems.extend(_duplicate_problems(outlets))
    per_region = Counter(o.region for o in outlets)
    for region in REGIONS:
        if per_region[region] < min_per_region:
            problems.append(f"region {region} has {per_region[region]} outlets (minimum {min_per_region})")
    if len(outlets) < min_outlets:
        problems.append(f"registry has {len(outlets)} outlets (minimum {min_outlets})")
    return problems


def check_file(
    path: str | os.PathLike = DEFAULT_OUTLETS_PATH,
    min_outlets: int = DEFAULT_MIN_OUTLETS,
    min_per_region: int = DEFAULT_MIN_PER_REGION,
    check_sources: bool = True,
) -> tuple[list[Outlet], list[str]]:
    rows = read_rows(path)
    outlets = [_outlet_from_row(row) for row in rows]
    problems = check_registry(outlets, min_outlets, min_per_region, check_sources, raw_rows=rows)
    return outlets, problems


def summarize(outlets: list[Outlet]) -> str:
    # Only the families the registry uses: some families (e.g. portal layouts) exist for extraction alone.
    used = {outlet.cms for outlet in outlets}
    families = [family for family in FAMILIES if family in used]
    header = ["region", "outlets", *families]
    rows: list[list[str]] = []
    for region in REGIONS + tuple(sorted({o.region for o in outlets} - set(REGIONS))):
        in_region = [o for o in outlets if o.region == region]
        by_family = Counter(o.cms for o in in_region)
        rows.append([region, str(len(in_region)), *(str(by_family[f]) for f in families)])
    total_by_family = Counter(o.cms for o in outlets)
    rows.append(["total", str(len(outlets)), *(str(total_by_family[f]) for f in families)])
    widths = [max(_display_width(cell) for cell in column) for column in zip(header, *rows)]
    lines = [_format_row(header, widths)]
    lines.append("  ".join("-" * width for width in widths))
    lines.extend(_format_row(row, widths) for row in rows)
    return "\n".join(lines)


def _display_width(text: str) -> int:
    # Hangul syllables take two terminal columns; pad by display width so
    # the table lines up.
    return sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in text)


def _format_row(cells: list[str], widths: list[int]) -> str:
    padded = [cell + " " * (width - _display_width(cell)) for cell, width in zip(cells, widths)]
    return "  ".join(padded).rstrip()


def _command_check(arguments: argparse.Namespace) -> int:
    if arguments.fictional:
        outlets, problems = check_file(arguments.path, min_outlets=0, min_per_region=0, check_sources=False)
    else:
        outlets, problems = check_file(arguments.path, arguments.min_outlets, arguments.min_per_region)
    print(summarize(outlets))
    print()
    if problems:
        print(f"{len(problems)} problem(s):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"OK: {len(outlets)} outlets, no problems")
    return 0


def _command_list(arguments: argparse.Namespace) -> int:
    outlets = load_outlets(arguments.path)
    try:
        selected = select_outlets(outlets, outlet=arguments.outlet, region=arguments.region)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for outlet in selected:
        print(f"{outlet.region}\t{outlet.key}\t{outlet.name}\t{outlet.cms}\t{outlet.homepage}")
    print(f"{len(selected)} outlet(s)", file=sys.stderr)
    return 0


def _command_health(arguments: argparse.Namespace) -> int:
    """Exit 0 when every outlet's last crawl is healthy, 1 when one is flagged."""
    from crawler.health import format_report
    from crawler.storage import NewsDatabase

    if not Path(arguments.db).is_file():
        print(f"error: no database at {arguments.db}; crawl first (scrapy crawl news -s NEWS_DB=...)", file=sys.stderr)
        return 2
    database = NewsDatabase(arguments.db)
    try:
        rows = database.outlet_health(arguments.run)
    finally:
        database.close()
    if not rows:
        print(f"No outlet runs recorded in {arguments.db} yet.")
        return 0
    scope = f"run {arguments.run}" if arguments.run is not None else "each outlet's last crawl"
    print(format_report(rows, f"Outlet health in {arguments.db} ({scope}):"))
    return 1 if any(row["health"] != "ok" for row in rows) else 0


def _command_probe(arguments: argparse.Namespace) -> int:
    from crawler.probe import probe_command

    return probe_command(arguments)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m crawler.outlets", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate a registry CSV and print its per-region summary")
    check.add_argument("path", nargs="?", default=str(DEFAULT_OUTLETS_PATH))
    check.add_argument("--min-outlets", type=int, default=DEFAULT_MIN_OUTLETS)
    check.add_argument("--min-per-region", type=int, default=DEFAULT_MIN_PER_REGION)
    check.add_argument(
        "--fictional",
        action="store_true",
        help="a test fixture (e.g. the mirror's registry): no minimums, no source checks",
    )
    check.set_defaults(handler=_command_check)

    listing = commands.add_parser("list", help="print outlets, optionally one region or one outlet")
    listing.add_argument("--path", default=str(DEFAULT_OUTLETS_PATH))
    listing.add_argument("--region", choices=None)
    listing.add_argument("--outlet")
    listing.set_defaults(handler=_command_list)

    health = commands.add_parser("health", help="print the outlets whose last crawl was flagged, with the reason")
    health.add_argument("--db", default="news.db", help="the crawl database (NEWS_DB)")
    health.add_argument("--run", type=int, help="one crawl run (crawl_runs.id) instead of each outlet's last")
    health.set_defaults(handler=_command_health)

    probe = commands.add_parser("probe", help="fetch a homepage, detect its CMS family, try its feeds and list "
                                              "pages, extract two articles, print a registry row")
    probe.add_argument("url", help="the outlet's homepage")
    probe.add_argument("--key", help="the registry key (default: from the host name)")
    probe.add_argument("--name", help="the outlet's name (default: from the page)")
    probe.add_argument("--region", help="the region (default: guessed from the page's address)")
    probe.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    probe.set_defaults(handler=_command_probe)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        return arguments.handler(arguments)
    except (OSError, RegistryFormatError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
