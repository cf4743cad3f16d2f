"""Stories: articles that report the same event, in any outlet's words.

Regional papers print the same press release cut, reordered and reworded,
and the same office sends a release of the same shape for every event: the
yearly scholarship donation, the monthly port volume, the launch ceremony of
each township. Text overlap cannot tell those apart (measured: a Jaccard
threshold over noun pairs merged them at pair precision 0.62), so a story is
decided in two steps:

1. text overlap proposes: the shorter text's noun-pair shingles must be
   contained in the other's to some degree (containment, not Jaccard, so a
   brief joins the long version it was cut from);
2. the event signature confirms: the figures with their units, the dates
   written in the text and the places of a kind (구, 군, 면, 대학 ...) must
   not contradict each other. Two articles contradict on a slot when both
   fill it and share no value: 동구 and 서구, 1500만원 and 1000만원, the 7th
   and the 10th. A rewrite drops details but does not change them.

Publication dates, where known, veto pairs more than a story's span apart;
nothing else depends on them, so the decision holds on text alone.

Features come from one Kiwi analysis (`extractors.analysis`), are plain data
and serialise to compact bytes, so the story index stores them and never
analyses a stored article again.
"""
from __future__ import annotations

import hashlib
import json
import math
import struct
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy as np

from extractors.analysis import ArticleAnalysis, analyse_article, base_tag

# --- text overlap ---------------------------------------------------------------

# Morphemes that make shingles: nouns, Latin words, numbers, hanja. Rewrites
# keep names, places and figures but change particles, endings and clause
# order, which verbs and character n-grams pick up as noise.
SHINGLE_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "SH"})
# Each noun-like morpheme is paired with the next SHINGLE_REACH ones.
SHINGLE_REACH = 2
# A text keeps the SKETCH_SIZE smallest shingle hashes (a bottom-k sketch):
# regional articles have 50-600 shingles, so most are kept whole, and a
# longer one still gives unbiased overlap estimates.
SKETCH_SIZE = 512
# The story index posts every shingle whose hash is a multiple of this
# (a fixed-rate sample, the same shingles in every text, so a brief and its
# long version post the shingles they share at the same rate).
INDEX_SAMPLE_RATE = 8
# Fact keys start above every shingle key, so the two never collide.
FACT_TERM_BASE = 2**32

# --- the event signature --------------------------------------------------------

# Korean numeral words after a digit group: 6만8천 = 68,000; 천만 = 10^7.
NUMERAL_MULTIPLIERS = {"십": 10, "백": 100, "천": 1_000, "만": 10_000, "억": 10**8, "조": 10**12}
# Spellings of one unit, folded to one form.
UNIT_ALIASES = {
    "t": "톤", "ton": "톤", "%포인트": "%p", "포인트": "%p", "km": "㎞", "m2": "㎡", "kg": "㎏",
    "mm": "㎜", "mw": "㎿", "년도": "년", "개월": "개월",
}
# Symbols (Kiwi tags them SW) that are units when they follow a number.
SYMBOL_UNITS = frozenset({"%", "㎡", "㎞", "㎜", "㎿", "㎏", "㎖", "℃", "㏊", "ha", "$"})
# A date unit after a number in range is a calendar date, not a quantity.
DATE_UNIT_RANGES = {"년": (1900, 2100), "월": (1, 12), "일": (1, 31)}
# A number of days/years followed by these is a duration (7일간, 8년째).
DURATION_MARKERS = frozenset({"간", "째", "동안", "만에"})
# Administrative units: 청송군 is the place 청송 of kind 군. Two articles
# naming different places of one kind (동구 / 서구) are about different events.
# Only names of 3-4 syllables count (a 2-3 syllable stem and the suffix):
# shorter ones are city names that merely end so (대구, 안동, 정읍), longer
# ones are zones and brands (연구개발특구, 블루밸리). 도 is left out: it
# names islands as well as provinces (울릉도, 경북도).
PLACE_SUFFIXES = ("시", "군", "구", "읍", "면", "동", "리")
PLACE_NAME_LENGTHS = {"리": (3,)}
DEFAULT_PLACE_NAME_LENGTHS = (3, 4)
# The districts named by a direction are places of kind 구 despite two syllables.
DIRECTION_DISTRICTS = frozenset({"동구", "서구", "남구", "북구", "중구"})
# Universities: 경북대학교 and 경북대 are one; different ones are different partners.
UNIVERSITY_SUFFIXES = ("대학교", "대학", "대")
ENTITY_TAGS = frozenset({"NNP", "SL"})
COMPOUND_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})

# Fact kinds, the prefix of each fact string ("q|명|25").
QUANTITY, DATE, PLACE, ENTITY = "q", "d", "p", "e"
# The signals that can contradict, and the fact kind each reads.
CONFLICT_SIGNALS = {"quantities": QUANTITY, "dates": DATE, "places": PLACE}

# --- the decision -----------------------------------------------------------------

# Shingle containment (shared / shorter text's shingles) a pair needs, by how
# many event facts it shares (figures, and years other than the year of
# publication): the less the event evidence, the more of the text must agree.
TEXT_CONTAINMENT_BY_SHARED_FACTS = (0.35, 0.25, 0.10)
MIN_TEXT_CONTAINMENT = min(TEXT_CONTAINMENT_BY_SHARED_FACTS)
# Days, months and clock times are no event evidence: every release of a
# week shares them (nor is the year of publication, below).
WEAK_EVIDENCE_SLOTS = frozenset({"q|시", "q|분", "d|월", "d|일"})
# A story's articles appear within days of each other.
MAX_STORY_SPAN_DAYS = 10


@dataclass
class StoryFeatures:
    """What story matching needs of one article, as plain serialisable data."""

    shingles: list[int]            # sorted 32-bit hashes, the bottom SKETCH_SIZE
    shingle_count: int             # distinct shingles in the whole text
    facts: list[str] = field(default_factory=list)   # "kind|slot|value", sorted
    published_day: int | None = None                  # days since 1970-01-01
    body_chars: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "StoryFeatures":
        return cls(**json.loads(text))

    def to_bytes(self) -> bytes:
        """Compact bytes: a fixed header, the hashes, then the facts as UTF-8."""
        facts = "\x1f".join(self.facts).encode("utf-8")
        header = struct.pack(
            "<IIiI", len(self.shingles), self.shingle_count,
            -1 if self.published_day is None else self.published_day, self.body_chars,
        )
        return header + struct.pack(f"<{len(self.shingles)}I", *self.shingles) + facts

    @classmethod
    def from_bytes(cls, data: bytes) -> "StoryFeatures":
        count, shingle_count, day, body_chars = struct.unpack_from("<IIiI", data)
        shingle_array = np.frombuffer(data, dtype="<u4", count=count, offset=16)
        facts_bytes = data[16 + 4 * count:]
        facts = facts_bytes.decode("utf-8").split("\x1f") if facts_bytes else []
        features = cls(shingle_array.tolist(), shingle_count, facts, None if day < 0 else day, body_chars)
        features.__dict__["shingle_array"] = shingle_array  # the cached_property below, already at hand
        return features

    # A new article is compared with up to MAX_CANDIDATES stored ones: what each
    # comparison derives from one side is derived once per article.
    @cached_property
    def shingle_array(self) -> np.ndarray:
        """The sorted, distinct hashes as an array: overlaps are counted in C."""
        return np.asarray(self.shingles, dtype="<u4")

    @cached_property
    def fact_set(self) -> frozenset[str]:
        return frozenset(self.facts)

    @cached_property
    def slots_by_kind(self) -> dict[str, dict[str, set[str]]]:
        """kind -> slot -> values, from "kind|slot|value" facts."""
        slots: dict[str, dict[str, set[str]]] = {}
        for fact in self.facts:
            fact_kind, _, rest = fact.partition("|")
            slot, _, value = rest.rpartition("|")
            slots.setdefault(fact_kind, {}).setdefault(slot, set()).add(value)
        return slots

    def shingles_up_to(self, limit: int) -> np.ndarray:
        array = self.shingle_array
        if not self.shingles or self.shingles[-1] <= limit:
            return array
        return array[:int(np.searchsorted(array, limit, side="right"))]

    @cached_property
    def index_terms(self) -> list[int]:
        """SQLite integer keys under which the story index posts this article:
        a fixed-rate sample of its shingles (the 32-bit hash is the key) and
        its telling facts (keys above 2**32); a brief shares too few shingles
        to be found by the sample alone."""
        terms = {value for value in self.shingles if value % INDEX_SAMPLE_RATE == 0}
        terms.update(fact_term(fact) for fact in self.facts if _is_index_fact(fact))
        return sorted(terms)


@lru_cache(maxsize=1 << 16)
def fact_term(fact: str) -> int:
    """The index key of a fact: 62 hash bits above the 32-bit shingle keys."""
    digest = int.from_bytes(hashlib.blake2b(fact.encode("utf-8"), digest_size=8).digest(), "little")
    return FACT_TERM_BASE + (digest >> 2)


# --- features ---------------------------------------------------------------------


def story_features(title: str, body: str, published_at: str | None,
                   analysis: ArticleAnalysis | None = None) -> StoryFeatures:
    """The features of one article, from its Kiwi tokens (analysed here if absent)."""
    if analysis is None:
        analysis = analyse_article(title, body)
    tokens = list(analysis.title_tokens) + list(analysis.body_tokens)
    hashes = sorted({_hash32(shingle) for shingle in shingles_from_tokens(analysis.title_tokens)}
                    | {_hash32(shingle) for shingle in shingles_from_tokens(analysis.body_tokens)})
    facts = _quantity_and_date_facts(analysis.title_tokens) | _quantity_and_date_facts(analysis.body_tokens)
    facts |= _entity_facts(tokens)
    return StoryFeatures(
        shingles=hashes[:SKETCH_SIZE],
        shingle_count=len(hashes),
        facts=sorted(facts),
        published_day=publication_day(published_at),
        body_chars=len(body or ""),
    )


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def publication_day(published_at: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO-like date ("2024-07-09 09:00", "2024-07-09T..."), else None."""
    if not published_at:
        return None
    try:
        return date.fromisoformat(str(published_at)[:10]).toordinal() - EPOCH_ORDINAL
    except ValueError:
        return None


# Memoised per string: the same word forms and shingles recur across articles.
@lru_cache(maxsize=1 << 16)
def _normal_form(form: str) -> str:
    return unicodedata.normalize("NFKC", form).lower()


def shingles_from_tokens(tokens) -> set[str]:
    """Ordered pairs of each noun-like morpheme with the next SHINGLE_REACH ones."""
    morphemes = [
        _normal_form(token.form)
        for token in tokens if base_tag(token.tag) in SHINGLE_TAGS
    ]
    if len(morphemes) == 1:
        return {morphemes[0]}
    return {
        morphemes[first] + "|" + morphemes[second]
        for first in range(len(morphemes))
        for second in range(first + 1, min(len(morphemes), first + 1 + SHINGLE_REACH))
    }


@lru_cache(maxsize=1 << 16)
def _hash32(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "little")


def _is_index_fact(fact: str) -> bool:
    """Facts worth a posting: figures, years, places and names, not days or clock times."""
    return fact.rpartition("|")[0] not in WEAK_EVIDENCE_SLOTS


def _adjacent(previous, token) -> bool:
    return token.start == previous.start + previous.len


def _read_number(tokens, index: int) -> tuple[float, int]:
    """The value of the digit group starting at `index` (1억2000만 -> 120,000,000)
    and the index after it."""
    value = 0.0
    while index < len(tokens) and base_tag(tokens[index].tag) == "SN":
        try:
            digits = float(tokens[index].form.replace(",", ""))
        except ValueError:
            return value, index + 1
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and base_tag(following.tag) == "NR" and _adjacent(tokens[index], following) \
                and all(char in NUMERAL_MULTIPLIERS for char in following.form):
            value += digits * math.prod(NUMERAL_MULTIPLIERS[char] for char in following.form)
            index += 2
            # 6만8천: another digit group continues the number only when attached.
            if index < len(tokens) and _adjacent(tokens[index - 1], tokens[index]):
                continue
            return value, index
        return value + digits, index + 1
    return value, index


def _unit_at(tokens, index: int) -> str | None:
    """The unit written right after a number (a space allowed before a bound noun)."""
    if index >= len(tokens):
        return None
    token, tag = tokens[index], base_tag(tokens[index].tag)
    attached = _adjacent(tokens[index - 1], token)
    form = _normal_form(token.form)
    if not (tag == "NNB" or (tag == "SL" and attached) or (tag == "SW" and form in SYMBOL_UNITS)
            or (tag == "NNG" and attached)):
        return None
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is not None and _adjacent(token, following) and form + following.form in UNIT_ALIASES:
        form += following.form  # % 포인트 written as two morphemes
    return UNIT_ALIASES.get(form, form)


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.3f}".rstrip("0")


def _quantity_and_date_facts(tokens) -> set[str]:
    """Figures with their unit ("q|원|15000000") and calendar dates ("d|일|7")."""
    facts: set[str] = set()
    index = 0
    while index < len(tokens):
        tag = base_tag(tokens[index].tag)
        if tag == "W_SERIAL":  # scores and serials such as 2-1
            facts.add(f"{QUANTITY}|serial|{tokens[index].form}")
        if tag != "SN":
            index += 1
            continue
        value, after = _read_number(tokens, index)
        unit = _unit_at(tokens, after)
        if unit is not None:
            facts.add(_figure_fact(value, unit, tokens, after))
        index = max(after, index + 1)
    return facts


def _figure_fact(value: float, unit: str, tokens, unit_index: int) -> str:
    following = tokens[unit_index + 1] if unit_index + 1 < len(tokens) else None
    is_duration = following is not None and following.form in DURATION_MARKERS
    bounds = DATE_UNIT_RANGES.get(unit)
    if bounds and not is_duration and value == int(value) and bounds[0] <= value <= bounds[1]:
        return f"{DATE}|{unit}|{int(value)}"
    return f"{QUANTITY}|{unit}|{_number_text(value)}"


def _entity_facts(tokens) -> set[str]:
    """Proper nouns and Latin names ("e|청송"), and places of a kind ("p|군|청송")."""
    facts: set[str] = set()
    for group in _noun_compounds(tokens):
        names = [
            # Kiwi sometimes splits 풍천면 into 풍천 + 면: the suffix belongs to the name.
            form + following[0] if following and following[0] in PLACE_SUFFIXES else form
            for (form, tag), following in zip(group, group[1:] + [None]) if tag in ENTITY_TAGS
        ]
        if not names:
            continue
        if len(group) > 1:
            facts.add(f"{ENTITY}|{''.join(form for form, _ in group)}")
        for name in names:
            facts.update(_name_facts(name))
    return facts


def _name_facts(name: str) -> set[str]:
    for suffix in UNIVERSITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            university = name[: -len(suffix)] + "대"
            return {f"{ENTITY}|{university}", f"{PLACE}|대학|{university}"}
    if name in DIRECTION_DISTRICTS:
        return {f"{ENTITY}|{name}", f"{PLACE}|구|{name}"}
    suffix = name[-1]
    if suffix in PLACE_SUFFIXES and len(name) in PLACE_NAME_LENGTHS.get(suffix, DEFAULT_PLACE_NAME_LENGTHS):
        return {f"{ENTITY}|{name[:-1]}", f"{PLACE}|{suffix}|{name[:-1]}"}
    return {f"{ENTITY}|{name}"}


def _noun_compounds(tokens) -> list[list[tuple[str, str]]]:
    """Runs of noun-like morphemes written without a space (한성배터리소재)."""
    groups: list[list[tuple[str, str]]] = []
    previous = None
    for token in tokens:
        tag = base_tag(token.tag)
        if tag not in COMPOUND_TAGS:
            previous = None
            continue
        form = _normal_form(token.form)
        if previous is not None and _adjacent(previous, token):
            groups[-1].append((form, tag))
        else:
            groups.append([(form, tag)])
        previous = token
    return groups


# --- comparison ---------------------------------------------------------------------

# Signals a comparison can be run without, for the ablation table.
SIGNALS = ("text", "containment", "fact_evidence", "quantities", "dates", "places", "publication_window")


@dataclass
class StoryComparison:
    """Why two articles are, or are not, one story."""

    containment: float
    jaccard: float
    shared_facts: int
    conflicts: dict[str, list[str]]
    days_apart: int | None
    same: bool
    reason: str

    def explain(self) -> str:
        conflicts = "; ".join(f"{signal}: {', '.join(slots)}" for signal, slots in self.conflicts.items())
        return (f"{'same story' if self.same else 'different stories'} ({self.reason}); "
                f"containment {self.containment:.2f}, jaccard {self.jaccard:.2f}, "
                f"shared facts {self.shared_facts}, days apart {self.days_apart}"
                + (f"; conflicts: {conflicts}" if conflicts else ""))


def shingle_overlap(first: StoryFeatures, second: StoryFeatures) -> tuple[float, float]:
    """(containment of the smaller text in the other, Jaccard), from the two sketches.

    Both sketches are complete below the smaller of their largest kept
    hashes, so the overlap there estimates the overlap of the whole texts.
    """
    if not first.shingles or not second.shingles:
        return 0.0, 0.0
    limit = min(_sketch_limit(first), _sketch_limit(second))
    kept_first, kept_second = first.shingles_up_to(limit), second.shingles_up_to(limit)
    common = shared_values(kept_first, kept_second)
    union = kept_first.size + kept_second.size - common
    jaccard = common / union if union else 0.0
    shared = jaccard * (first.shingle_count + second.shingle_count) / (1 + jaccard)
    return min(1.0, shared / min(first.shingle_count, second.shingle_count)), jaccard


def shared_values(first: np.ndarray, second: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values have in common."""
    if not first.size or not second.size:
        return 0
    if first.size > second.size:
        first, second = second, first
    positions = np.minimum(np.searchsorted(second, first), second.size - 1)
    return int(np.count_nonzero(second[positions] == first))


def _sketch_limit(features: StoryFeatures) -> int:
    return features.shingles[-1] if features.shingle_count > len(features.shingles) else 2**32


def contradictions(first: StoryFeatures, second: StoryFeatures, kind: str) -> list[str]:
    """Slots (a unit, a date part, a kind of place) both fill with no value in common."""
    first_slots, second_slots = first.slots_by_kind.get(kind, {}), second.slots_by_kind.get(kind, {})
    return sorted(
        slot for slot in first_slots.keys() & second_slots.keys()
        if not first_slots[slot] & second_slots[slot]
    )


def shared_event_facts(first: StoryFeatures, second: StoryFeatures) -> int:
    """Figures and years both articles state; not days, clock times or the year
    either was published in (every article of that year may name it)."""
    publication_years = {
        f"{DATE}|년|{date.fromordinal(EPOCH_ORDINAL + day).year}"
        for day in (first.published_day, second.published_day) if day is not None
    }
    return sum(
        1 for fact in first.fact_set & second.fact_set
        if fact.startswith((QUANTITY + "|", DATE + "|")) and fact.rpartition("|")[0] not in WEAK_EVIDENCE_SLOTS
        and fact not in publication_years
    )


def compare(first: StoryFeatures, second: StoryFeatures, without: frozenset[str] = frozenset(),
            overlap: tuple[float, float] | None = None) -> StoryComparison:
    """Compare two articles; `without` names SIGNALS to leave out (for ablation);
    `overlap` is their `shingle_overlap` when the caller has it already."""
    containment, jaccard = overlap or shingle_overlap(first, second)
    days_apart = None
    if first.published_day is not None and second.published_day is not None:
        days_apart = abs(first.published_day - second.published_day)
    conflicts = {
        signal: slots for signal, kind in CONFLICT_SIGNALS.items()
        if signal not in without and (slots := contradictions(first, second, kind))
    }
    shared = shared_event_facts(first, second)
    result = StoryComparison(containment, jaccard, shared, conflicts, days_apart, False, "")
    if "publication_window" not in without and days_apart is not None and days_apart > MAX_STORY_SPAN_DAYS:
        result.reason = f"published {days_apart} days apart"
    elif conflicts:
        result.reason = "event details contradict"
    else:
        _decide_on_text(result, without)
    return result


def _decide_on_text(result: StoryComparison, without: frozenset[str]) -> None:
    levels = TEXT_CONTAINMENT_BY_SHARED_FACTS
    evidence = 0 if "fact_evidence" in without else min(result.shared_facts, len(levels) - 1)
    if "text" in without:
        result.same = evidence == len(levels) - 1
        result.reason = f"{result.shared_facts} shared facts"
        return
    overlap = result.jaccard if "containment" in without else result.containment
    needed = levels[evidence]
    result.same = overlap >= needed
    result.reason = f"text overlap {overlap:.2f} {'>=' if result.same else '<'} {needed} with {evidence} shared facts"


def same_story(first: StoryFeatures, second: StoryFeatures) -> bool:
    """Whether two articles report the same event."""
    return compare(first, second).same


def explain_pair(first: StoryFeatures, second: StoryFeatures) -> str:
    """A one-line account of `compare`, for debugging a merge or a split."""
    return compare(first, second).explain()
