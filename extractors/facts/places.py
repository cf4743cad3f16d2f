"""Places: Korean provinces, cities, counties and districts under their
official name on the publication date, and foreign countries and regions.

``경북`` is 경상북도; ``전북`` is 전라북도 before 2024-01-18 and 전북특별자치도
after; ``영천`` is 영천시; ``우주베키스탄`` is 우즈베키스탄. The names and their
validity come from datasets/lexicons (korean_divisions.csv, countries.csv,
foreign_places.csv); the rules here only decide when a word *is* a place:

* ``PLACE_RULES`` name each way a word can be one, with an example;
* a short form (경북, 안동, 인도) must be a proper noun to Kiwi, so 예산 (budget),
  강화 (strengthening) or 인도 (delivery) are not read as 예산군, 강화군, India;
* a place written inside an organisation's name (경북테크노파크) is not a mention.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .document import Document, Word, covered_positions
from .lexicons import Division, ForeignPlace, foreign_places, korean_divisions, role_titles
from .rules import Rule

# What may follow a place inside one word and still leave the place a mention:
# 경북도내, 영천지역, 중앙아시아권, 전북산, 칠곡군청, 대구시민.
PLACE_TAILS = ("도내", "지역", "지역민", "권", "산", "내", "일대", "일원", "전역", "시내", "도심", "현지",
               "도민", "시민", "군민", "구민", "시청", "군청", "도청", "구청", "청사", "측", "역")
KOREA_FORMS = ("한국",)
LOCATIVE_PARTICLES = ("에", "에서", "에는", "에서는", "의", "으로", "로")
KOREA = ForeignPlace("대한민국", "country", "KR", "country", False)


PLACE_RULES: tuple[Rule, ...] = (
    Rule("province_short_form", "경북 지역기업 35개사", "경상북도"),
    Rule("province_renamed_on_date", "전북 자동차부품 기업", "전북특별자치도"),  # for an article of 2024-03-01
    Rule("city_short_form", "영천의 천연비료 기업", "영천시"),
    Rule("place_with_tail", "경북도내 수출기업", "경상북도"),
    Rule("place_before_title", "김석호 안동시장은", "안동시"),
    Rule("district_under_metropolitan_city", "대구 달서구 하늘운동장", "대구광역시 달서구"),
    Rule("country", "우즈베키스탄 바이어", "우즈베키스탄"),
    Rule("country_misspelling", "이번 우주베키스탄 방문을 계기로", "우즈베키스탄"),
    Rule("foreign_region", "안디잔주 부지사", "안디잔주"),
    Rule("world_region_with_tail", "중앙아시아권 진출", "중앙아시아"),
    Rule("korea_alone", "한국 특별초청의 해", "대한민국"),
)


@dataclass
class PlaceMention:
    name: str
    kind: str  # province | city | county | district | country | foreign_region
    text: str
    start: int
    end: int
    country: str = ""  # ISO code for foreign places; "KR" for Korean ones
    province: str = ""  # the province of a Korean place on the publication date


@lru_cache(maxsize=1)
def division_forms() -> dict[str, list[tuple[Division, bool]]]:
    """Written form -> (division, is the official full name)."""
    forms: dict[str, list[tuple[Division, bool]]] = defaultdict(list)
    for division in korean_divisions():
        forms[division.name].append((division, True))
        for short in division.short_names:
            forms[short].append((division, False))
    return dict(forms)


def find_places(doc: Document, excluded_spans: list[tuple[int, int]]) -> list[PlaceMention]:
    """Two passes: the second reads what the first left open (중구, 완주) in the light of
    the provinces the article is clearly about."""
    excluded = covered_positions(excluded_spans)
    # Only words with a split that could name a place: most have none, and both passes skip them.
    words = [(i, w) for i, w in enumerate(doc.words)
             if w.start not in excluded and any(place_splits(variant) for variant in w.stem_variants())]
    found: dict[int, PlaceMention] = {}
    for index, word in words:
        mention = place_in_word(doc, word, doc.words[index - 1] if index else None, None)
        if mention:
            found[index] = mention
    context = Context(provinces={m.province for m in found.values() if m.province},
                      locative_counts=locative_short_forms(doc))
    for index, word in words:
        if index not in found:
            mention = place_in_word(doc, word, doc.words[index - 1] if index else None, context)
            if mention:
                found[index] = mention
    return [found[index] for index in sorted(found)]


@dataclass
class Context:
    provinces: set[str]
    locative_counts: dict[str, int]


def locative_short_forms(doc: Document) -> dict[str, int]:
    """How often each word is followed by a place particle (완주에, 완주에서, 완주의)."""
    counts: dict[str, int] = defaultdict(int)
    for word in doc.words:
        if word.particle() in LOCATIVE_PARTICLES:
            counts[word.stem] += 1
    return counts


def place_in_word(doc: Document, word: Word, previous: Word | None, context: Context | None) -> PlaceMention | None:
    for variant in word.stem_variants():
        for form, tail in place_splits(variant):
            mention = korean_place(doc, word, form, previous, context, tail) or foreign_place(word, form, tail)
            if mention:
                return mention
    return None


@lru_cache(maxsize=1 << 16)
def place_splits(variant: str) -> tuple[tuple[str, str], ...]:
    """The (form, tail) splits of a word that could name a place, the longest form
    first: a place form, then nothing or an allowed tail. Most words give none, and
    the answer depends on the lexicons alone, so each word form is split once."""
    return tuple((form, tail) for form, tail in splits_of(variant)
                 if is_place_form(form) and (not tail or allowed_tail(tail)))


def splits_of(variant: str) -> list[tuple[str, str]]:
    """(form, tail) pairs, the longest form first."""
    return [(variant[:cut], variant[cut:]) for cut in range(len(variant), 1, -1)]


def is_place_form(form: str) -> bool:
    """Whether `korean_place` or `foreign_place` could read this form as a place at all."""
    return form in division_forms() or form in KOREA_FORMS or form in foreign_places()


def allowed_tail(tail: str) -> bool:
    return tail in PLACE_TAILS or tail in role_titles() or tail.isdigit()  # 김제2: a constituency


def is_proper_noun_start(word: Word, form: str) -> bool:
    """Kiwi reads the first len(form) characters as (part of) a proper noun or foreign word."""
    for morph in word.morphs:
        if morph.start == word.start:
            return morph.tag in ("NNP", "SL") and morph.end - word.start >= len(form) - 1
    return False


def korean_place(doc: Document, word: Word, form: str, previous: Word | None,
                 context: Context | None, tail: str = "") -> PlaceMention | None:
    entries = division_forms().get(form)
    if not entries:
        return None
    official = any(is_full for _, is_full in entries)
    titled = tail in role_titles()  # 대구교육감, 안동시장: the title vouches for the place
    if not (official or titled or is_proper_noun_start(word, form) or named_by_context(word, form, entries, doc, context)):
        return None
    division = choose_division(form, entries, doc.published, previous, context)
    if division is None:
        return None
    province = province_of(division, doc.published)
    name = f"{division.parent} {division.name}" if division.kind == "district" else division.name
    start = word.start
    return PlaceMention(name, division.kind, doc.text[start:start + len(form)], start, start + len(form), "KR", province)


def named_by_context(word: Word, form: str, entries, doc: Document, context: Context | None) -> bool:
    """완주 is also a common noun (finishing a race): as a place it takes 에/에서/의, and the
    article is about its province or uses it so at least twice."""
    if context is None or word.stem != form or word.particle() not in LOCATIVE_PARTICLES:
        return False
    provinces = {province_of(d, doc.published) for d, _ in entries if d.valid_on(doc.published)}
    return bool(provinces & context.provinces) or context.locative_counts.get(form, 0) >= 2


def choose_division(form: str, entries: list[tuple[Division, bool]], day: date | None,
                    previous: Word | None, context: Context | None = None) -> Division | None:
    valid = [(d, full) for d, full in entries if d.valid_on(day)] or entries
    parents = {d.parent for d, _ in valid}
    if len(valid) > 1 and previous is not None:
        before = {d.name for d in korean_divisions() if previous.stem in (d.name, *d.short_names)}
        under_context = [(d, full) for d, full in valid if d.parent in before]
        if under_context:
            valid = under_context
    if len(valid) > 1 or (context is not None and not any(d.parent in context.provinces for d, _ in valid)):
        if context is not None:  # 동구 in an article about 대구; 인천 중구 after it was merged
            for pool in (valid, entries):
                in_article = [(d, full) for d, full in pool if d.parent in context.provinces]
                if len({d.parent for d, _ in in_article}) == 1:
                    valid = in_article
                    break
    provinces = [d for d, _ in valid if d.kind == "province"]
    if provinces:  # 광주 / 광주시 mean the metropolitan city unless a province came before
        return provinces[0] if len({p.name for p in provinces}) == 1 else newest(provinces)
    if len({d.name + d.parent for d, _ in valid}) == 1 or len(parents) == 1:
        return valid[0][0]
    return None  # 중구, 동구, 고성군 without a parent in front: ambiguous


def newest(divisions: list[Division]) -> Division:
    return max(divisions, key=lambda d: d.valid_from or date.min)


def province_of(division: Division, day: date | None) -> str:
    if division.kind == "province":
        return division.name
    for candidate in korean_divisions():
        if candidate.kind == "province" and candidate.name == division.parent:
            return candidate.name
    return division.parent


def foreign_place(word: Word, form: str, tail: str) -> PlaceMention | None:
    if form in KOREA_FORMS:
        place = KOREA if not tail and word.stem == form else None
    else:
        place = foreign_places().get(form)
    if place is None:
        return None
    if place is not KOREA and (len(form) < 4 or place.needs_proper_noun_tag) and not is_proper_noun_start(word, form):
        return None
    start = word.start
    return PlaceMention(place.name, place.kind, word.text[:len(form)], start, start + len(form), place.country)
