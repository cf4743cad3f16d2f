"""The knowledge the facts rules read, loaded once from datasets/lexicons/.

Each lexicon is a CSV whose source is written in datasets/lexicons/README.md.
Rules never hold place, organisation or role vocabulary themselves: adding a
country, a ministry or a title is a one-line change to the data.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parents[2] / "datasets" / "lexicons"


def read_rows(name: str) -> list[dict]:
    with open(LEXICON_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_aliases(cell: str | None) -> list[str]:
    return [alias.strip() for alias in (cell or "").split("|") if alias.strip()]


def parse_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Division:
    """A Korean province (시·도), city or county (시·군) or autonomous district (자치구)."""

    name: str
    kind: str  # province | city | county | district
    parent: str
    short_names: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return self.valid_to is None
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class ForeignPlace:
    name: str
    kind: str  # country | foreign_region
    country: str  # ISO 3166-1 alpha-2 ('' for world regions)
    level: str  # country | state | city | region | world_region
    needs_proper_noun_tag: bool


@lru_cache(maxsize=1)
def korean_divisions() -> tuple[Division, ...]:
    return tuple(
        Division(
            row["name"], row["kind"], row["parent"], tuple(split_aliases(row["short_names"])),
            parse_day(row["valid_from"]), parse_day(row["valid_to"]),
        )
        for row in read_rows("korean_divisions.csv")
    )


@lru_cache(maxsize=1)
def foreign_places() -> dict[str, ForeignPlace]:
    """Every written form (name or alias) of a country, foreign region or world region."""
    forms: dict[str, ForeignPlace] = {}
    for row in read_rows("countries.csv"):
        place = ForeignPlace(row["name"], "country", row["iso2"], "country", row["needs_proper_noun_tag"] == "yes")
        for form in [row["name"], *split_aliases(row["aliases"])]:
            forms[form] = place
    for row in read_rows("foreign_places.csv"):
        place = ForeignPlace(row["name"], "foreign_region", row["country"], row["level"], False)
        for form in [row["name"], *split_aliases(row["aliases"])]:
            forms.setdefault(form, place)
    return forms


@lru_cache(maxsize=1)
def country_names_by_code() -> dict[str, str]:
    return {row["iso2"]: row["name"] for row in read_rows("countries.csv")}


@lru_cache(maxsize=1)
def legal_forms() -> tuple[tuple[str, str, str], ...]:
    """(marker, legal form, position) with the longest markers first."""
    rows = [(row["marker"], row["legal_form"], row["position"]) for row in read_rows("legal_forms.csv")]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@lru_cache(maxsize=1)
def org_suffixes() -> dict[str, str]:
    """Organisation-name suffix -> the title of the organisation's head (원장, 총장…)."""
    return {row["suffix"]: row["head_title"] for row in read_rows("org_suffixes.csv")}


@lru_cache(maxsize=1)
def org_suffixes_longest_first() -> tuple[str, ...]:
    return tuple(sorted(org_suffixes(), key=len, reverse=True))


@lru_cache(maxsize=1)
def compound_titles() -> tuple[str, ...]:
    """Titles that may end a longer title (혁신성장산업국장 ends with 국장)."""
    return tuple(title for title, (_, compound) in role_titles().items() if compound)


@lru_cache(maxsize=1)
def generic_org_words() -> frozenset[str]:
    return frozenset(row["word"] for row in read_rows("generic_org_words.csv"))


@lru_cache(maxsize=1)
def name_abbreviations() -> tuple[tuple[str, str], ...]:
    """(long suffix, its usual short form): 테크노파크 -> TP, 대학교 -> 대."""
    return tuple((row["long_suffix"], row["short_suffix"]) for row in read_rows("name_abbreviations.csv"))


@lru_cache(maxsize=1)
def abbreviated_suffixes() -> tuple[str, ...]:
    """The short forms of name_abbreviations(), for one str.endswith test."""
    return tuple(sorted({short for _, short in name_abbreviations()}))


@lru_cache(maxsize=1)
def known_organisations() -> dict[str, str]:
    """Every written form of a well-known organisation -> its canonical name."""
    forms: dict[str, str] = {}
    for row in read_rows("known_organisations.csv"):
        for form in [row["name"], *split_aliases(row["aliases"])]:
            forms[form] = row["name"]
    return forms


@lru_cache(maxsize=1)
def org_descriptors() -> frozenset[str]:
    return frozenset(row["word"] for row in read_rows("org_descriptors.csv"))


@lru_cache(maxsize=1)
def role_titles() -> dict[str, tuple[str, bool]]:
    """Title -> (kind, may end a longer compound title such as 혁신성장산업국장)."""
    return {row["title"]: (row["kind"], row["compound"] == "yes") for row in read_rows("role_titles.csv")}


@lru_cache(maxsize=1)
def korean_surnames() -> frozenset[str]:
    return frozenset(row["surname"] for row in read_rows("korean_surnames.csv"))


@lru_cache(maxsize=1)
def surname_lengths() -> tuple[int, ...]:
    """Longest first, so 남궁현 is 남궁 + 현."""
    return tuple(sorted({len(name) for name in korean_surnames()}, reverse=True))


def surname_of(word: str) -> str | None:
    """The surname a word starts with (a set lookup per length: this runs for every word)."""
    surnames = korean_surnames()
    return next((word[:length] for length in surname_lengths() if word[:length] in surnames), None)


@lru_cache(maxsize=1)
def not_person_names() -> frozenset[str]:
    """Common words shaped like a name (a surname and one or two syllables)."""
    return frozenset(row["word"] for row in read_rows("not_person_names.csv"))


@lru_cache(maxsize=1)
def currency_words() -> tuple[tuple[str, str, str], ...]:
    """(word, ISO 4217 code, before|after|either), longest words first."""
    rows = [(row["word"], row["currency"], row["position"]) for row in read_rows("currencies.csv")]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


@lru_cache(maxsize=1)
def common_news_nouns() -> frozenset[str]:
    return frozenset(row["noun"] for row in read_rows("common_news_nouns.csv"))


@lru_cache(maxsize=1)
def exchange_rates() -> dict[tuple[int, str], float]:
    """(year, currency) -> US dollars per unit, yearly average."""
    return {(int(row["year"]), row["currency"]): float(row["usd_per_unit"]) for row in read_rows("exchange_rates.csv")}
