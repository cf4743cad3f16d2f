"""Synthetic archives for measuring the story index as it grows.

`build(path, articles)` writes an archive of synthetic articles straight into
the story index tables (features and postings computed in bulk, no Kiwi), and
a small set of new articles to assign on top of it. `measure(path)` opens the
archive in a fresh process, assigns the new articles and reports the cost,
start-up, peak memory and pair precision/recall against the generator's
truth. `growth_figures()` does both for several archive sizes:

    python -m crawler.tools.story_generator growth --sizes 10000 100000 1000000

The world imitates regional news: TOPICS recurring templates (a county's
donations, a port's monthly report), each event of a topic at one of its
places with its own figures and day. An event is printed as an original,
near-duplicates, rewrites (a share of its text reworded, some details
dropped, none changed) and briefs. Events of one topic share much template
text, so the archive is full of same-topic-different-event neighbours that
only the event signature separates. The archive is stored already grouped
by its truth (as if assigned perfectly); the figures judge the assignments
of the new articles, each against that archive.

Keys carry the truth: "e{event}-v{n}" in the archive, "e{event}-n{n}" for the
new articles; an archived event's story id is its original, "e{event}-v0".
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crawler.storage.database import WRITER_PRAGMAS
from crawler.storage.stories import StoryIndex, decoded_candidate
from extractors.scoring import Counts
from extractors.stories import StoryFeatures

FIRST_DAY = 19_000  # 2022-01-08, in days since 1970-01-01
RANDOM_SEED = 7
MEASURE_ROUNDS = 3


@dataclass(frozen=True)
class WorldShape:
    """The generator's known rates and sizes."""

    articles_per_day: int = 600
    topics: int = 1_500
    places_per_topic: int = 12
    template_shingles: int = 80
    event_shingles: int = 60
    # How many articles print one event: (versions, share of events).
    versions: tuple = ((1, 0.55), (2, 0.25), (3, 0.12), (4, 0.08))
    # Kinds of the articles after an event's original, by share.
    extra_kinds: tuple = (("near_duplicate", 0.3), ("rewrite", 0.5), ("brief", 0.2))
    undated_share: float = 0.1
    # The new articles assigned on top of an archive, by share: new versions
    # of recent archived events, fresh events (some printed twice), and fresh
    # events of a recent archived event's topic and place (hard negatives).
    new_articles: int = 1_000
    new_mix: tuple = (("archived_event", 0.4), ("fresh_event", 0.4), ("same_topic_and_place", 0.2))


# Shingle picks (with replacement) from the topic template, the event's own
# text and outlet-specific wording, and the body length, per kind of article.
KIND_SHAPES = {
    "original": {"template": 80, "event": 90, "noise": 10, "chars": 900},
    "near_duplicate": {"template": 80, "event": 90, "noise": 10, "chars": 880},
    "rewrite": {"template": 50, "event": 30, "noise": 40, "chars": 700},
    "brief": {"template": 15, "event": 15, "noise": 5, "chars": 200},
}
FIGURE_UNITS = ("%", "톤", "곳", "teu", "㎡", "개")


KINDS = ("original", "near_duplicate", "rewrite", "brief")
# Facts a brief keeps; a rewrite always keeps PLACE and AMOUNT and drops each
# other one at REWRITE_DROP_RATE; originals and near-duplicates keep all.
BRIEF_FACTS = ("place", "organisation", "day", "amount", "count")
REWRITE_KEPT_FACTS = ("place", "amount")
REWRITE_DROP_RATE = 0.3
NEAR_DUPLICATE_CHANGED = 0.05


@dataclass
class Event:
    number: int
    topic: int
    place: int
    day: int
    facts: dict[str, str]


@dataclass
class ArticlePlan:
    key: str
    event: Event
    kind: str
    published_day: int | None
    crawled_day: int  # the archive grew by daily crawls: the day it appeared, dated or not
    original_key: str | None = None  # the original a near-duplicate copies


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: well-spread 64-bit hashes of integers."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _unique_rows(matrix: np.ndarray) -> list[list[int]]:
    """Each row's distinct values, sorted."""
    ordered = np.sort(matrix, axis=1)
    distinct = np.ones(ordered.shape, dtype=bool)
    distinct[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    return [row[keep].tolist() for row, keep in zip(ordered, distinct)]


class World:
    """Draws events and plans their articles from one seeded random generator."""

    def __init__(self, shape: WorldShape = WorldShape(), seed: int = RANDOM_SEED):
        self.shape = shape
        self.rng = np.random.default_rng(seed)
        topic_rng = np.random.default_rng(seed + 1)
        # Which slots each topic's events fill: every template states an
        # amount or a head count (or both), some also another figure.
        self.topic_has_amount = topic_rng.random(shape.topics) < 0.7
        self.topic_has_count = ~self.topic_has_amount | (topic_rng.random(shape.topics) < 0.5)
        self.topic_unit = topic_rng.integers(0, len(FIGURE_UNITS), shape.topics)

    def event(self, number: int, day: int, topic: int | None = None, place: int | None = None) -> Event:
        rng, shape = self.rng, self.shape
        topic = int(rng.integers(shape.topics)) if topic is None else topic
        place = int(rng.integers(shape.places_per_topic)) if place is None else place
        facts = {
            "place": f"p|군|place{topic * shape.places_per_topic + place}",
            "organisation": f"e|organisation{topic}",
            "day": f"d|일|{(day % 31) + 1}",
            "year": f"d|년|{1970 + day // 365}",
        }
        if self.topic_has_amount[topic]:
            facts["amount"] = f"q|원|{int(rng.integers(1, 500)) * 1_000_000}"
        if self.topic_has_count[topic]:
            facts["count"] = f"q|명|{int(rng.integers(5, 300))}"
        if rng.random() < 0.5:
            facts["figure"] = f"q|{FIGURE_UNITS[self.topic_unit[topic]]}|{int(rng.integers(1, 1000))}"
        return Event(number, topic, place, day, facts)

    def article_kinds(self, versions: int) -> list[str]:
        names, shares = zip(*self.shape.extra_kinds)
        extra = self.rng.choice(names, size=versions - 1, p=shares).tolist() if versions > 1 else []
        return ["original", *extra]

    def versions_per_event(self, count: int) -> np.ndarray:
        sizes, shares = zip(*self.shape.versions)
        return self.rng.choice(sizes, size=count, p=shares)

    def dated(self, day: int) -> int | None:
        return None if self.rng.random() < self.shape.undated_share else day

    def version_day(self, event_day: int, version: int) -> int:
        """The original appears on the event's day, the others within three days."""
        return event_day if version == 0 else event_day + int(self.rng.integers(0, 4))

    # -- features, drawn for many articles at once ----------------------------

    def features(self, plans: list[ArticlePlan]) -> list[StoryFeatures]:
        shingles: dict[str, list[int]] = {}
        for kind in ("original", "rewrite", "brief"):
            group = [plan for plan in plans if plan.kind == kind]
            shingles.update(zip((plan.key for plan in group), self._shingle_rows(group, kind)))
        copies = [plan for plan in plans if plan.kind == "near_duplicate"]
        shingles.update(zip((plan.key for plan in copies), self._near_duplicate_rows(copies, shingles)))
        drops = self.rng.random((len(plans), len(FACT_NAMES))) < REWRITE_DROP_RATE
        chars = self.rng.integers(0, 50, len(plans))
        return [
            StoryFeatures(shingles[plan.key], len(shingles[plan.key]), self._facts(plan, drop),
                          plan.published_day, KIND_SHAPES[plan.kind]["chars"] + int(extra))
            for plan, drop, extra in zip(plans, drops, chars)
        ]

    def _shingle_rows(self, plans: list[ArticlePlan], kind: str) -> list[list[int]]:
        if not plans:
            return []
        rng, shape, picks = self.rng, self.shape, KIND_SHAPES[kind]
        topics = np.array([plan.event.topic for plan in plans], dtype=np.uint64)[:, None]
        events = np.array([plan.event.number for plan in plans], dtype=np.uint64)[:, None]
        template = topics * np.uint64(128) + rng.integers(0, shape.template_shingles, (len(plans), picks["template"]),
                                                          dtype=np.uint64)
        own = np.uint64(1 << 40) + events * np.uint64(64) + rng.integers(
            0, shape.event_shingles, (len(plans), picks["event"]), dtype=np.uint64)
        hashed = _mix(np.concatenate([template, own], axis=1)) & np.uint64(0xFFFFFFFF)
        noise = rng.integers(0, 1 << 32, (len(plans), picks["noise"]), dtype=np.uint64)
        return _unique_rows(np.concatenate([hashed, noise], axis=1))

    def _near_duplicate_rows(self, plans: list[ArticlePlan], drawn: dict[str, list[int]]) -> list[list[int]]:
        """A copy of the original with a few shingles changed (an edited headline, a
        byline); an original stored earlier is drawn afresh."""
        rows = []
        for plan in plans:
            original = drawn.get(plan.original_key) or self._shingle_rows([plan], "original")[0]
            values = np.array(original, dtype=np.uint64)
            changed = self.rng.random(len(values)) < NEAR_DUPLICATE_CHANGED
            values[changed] = self.rng.integers(0, 1 << 32, int(changed.sum()), dtype=np.uint64)
            rows.append(np.unique(values).tolist())
        return rows

    @staticmethod
    def _facts(plan: ArticlePlan, drop: np.ndarray) -> list[str]:
        facts = plan.event.facts
        if plan.kind == "brief":
            kept = [name for name in BRIEF_FACTS if name in facts]
        elif plan.kind == "rewrite":
            kept = [name for index, name in enumerate(FACT_NAMES)
                    if name in facts and (name in REWRITE_KEPT_FACTS or not drop[index])]
        else:
            kept = list(facts)
        return sorted(facts[name] for name in kept)


FACT_NAMES = ("place", "organisation", "day", "year", "amount", "count", "figure")


# --- building an archive -------------------------------------------------------


def _archive_plans(world: World, count: int):
    """Yield blocks of article plans, events in publication order, `count` in all."""
    shape = world.shape
    produced, event_number = 0, 0
    while produced < count:
        block = []
        for versions in world.versions_per_event(4096):
            day = FIRST_DAY + produced // shape.articles_per_day
            event = world.event(event_number, day)
            for version, kind in enumerate(world.article_kinds(int(versions))):
                appeared = world.version_day(day, version)
                published = world.dated(appeared) if version else day
                block.append(ArticlePlan(f"e{event_number}-v{version}", event, kind, published, appeared,
                                         f"e{event_number}-v0"))
                produced += 1
                if produced >= count:
                    break
            event_number += 1
            if produced >= count:
                break
        yield block


def build(path: str | Path, articles: int, shape: WorldShape = WorldShape(), seed: int = RANDOM_SEED) -> dict:
    """Write an archive of `articles` synthetic articles and the new articles to assign."""
    path = Path(path)
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
        connection.execute(f"PRAGMA {pragma}")
    StoryIndex(connection).ensure_schema()
    connection.execute("CREATE TABLE generator_new_articles (key TEXT, event INTEGER, crawled_day INTEGER, "
                       "features BLOB)")
    world = World(shape, seed)
    recent_events = _write_archive(connection, world, articles)
    _write_new_articles(connection, world, recent_events, articles)
    connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()
    return {"articles": articles, "build_seconds": round(time.perf_counter() - started, 1),
            "file_mb": round(path.stat().st_size / 2**20)}


def _write_archive(connection: sqlite3.Connection, world: World, count: int) -> list[Event]:
    story_rows = []
    posting_blocks: dict[str, list[np.ndarray]] = {}
    recent: dict[int, Event] = {}
    last_day = FIRST_DAY + (count - 1) // world.shape.articles_per_day
    article_id = 0
    for plans in _archive_plans(world, count):
        article_rows = []
        postings: dict[str, list[list[int]]] = {}
        for plan, features in zip(plans, world.features(plans)):
            article_id += 1
            story_id = plan.original_key
            article_rows.append((article_id, plan.key, story_id, features.published_day, plan.crawled_day,
                                 features.body_chars, features.to_bytes()))
            table, _, day = StoryIndex.postings_of(features, plan.crawled_day)
            terms, days, ids = postings.setdefault(table, [[], [], []])
            article_terms = features.index_terms
            terms.extend(article_terms)
            days.extend([day] * len(article_terms))
            ids.extend([article_id] * len(article_terms))
            if plan.key == story_id:
                story_rows.append([story_id, plan.key, features.published_day, features.body_chars, 1])
                if plan.event.day >= last_day - 3:
                    recent[plan.event.number] = plan.event
            else:
                story_rows[-1][4] += 1
        connection.executemany("INSERT INTO story_index_articles (id, article_key, story_id, published_day, "
                               "crawled_day, body_chars, features) VALUES (?, ?, ?, ?, ?, ?, ?)", article_rows)
        for table, columns in postings.items():
            posting_blocks.setdefault(table, []).append(np.array(columns, dtype=np.int64))
    connection.executemany("INSERT INTO story_stories VALUES (?, ?, ?, ?, ?)", story_rows)
    for table, blocks in posting_blocks.items():
        _insert_postings_sorted(connection, table, np.concatenate(blocks, axis=1))
    return list(recent.values())


def _insert_postings_sorted(connection: sqlite3.Connection, table: str, postings: np.ndarray,
                            chunk: int = 1_000_000) -> None:
    """Fill a WITHOUT ROWID postings table in key order: appending to a B-tree is its fastest write."""
    order = np.lexsort((postings[2], postings[1], postings[0]))
    postings = postings[:, order]
    for start in range(0, postings.shape[1], chunk):
        part = postings[:, start:start + chunk]
        connection.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?, ?)",
                               zip(part[0].tolist(), part[1].tolist(), part[2].tolist()))


def _write_new_articles(connection: sqlite3.Connection, world: World, recent: list[Event], archived: int) -> None:
    shape = world.shape
    names, shares = zip(*shape.new_mix)
    today = FIRST_DAY + archived // shape.articles_per_day
    next_event = 10**9  # fresh events get numbers no archived event has
    plans: list[ArticlePlan] = []
    while len(plans) < shape.new_articles:
        mix = world.rng.choice(names, p=shares)
        if mix == "archived_event":
            event = recent[int(world.rng.integers(len(recent)))]
            kinds = [world.article_kinds(2)[1]]
        else:
            if mix == "same_topic_and_place":
                sibling = recent[int(world.rng.integers(len(recent)))]
                event = world.event(next_event, today, sibling.topic, sibling.place)
            else:
                event = world.event(next_event, today)
            next_event += 1
            kinds = world.article_kinds(int(world.rng.integers(1, 3)))
        first_key = f"e{event.number}-n{len(plans)}"
        for version, kind in enumerate(kinds):
            key = f"e{event.number}-n{len(plans)}"
            original = f"e{event.number}-v0" if mix == "archived_event" else first_key
            appeared = world.version_day(today, version)
            plans.append(ArticlePlan(key, event, kind, world.dated(appeared), appeared, original))
    plans = plans[: shape.new_articles]
    connection.executemany("INSERT INTO generator_new_articles VALUES (?, ?, ?, ?)", [
        (plan.key, plan.event.number, plan.crawled_day, features.to_bytes())
        for plan, features in zip(plans, world.features(plans))
    ])


# --- measuring -----------------------------------------------------------------


def _event_of(key: str) -> int:
    return int(key[1:].split("-", 1)[0])


def measure(path: str | Path, rounds: int = 1) -> dict:
    """Assign the archive's new articles as a crawl stores them, and report cost,
    memory and pair scores.

    Each round works on a fresh copy of the archive, so the archive stays as
    built and can be measured again. The copy is written as a crawl writes:
    the crawl's pragmas, and one transaction per article (one long transaction
    would spill its dirty pages from SQLite's cache and measure that instead).
    The cost is the fastest round's; the assignments are the same in every round.
    """
    path = Path(path)
    copy = path.with_name(path.name + ".measured")
    archive = sqlite3.connect(path)
    new_articles = [(key, crawled_day, StoryFeatures.from_bytes(data)) for key, crawled_day, data in archive.execute(
        "SELECT key, crawled_day, features FROM generator_new_articles ORDER BY rowid")]
    archive.close()
    round_ms = []
    for round_number in range(rounds):
        shutil.copyfile(path, copy)
        decoded_candidate.cache_clear()  # each round is a crawl process of its own
        started = time.perf_counter()
        connection = sqlite3.connect(copy)
        for pragma in WRITER_PRAGMAS:
            connection.execute(f"PRAGMA {pragma}")
        index = StoryIndex(connection)
        index.ensure_schema()
        assigned = {}
        for number, (key, crawled_day, features) in enumerate(new_articles):
            if number == 1:  # opening and the first article are start-up
                if round_number == 0:
                    startup_seconds = time.perf_counter() - started
                timed_started = time.perf_counter()
            with connection:
                assigned[key] = index.assign(key, features, crawled_day=crawled_day)
        round_ms.append(round(1000 * (time.perf_counter() - timed_started) / max(1, len(new_articles) - 1), 3))
        scores = _pair_scores(connection, assigned)
        stored = connection.execute("SELECT count(*) FROM story_index_articles").fetchone()[0] - len(new_articles)
        connection.close()
        for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            leftover.unlink(missing_ok=True)
    return {
        "stored": stored, "assign_ms": min(round_ms), "round_ms": round_ms, "startup_s": round(startup_seconds, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), **scores,
    }


def _pair_scores(connection: sqlite3.Connection, assigned: dict[str, str]) -> dict:
    """Pair precision/recall over the new articles and the archived members of
    every story they touch; pairs of two archived articles are not counted."""
    cells: Counter[tuple[int, str]] = Counter()
    for key, story in assigned.items():
        cells[(_event_of(key), story)] += 1
    joined = Counter(story for story in assigned.values())
    archived_stories = {story for story in assigned.values() if "-v" in story}
    archived_stories |= {f"e{_event_of(key)}-v0" for key in assigned}
    archived_pairs = 0
    for story in archived_stories:
        count = connection.execute("SELECT count(*) FROM story_index_articles WHERE story_id = ?", [story]).fetchone()[0]
        count -= joined.get(story, 0)
        cells[(_event_of(story), story)] += count
        archived_pairs += math.comb(count, 2)
    truth, predicted = Counter(), Counter()
    for (event, story), count in cells.items():
        truth[event] += count
        predicted[story] += count
    both = sum(math.comb(count, 2) for count in cells.values()) - archived_pairs
    truth_pairs = sum(math.comb(count, 2) for count in truth.values()) - archived_pairs
    predicted_pairs = sum(math.comb(count, 2) for count in predicted.values()) - archived_pairs
    pairs = Counts(both, predicted_pairs - both, truth_pairs - both)
    return {"precision": round(pairs.precision, 4), "recall": round(pairs.recall, 4)}


def _run_in_fresh_process(*arguments: str) -> dict:
    """A command of this module in a new interpreter; its JSON answer.

    Both the build and the measurement run apart from the caller: a child
    inherits its parent's peak resident size (getrusage counts the parent's
    pages at fork), so a small parent keeps the measured peak the index's own.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "crawler.tools.story_generator", *arguments],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(completed.stdout)


def growth_figures(sizes=(10_000, 100_000, 1_000_000), directory: str | Path = "/tmp",
                   keep: bool = False, rounds: int = MEASURE_ROUNDS) -> list[dict]:
    """Build an archive of each size, then measure the index on top of each.

    The sizes are measured in turn, `rounds` times over, each time in a fresh
    process, and the fastest round of each counts: this shared machine's
    speed drifts within minutes, and measuring one size after the other
    would put the drift into the ratio between sizes.
    """
    paths = {size: Path(directory) / f"story_growth_{size}.sqlite" for size in sizes}
    rows = {size: _run_in_fresh_process("build", str(paths[size]), "--articles", str(size)) for size in sizes}
    try:
        for _ in range(rounds):
            for size in sizes:
                figures = _run_in_fresh_process("measure", str(paths[size]))
                row = rows[size]
                if "round_ms" not in row:
                    row.update(figures)  # start-up, memory and scores: the first measurement's
                else:
                    row["round_ms"] += figures["round_ms"]
                    row["assign_ms"] = min(row["round_ms"])
        for size in sizes:
            print(format_row(rows[size]), flush=True)
        smallest = rows[sizes[0]]
        for size in sizes[1:]:
            print(format_growth(rows[size], smallest), flush=True)
    finally:
        if not keep:
            for path in paths.values():
                path.unlink(missing_ok=True)
    return [rows[size] for size in sizes]


def format_growth(row: dict, smallest: dict) -> str:
    """The cost at one size against the smallest: per round (the two measured
    seconds apart, so the machine's drift mostly cancels), and best against best."""
    ratios = [larger / smaller for larger, smaller in zip(row["round_ms"], smallest["round_ms"])]
    return (f"{row['articles']:>9,} against {smallest['articles']:,}: {statistics.median(ratios):.2f}× "
            f"(median of the rounds {', '.join(f'{ratio:.2f}' for ratio in ratios)}; "
            f"best against best {row['assign_ms'] / smallest['assign_ms']:.2f}×)")


def format_row(row: dict) -> str:
    return (f"{row['articles']:>9,} stored | build {row['build_seconds']:>6.1f} s, {row['file_mb']:>5} MB | "
            f"assign {row['assign_ms']:>5.2f} ms (rounds {', '.join(f'{ms:.2f}' for ms in row['round_ms'])}) | "
            f"start-up {row['startup_s']:>6.3f} s | "
            f"peak {row['peak_mb']:>4} MB | precision {row['precision']:.4f} recall {row['recall']:.4f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Synthetic archives for the story index.")
    commands = parser.add_subparsers(dest="command", required=True)
    growth = commands.add_parser("growth", help="build and measure several archive sizes")
    growth.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    growth.add_argument("--directory", default=os.environ.get("TMPDIR", "/tmp"))
    growth.add_argument("--keep", action="store_true", help="keep the archive files")
    build_command = commands.add_parser("build", help="write one archive")
    build_command.add_argument("path")
    build_command.add_argument("--articles", type=int, required=True)
    measure_command = commands.add_parser("measure", help="measure one archive (prints JSON)")
    measure_command.add_argument("path")
    measure_command.add_argument("--rounds", type=int, default=1)
    arguments = parser.parse_args(argv)
    if arguments.command == "growth":
        growth_figures(arguments.sizes, arguments.directory, keep=arguments.keep)
    elif arguments.command == "build":
        print(json.dumps(build(arguments.path, arguments.articles)))
    else:
        print(json.dumps(measure(arguments.path, arguments.rounds)))


if __name__ == "__main__":
    main()
