"""Score our extractor and vanilla trafilatura against gold-annotated pages.

    python -m extractors.evaluate [GOLD_DIR] [--json] [-v]

GOLD_DIR uses the layout of ../shared/realpages: `html/NNN.html` plus
`gold/NNN.json` (or the page and its JSON side by side).  Scoring follows
realpages/README.md: whitespace runs collapse to one space, then per page
recall / leak / soft leak / clean / title / day / minute; pages average per
site first and sites average into the macro figure, so that a site with 15
pages does not outweigh one with 2.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from extractors import dates

WHITESPACE = re.compile(r"\s+")
SITE_NOTE = re.compile(r"\s*\(.*\)\s*$")
TITLE_TRIM = " \t\r\n\u00a0\"'“”‘’「」『』"
DEFAULT_GOLD_DIR = Path(__file__).resolve().parent.parent / "datasets" / "gold"

METRICS = ("recall", "leak", "soft_leak", "clean", "title", "date", "time")


@dataclass
class GoldPage:
    html_path: Path
    gold: dict

    @property
    def site(self) -> str:
        # "네이버뉴스 (Naver News; outlet: 이데일리)" and its legacy sibling are
        # one site: the parenthesised outlet note does not split the average.
        site = self.gold.get("site") or "unknown"
        return SITE_NOTE.sub("", site).strip() or site

    @property
    def url(self) -> str:
        return self.gold.get("url") or ""


@dataclass
class Prediction:
    """The fields the scoring needs, whatever extractor produced them."""

    body: str = ""
    title: str = ""
    published: str | None = None
    error: str = ""
    milliseconds: float = 0.0


@dataclass
class PageScore:
    file: str
    site: str
    values: dict[str, float | None]
    missed: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    soft_leaked: list[str] = field(default_factory=list)
    title_got: str = ""
    title_want: str = ""
    date_got: str | None = None
    date_want: str | None = None
    error: str = ""
    milliseconds: float = 0.0


def collapse_whitespace(text: str) -> str:
    return WHITESPACE.sub(" ", text or "").strip()


def load_gold_pages(gold_dir: Path) -> list[GoldPage]:
    """Both layouts: html/ + gold/ subfolders, or page and JSON side by side."""
    pages = []
    json_dir = gold_dir / "gold" if (gold_dir / "gold").is_dir() else gold_dir
    html_dir = gold_dir / "html" if (gold_dir / "html").is_dir() else gold_dir
    for json_path in sorted(json_dir.glob("*.json")):
        gold = json.loads(json_path.read_text(encoding="utf-8"))
        file_name = gold.get("file") or json_path.with_suffix(".html").name
        html_path = html_dir / file_name
        if not html_path.exists():
            raise FileNotFoundError(f"{json_path} names {file_name}, which is not in {html_dir}")
        pages.append(GoldPage(html_path=html_path, gold=gold))
    return pages


def parse_timestamp(value: str | None) -> tuple[datetime | None, bool]:
    """(moment in Korea time, whether it carries a time of day)."""
    moment = dates.parse_timestamp(value)
    if moment is None:
        return None, False
    value = value.strip()
    has_time = "T" in value or re.search(r"\d \d{1,2}:\d{2}", value) is not None
    return moment, has_time


def share_found(snippets: list[str], body: str) -> tuple[float | None, list[str], list[str]]:
    if not snippets:
        return None, [], []
    found = [s for s in snippets if collapse_whitespace(s) in body]
    missing = [s for s in snippets if collapse_whitespace(s) not in body]
    return len(found) / len(snippets), found, missing


def normalise_title(title: str) -> str:
    return collapse_whitespace(title).strip(TITLE_TRIM)


def score_page(page: GoldPage, prediction: Prediction) -> PageScore:
    gold = page.gold
    body = collapse_whitespace(prediction.body)
    recall, _, missed = share_found(gold.get("must_include", []), body)
    leak, leaked, _ = share_found(gold.get("must_exclude", []), body)
    soft_leak, soft_leaked, _ = share_found(gold.get("soft_exclude", []), body)
    clean = 1.0 if (recall == 1.0 or recall is None) and not leaked else 0.0
    title_ok = normalise_title(prediction.title) == normalise_title(gold.get("title", ""))

    want, want_has_time = parse_timestamp(gold.get("published"))
    got, got_has_time = parse_timestamp(prediction.published)
    date_ok: float | None = None
    time_ok: float | None = None
    if want is not None:
        date_ok = 1.0 if got is not None and got.date() == want.date() else 0.0
        if want_has_time:
            same_minute = (
                got is not None
                and got_has_time
                and got.replace(second=0, microsecond=0) == want.replace(second=0, microsecond=0)
            )
            time_ok = 1.0 if same_minute else 0.0
    values = {
        "recall": recall,
        "leak": leak,
        "soft_leak": soft_leak,
        "clean": clean,
        "title": 1.0 if title_ok else 0.0,
        "date": date_ok,
        "time": time_ok,
    }
    return PageScore(
        file=page.html_path.name,
        site=page.site,
        values=values,
        missed=missed,
        leaked=leaked,
        soft_leaked=soft_leaked,
        title_got=prediction.title,
        title_want=gold.get("title", ""),
        date_got=prediction.published,
        date_want=gold.get("published"),
        error=prediction.error,
        milliseconds=prediction.milliseconds,
    )


def run_ours(raw: bytes, url: str) -> Prediction:
    from extractors import ExtractionError, extract_article

    started = time.perf_counter()
    try:
        # Extraction alone, the task trafilatura does too; facts are measured by evaluate_facts.
        record = extract_article(raw, url, facts=False)
    except ExtractionError as error:
        return Prediction(error=str(error), milliseconds=(time.perf_counter() - started) * 1000)
    elapsed = (time.perf_counter() - started) * 1000
    return Prediction(
        body=record.body, title=record.title, published=record.published_at, milliseconds=elapsed
    )


def run_trafilatura(raw: bytes, url: str) -> Prediction:
    from trafilatura import bare_extraction

    started = time.perf_counter()
    try:
        document = bare_extraction(raw, url=url, with_metadata=True, include_comments=False)
    except Exception as error:  # the baseline's own failures are scored, not fatal
        return Prediction(error=repr(error), milliseconds=(time.perf_counter() - started) * 1000)
    elapsed = (time.perf_counter() - started) * 1000
    if document is None:
        return Prediction(error="no result", milliseconds=elapsed)
    as_dict = document if isinstance(document, dict) else document.as_dict()
    return Prediction(
        body=as_dict.get("text") or "",
        title=as_dict.get("title") or "",
        published=as_dict.get("date"),
        milliseconds=elapsed,
    )


EXTRACTORS: dict[str, Callable[[bytes, str], Prediction]] = {
    "extractors": run_ours,
    "trafilatura": run_trafilatura,
}


def mean_or_none(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def summarise(scores: list[PageScore]) -> dict:
    """Per-site means, then the macro mean over sites, plus the median time."""
    sites: dict[str, list[PageScore]] = {}
    for score in scores:
        sites.setdefault(score.site, []).append(score)
    per_site = {}
    for site, site_scores in sorted(sites.items()):
        row = {metric: mean_or_none([s.values[metric] for s in site_scores]) for metric in METRICS}
        row["pages"] = len(site_scores)
        row["median_ms"] = statistics.median(s.milliseconds for s in site_scores)
        per_site[site] = row
    macro = {metric: mean_or_none([row[metric] for row in per_site.values()]) for metric in METRICS}
    macro["pages"] = len(scores)
    macro["median_ms"] = statistics.median(s.milliseconds for s in scores) if scores else 0.0
    return {"sites": per_site, "macro": macro}


def evaluate(gold_dir: Path) -> dict:
    pages = load_gold_pages(gold_dir)
    results = {}
    for name, run in EXTRACTORS.items():
        scores = []
        for page in pages:
            raw = page.html_path.read_bytes()
            scores.append(score_page(page, run(raw, page.url)))
        results[name] = {"summary": summarise(scores), "pages": scores}
    return results


def format_cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def format_table(name: str, summary: dict) -> str:
    header = f"{'site':<34} {'pages':>5} " + " ".join(f"{m:>9}" for m in METRICS) + f" {'median_ms':>9}"
    lines = [f"== {name} ==", header, "-" * len(header)]

    def row_line(label: str, row: dict) -> str:
        cells = " ".join(f"{format_cell(row[m]):>9}" for m in METRICS)
        return f"{label[:34]:<34} {row['pages']:>5} {cells} {row['median_ms']:>9.1f}"

    for site, row in summary["sites"].items():
        lines.append(row_line(site, row))
    lines.append("-" * len(header))
    lines.append(row_line("MACRO (mean over sites)", summary["macro"]))
    return "\n".join(lines)


def format_failures(name: str, scores: list[PageScore]) -> str:
    lines = [f"== {name}: pages with problems =="]
    for score in scores:
        problems = []
        if score.error:
            problems.append(f"  error: {score.error}")
        for snippet in score.missed:
            problems.append(f"  missed: {snippet}")
        for snippet in score.leaked:
            problems.append(f"  leaked: {snippet}")
        for snippet in score.soft_leaked:
            problems.append(f"  soft leaked: {snippet}")
        if score.values["title"] == 0.0:
            problems.append(f"  title: got {score.title_got!r} want {score.title_want!r}")
        if score.values["date"] == 0.0 or score.values["time"] == 0.0:
            problems.append(f"  date: got {score.date_got!r} want {score.date_want!r}")
        if problems:
            lines.append(f"{score.file} ({score.site}, {score.milliseconds:.1f} ms)")
            lines.extend(problems)
    return "\n".join(lines)


def comparison_line(results: dict) -> str:
    """Which macro figures of ours beat the baseline (lower is better for leaks and time)."""
    ours = results["extractors"]["summary"]["macro"]
    theirs = results["trafilatura"]["summary"]["macro"]
    verdicts = []
    for metric in METRICS + ("median_ms",):
        a, b = ours[metric], theirs[metric]
        if a is None or b is None:
            continue
        lower_is_better = metric in ("leak", "soft_leak", "median_ms")
        better = a < b if lower_is_better else a > b
        tie = a == b
        verdicts.append(f"{metric}: {'better' if better else 'tie' if tie else 'WORSE'}")
    return "extractors vs trafilatura: " + ", ".join(verdicts)


def to_json(results: dict) -> dict:
    return {
        name: {
            "summary": result["summary"],
            "pages": [
                {
                    "file": s.file,
                    "site": s.site,
                    **s.values,
                    "ms": round(s.milliseconds, 2),
                    "missed": s.missed,
                    "leaked": s.leaked,
                    "soft_leaked": s.soft_leaked,
                    "error": s.error,
                }
                for s in result["pages"]
            ],
        }
        for name, result in results.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractors.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("gold_dir", nargs="?", default=str(DEFAULT_GOLD_DIR))
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("-v", "--verbose", action="store_true", help="list missed and leaked snippets per page")
    args = parser.parse_args(argv)
    results = evaluate(Path(args.gold_dir))
    if args.json:
        print(json.dumps(to_json(results), ensure_ascii=False, indent=1))
        return 0
    print(f"gold: {args.gold_dir}")
    for name, result in results.items():
        print()
        print(format_table(name, result["summary"]))
    print()
    print(comparison_line(results))
    if args.verbose:
        for name, result in results.items():
            print()
            print(format_failures(name, result["pages"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
