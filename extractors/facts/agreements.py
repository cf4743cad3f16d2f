"""Agreements: one record per signed or announced deal.

A deal is a trigger word (협약, 계약, MOU, 양해각서) that a signing verb makes
an event (체결했다, 맺었다, 따냈다, 체결할 예정) — not 계약직, 계약 기간, 계약 해지
or a quotation's 이번 협약으로. Around each trigger, in its sentence:

* the type is the nearest qualifier before it (``TYPE_CUES``: 투자, 수출, 공급,
  공동연구, 업무…); a supply deal in a foreign currency or with a party abroad is
  an export contract;
* the amount is the money just before it (or ``계약 3건 350만 달러`` after it),
  never a consultation total (상담액);
* the parties are the organisations, governments and the organisations of the
  people in its clause, without the body that only announces it (X는 Y가 … 체결했다고 밝혔다);
* ``각각`` splits one sentence into one deal per listed party.

Records of the same deal (title, lead, body) merge; a record whose amount is the
sum of other deals, or that counts deals (14건, 실적, 집계), is ``aggregate``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

from .document import Document
from .money import MoneyMention
from .organisations import Organisation
from .people import PersonMention
from .places import PlaceMention
from .textdates import DateMention

TRIGGER = re.compile(r"업무협약|투자협약|협약|계약|MOU|양해각서|협정서?")
NOT_A_DEAL = re.compile(r"^(?:계약직|계약학과|계약서|재계약|본계약|계약금(?!액)|계약자|계약률|협약식장|계약\s?(?:기간|해지|만료|연장|갱신|물량|품목|조건))")
SIGNED = re.compile(r"체결|맺|서명|따내|따냈|따낸|성사|이끌어|가졌|교환|달성|거뒀|거두|올렸|집계|수주")
PLANNED = re.compile(r"체결할|맺을|체결\s?예정|맺기로|체결하기로|체결키로|체결될|맺게\s?될|추진한다|추진할")
SIGNED_BEFORE = re.compile(r"(체결한|맺은|체결된|맺어진)\s?$")
REFERENCE = re.compile(r"^(?:에\s?따라|에\s?따른|을\s?통해|으로|의\s?(?:핵심|내용))")
ANNOUNCING = re.compile(r"고\s?(?:\d+일\s?)?(?:밝혔|전했|발표했|설명했|알렸)")
AGGREGATE_CUE = re.compile(r"\d+\s?건|실적|집계|계약금액|협약금액|누적|합계")
NOT_A_DEAL_AMOUNT = re.compile(r"(상담액|상담금액|상담|매출|예산|사업비|피해액|수출액)\s?$")
DURATION = re.compile(r"(\d+)\s?(년|개월)\s?(?:간|동안|\s동안)")
SUBJECT_PARTICLE = re.compile(r"^(이|가|은|는)$")
COMITATIVE = re.compile(r"^(와|과|와의|과의|와도|과도|및)$")


@dataclass(frozen=True)
class TypeCue:
    type: str
    regex: re.Pattern
    example: str


def _cue(kind: str, pattern: str, example: str) -> TypeCue:
    return TypeCue(kind, re.compile(pattern), example)


# The nearest of these before the trigger names the kind of deal.
TYPE_CUES: tuple[TypeCue, ...] = (
    _cue("joint_rnd", r"공동\s?연구|공동\s?개발|연구\s?개발|공동\s?R&D", "500만 불 규모의 공동연구생산 협약을 체결"),
    _cue("investment", r"투자", "3,200억 원 규모의 투자협약을 맺었다"),
    _cue("export_contract", r"수출", "총 300만 불 수출계약을 체결했다"),
    _cue("supply", r"공급|납품|판매|구매|구입|조달", "11억 원 규모의 납품계약을 맺으며"),
    _cue("mou", r"업무|MOU|양해각서|협력|교류|운영|\d자", "기술 및 비즈니스 협력 협약(MOU)을 체결"),
    _cue("other", r"입주|이전|운항|라이선스|용역|위탁|도급|임대", "3개사가 입주 협약을 맺었다"),
)
DEFAULT_TYPE = {"계약": "other", "협약": "mou", "협정": "mou", "협정서": "mou", "MOU": "mou", "양해각서": "mou",
                "업무협약": "mou", "투자협약": "investment"}


@dataclass
class Mentions:
    """Everything found in the article that an agreement can point to."""

    organisations: list[Organisation]
    places: list[PlaceMention]
    people: list[PersonMention]
    money: list[MoneyMention]
    dates: list[DateMention]

    def __post_init__(self) -> None:
        # Governments sign deals (경북도, 포항시, 안디잔주); countries and world regions
        # in a deal's sentence describe the partner (베트남 제약사) instead.
        governments = [(p.start, p.end, p.name) for p in self.places
                       if p.country == "KR" and p.kind != "country" or p.kind == "foreign_region" and p.country]
        self.parties_at: list[tuple[int, int, str]] = sorted(
            [(m.start, m.end, o.name) for o in self.organisations for m in o.mentions] + governments
            + [(p.start, p.end, p.org) for p in self.people if p.org])


@dataclass
class Agreement:
    type: str
    parties: list[str]
    amount: MoneyMention | None
    date: str | None
    place: str | None
    duration: str | None
    status: str
    aggregate: bool
    evidence: str
    start: int
    end: int
    qualified: bool = True  # the type came from a qualifier, not the trigger alone
    foreign: bool = False
    extra_parties: set = field(default_factory=set)


def find_agreements(doc: Document, mentions: Mentions) -> list[Agreement]:
    records: list[Agreement] = []
    for sentence_start, sentence_end in doc.sentences:
        records.extend(sentence_agreements(doc, mentions, sentence_start, sentence_end))
    merged = merge_same_deals(records)
    mark_sums_as_aggregate(merged)
    return [r for r in merged if r.parties or r.aggregate]


def sentence_agreements(doc: Document, mentions: Mentions, start: int, end: int) -> list[Agreement]:
    text = doc.text
    triggers = [m for m in TRIGGER.finditer(text, start, end) if is_deal_trigger(doc, m)]
    records = []
    previous_end = start
    for index, trigger in enumerate(triggers):
        next_start = triggers[index + 1].start() if index + 1 < len(triggers) else end
        right = text[trigger.end():next_start]
        status = deal_status(text, trigger, right, doc.in_title(trigger.start()))
        if status:
            records.extend(build_records(doc, mentions, (previous_end, trigger, next_start), (start, end), status))
        previous_end = trigger.end()
    return records


def is_deal_trigger(doc: Document, match: re.Match) -> bool:
    word = doc.word_at(match.start())
    word_from_trigger = doc.text[match.start():match.start() + 12]
    if NOT_A_DEAL.match(word_from_trigger) or inside_speech(doc.text, match.start()):
        return False
    if match.group() in ("협약", "계약") and word and word.start < match.start():
        inner = doc.text[word.start:match.start()]
        if inner.endswith(("계약", "협약")):  # the 협약 of 업무협약 is found once
            return False
    return True


def inside_speech(text: str, offset: int) -> bool:
    """Inside “…”: a quotation refers to deals, it does not announce them."""
    return text.count("“", 0, offset) > text.count("”", 0, offset)


def deal_status(text: str, trigger: re.Match, right: str, in_title: bool) -> str | None:
    if REFERENCE.match(right):
        return None
    window = right[:40]
    if PLANNED.search(window):
        return "planned"
    if SIGNED.search(window) or SIGNED_BEFORE.search(text[max(0, trigger.start() - 12):trigger.start()]):
        return "signed"
    return "signed" if in_title else None


def build_records(doc: Document, mentions: Mentions, spans, sentence, status: str) -> list[Agreement]:
    left_start, trigger, right_end = spans
    text = doc.text
    kind, qualified = deal_type(text, left_start, trigger)
    amount = deal_amount(mentions.money, text, left_start, trigger, right_end)
    parties = deal_parties(doc, mentions, sentence[0], trigger)
    foreign = any(p.country and p.country != "KR" for p in mentions.places if sentence[0] <= p.start < sentence[1])
    if kind in ("supply", "other") and (foreign or (amount and amount.currency != "KRW")) and \
            (kind == "supply" or not qualified):
        kind, qualified = "export_contract", True
    window = text[left_start:right_end]
    base = dict(amount=amount, date=deal_date(mentions.dates, sentence[0], trigger.start()),
                place=deal_place(doc, mentions.places, sentence), duration=duration_in(text[sentence[0]:sentence[1]]),
                status=status, aggregate=bool(AGGREGATE_CUE.search(window)) and not has_company(parties, mentions),
                evidence=text[sentence[0]:sentence[1]].strip(), start=sentence[0], end=sentence[1],
                qualified=qualified, foreign=foreign)
    listed = listed_respectively(doc, mentions, trigger)
    if listed:
        common = [p for p in parties if p not in listed]
        return [Agreement(kind, [party, *common], **base) for party in listed]
    return [Agreement(kind, parties, **base)]


def deal_type(text: str, left_start: int, trigger: re.Match) -> tuple[str, bool]:
    """The nearest qualifier in the two words before the trigger (or in its own word)."""
    before = text[max(left_start, trigger.start() - 24):trigger.start() + len(trigger.group())]
    before = re.split(r"[,.]|\s(?:및|과|와)\s", before)[-1]
    best, best_position = None, -1
    for cue in TYPE_CUES:
        for match in cue.regex.finditer(before):
            if match.start() > best_position:
                best, best_position = cue.type, match.start()
    if best:
        return best, True
    return DEFAULT_TYPE.get(trigger.group(), "other"), False


def deal_amount(money: list[MoneyMention], text: str, left_start: int, trigger: re.Match,
                right_end: int) -> MoneyMention | None:
    after = [m for m in money if trigger.end() <= m.start <= trigger.end() + 12 and m.start < right_end
             and re.fullmatch(r"(?:금액)?\s?(?:\d+\s?건)?\s?(?:은|는|이|가)?\s?,?\s?", text[trigger.end():m.start])]
    if after:
        return after[0]
    before = [m for m in money if left_start <= m.start and m.end <= trigger.start()
              and not NOT_A_DEAL_AMOUNT.search(text[max(0, m.start - 6):m.start])]
    return before[-1] if before else None


def deal_parties(doc: Document, mentions: Mentions, sentence_start: int, trigger: re.Match) -> list[str]:
    """Entities of the clause before the trigger, without an announcer or a place used as a locative."""
    found: list[tuple[int, str, str]] = []
    for start, end, name in mentions.parties_at:
        if sentence_start <= start < trigger.start():
            word = doc.word_at(start)
            particle = word.particle() if word and word.stem_end <= end + 1 else ""
            if is_place(mentions, start) and particle not in ("", "와", "과", "은", "는", "이", "가", "와의", "과의"):
                continue
            found.append((start, name, particle))
    found = drop_announcer(doc, found, sentence_start, trigger)
    names: list[str] = []
    for _, name, _ in found:
        if name not in names:
            names.append(name)
    return names


def is_place(mentions: Mentions, start: int) -> bool:
    return any(p.start == start for p in mentions.places)


def drop_announcer(doc: Document, found: list, sentence_start: int, trigger: re.Match) -> list:
    """X는 Y가 Z와 … 체결했다고 밝혔다: X only announces."""
    rest = doc.text[trigger.end():trigger.end() + 60]
    if not found or not ANNOUNCING.search(rest) or found[0][2] not in ("은", "는"):
        return found
    if any(particle in ("이", "가") for _, _, particle in found[1:]):
        return found[1:]
    return found


def has_company(parties: list[str], mentions: Mentions) -> bool:
    return any(o.legal_form and o.name in parties for o in mentions.organisations)


def listed_respectively(doc: Document, mentions: Mentions, trigger: re.Match) -> list[str]:
    """A 및 B와 각각 협약: one deal with A, one with B."""
    before = doc.text[max(0, trigger.start() - 40):trigger.start()]
    match = re.search(r"(\S+)\s(?:및|와|과)\s(\S+?)(?:와|과)\s각각\s(?:\S+\s)?$", before)
    if not match:
        return []
    base = trigger.start() - len(before)
    names = []
    for group in (1, 2):
        offset = base + match.start(group)
        name = next((n for s, _, n in mentions.parties_at if s == offset), None)
        if name:
            names.append(name)
    return names if len(names) == 2 else []


def deal_date(dates: list[DateMention], sentence_start: int, trigger_start: int) -> str | None:
    days = [d for d in dates if sentence_start <= d.start < trigger_start and len(d.date) == 10 and not d.end_date]
    return days[-1].date if days else None


def deal_place(doc: Document, places: list[PlaceMention], sentence: tuple[int, int]) -> str | None:
    for place in places:
        if sentence[0] <= place.start < sentence[1] and doc.text.startswith("에서", place.end):
            return place.name
    return None


def duration_in(sentence: str) -> str | None:
    match = DURATION.search(sentence)
    return f"{match.group(1)}{match.group(2)}" if match else None


# --- one record per deal --------------------------------------------------------------

def merge_same_deals(records: list[Agreement]) -> list[Agreement]:
    merged: list[Agreement] = []
    for record in records:
        same = next((m for m in merged if same_deal(m, record)), None)
        if same is None:
            merged.append(record)
        else:
            absorb(same, record)
    return merged


def same_deal(a: Agreement, b: Agreement) -> bool:
    if a.amount and b.amount:
        return a.amount.value == b.amount.value and a.amount.currency == b.amount.currency
    if a.date and b.date and a.date != b.date:
        return False
    small, large = (a, b) if len(a.parties) <= len(b.parties) else (b, a)
    if not small.parties or not set(small.parties) <= set(large.parties):
        return False
    if a.amount or b.amount:
        unamounted = a if not a.amount else b
        return a.type == b.type or not unamounted.qualified
    return a.type == b.type or not a.qualified or not b.qualified


def absorb(kept: Agreement, other: Agreement) -> None:
    if len(other.parties) > len(kept.parties):
        kept.evidence, kept.start, kept.end = other.evidence, other.start, other.end
    if other.qualified and (not kept.qualified or (kept.amount is None and other.amount is not None)):
        kept.type, kept.qualified = other.type, True
    kept.amount = kept.amount or other.amount
    kept.parties += [p for p in other.parties if p not in kept.parties]
    kept.date = kept.date or other.date
    kept.place = kept.place or other.place
    kept.duration = kept.duration or other.duration
    kept.aggregate = kept.aggregate and other.aggregate
    if kept.status != "signed":
        kept.status = other.status


def mark_sums_as_aggregate(records: list[Agreement]) -> None:
    """650만 불 when the article also reports deals of 300만 and 350만 불: a total."""
    for record in records:
        if record.amount is None:
            continue
        parts = [r.amount.value for r in records if r is not record and r.amount and not r.aggregate
                 and r.amount.currency == record.amount.currency and r.amount.value < record.amount.value]
        if any(abs(sum(subset) - record.amount.value) < 0.5
               for size in range(2, min(len(parts), 6) + 1) for subset in combinations(parts, size)):
            record.aggregate = True
