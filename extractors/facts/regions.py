"""What the article is about, at article level: its Korean provinces and its countries.

A province scores each time it or one of its cities is mentioned (three times in
the title, twice in the first paragraph, three more when it announces the story:
대구시는 … 밝혔다), and half a point when an organisation's name starts with it
(경북테크노파크). The regions are the provinces scoring at
least half the best score: the subject's province, not every province in passing.
Countries are the foreign countries mentioned, and those of foreign regions
(안디잔주 → 우즈베키스탄), in order of first mention.
"""
from __future__ import annotations

import re
from collections import defaultdict

from .document import Document
from .lexicons import country_names_by_code
from .organisations import Organisation
from .places import PlaceMention, division_forms

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
ORG_NAME_WEIGHT = 0.5
SHARE_OF_BEST = 0.5
SOURCE_WEIGHT = 3.0
ANNOUNCING = re.compile(r"(?:밝혔|전했|발표했|설명했|알렸)")


def find_regions(doc: Document, places: list[PlaceMention], organisations: list[Organisation]) -> list[str]:
    lead_end = doc.text.find("\n\n", doc.title_end + 2)
    lead_end = len(doc.text) if lead_end < 0 else lead_end
    scores: dict[str, float] = defaultdict(float)
    for place in places:
        if place.province:
            weight = TITLE_WEIGHT if doc.in_title(place.start) else LEAD_WEIGHT if place.start < lead_end else 1.0
            scores[place.province] += weight + (SOURCE_WEIGHT if is_announcing_subject(doc, place) else 0.0)
    for organisation in organisations:
        province = province_in_name(organisation.name, doc)
        if province:
            scores[province] += ORG_NAME_WEIGHT
    if not scores:
        return []
    best = max(scores.values())
    return sorted((p for p, s in scores.items() if s >= SHARE_OF_BEST * best), key=lambda p: -scores[p])


def is_announcing_subject(doc: Document, place: PlaceMention) -> bool:
    """대구시는 … 밝혔다: the government that tells the story is the story's place."""
    word = doc.word_at(place.start)
    if word is None or word.stem_end != place.end or word.particle() not in ("은", "는"):
        return False
    start, end = doc.sentence_of(place.start)
    return bool(ANNOUNCING.search(doc.text[place.end:end]))


def province_in_name(name: str, doc: Document) -> str | None:
    for cut in range(min(len(name) - 1, 5), 1, -1):
        for division, _ in division_forms().get(name[:cut], []):
            if division.kind == "province" and division.valid_on(doc.published):
                return division.name
    return None


def find_countries(places: list[PlaceMention]) -> list[str]:
    names = country_names_by_code()
    countries: list[str] = []
    for place in sorted(places, key=lambda p: p.start):
        country = place.name if place.kind == "country" else names.get(place.country, "")
        if country and country != "대한민국" and place.country != "KR" and country not in countries:
            countries.append(country)
    return countries
