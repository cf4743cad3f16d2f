"""Agreements: one record per signed or announced deal.

A deal is a trigger word (협약, 계약, MOU, 양해각서, or ``…하기로 했다`` with an
amount) that a signing verb makes an event (체결했다, 맺었다, 따냈다, 체결할
예정) — not 계약직, 계약 기간, 계약 해지 or a quotation's 이번 협약으로. In the
trigger's sentence:

* the type is the trigger word's own qualifier (수출계약, 업무협약) or, for a bare
  협약/계약/MOU, the nearest qualifier before it (``TYPE_CUES``); a supply deal in a
  foreign currency or with a party abroad is an export contract;
* the amount is the money just before it, not a budget spent on it (240억 원 투입)
  nor a conversion in brackets (약 14억 원), or ``계약 3건 350만 달러`` after it;
* the parties are the organisations, governments and organisations of the people
  of its clause, without the body that only announces it (X는 Y가 … 체결했다고 밝혔다).

``AGREEMENT_RULES`` name every rule with an example (tests/test_facts.py). Records
of one deal (title, lead, body) merge; a record whose amount is the sum of other
deals, or that counts deals (14건, 실적, 집계, 모두), is ``aggregate``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from .document import Document
from .money import MoneyMention
from .organisations import Organisation
from .people import PersonMention
from .places import PlaceMention
from .rules import Rule
from .textdates import DateMention

TRIGGER = re.compile(r"업무협약|투자협약|협약|계약|MOU|양해각서|협정서?|(?:수출|공급|납품)하기로|수주")
NOT_A_DEAL = re.compile(r"^(?:계약직|계약학과|계약서|재계약|본계약|계약금(?!액)|계약자|계약률|협약식장|계약\s?(?:기간|해지|만료|연장|갱신|물량|품목|조건)"
                        r"|수주(?:액|량|잔고|\s?물량|\s?실적|\s?목표|\s?경쟁|전))")
SIGNED = re.compile(r"체결|맺|서명|따내|따냈|따낸|성사|이끌어|가졌|교환|달성|거뒀|거두|올렸|집계|수주|하기로\s?했")
PLANNED = re.compile(r"체결할|맺을|체결\s?예정|맺기로|체결하기로|체결키로|체결될|맺게\s?될|^\s?(?:체결을\s?)?추진")
CONDITIONAL = re.compile(r"^\S{0,2}\s?(?:체결되면|맺으면|체결하면|체결\s?시|체결될\s?경우|맺게\s?되면)")
ANAPHORIC = re.compile(r"(?:이\s?같은|이런|해당|이번|같은)\s?(?:내용의\s?)?$")
PER_UNIT = re.compile(r"(?:당|최대|최고)\s?$")
SIGNED_BEFORE = re.compile(r"(체결한|맺은|체결된|맺어진)\s?$")
DESCRIBED = re.compile(r"^(?:이다|다|였다|이었다|으로\s?,|로\s?,)")
LARGEST = re.compile(r"가장\s?큰\s?(?:규모의\s?)?$")
REFERENCE = re.compile(r"^(?:에\s?따라|에\s?따른|을\s?통해|의\s?(?:핵심|내용))")
ANNOUNCING = re.compile(r"고\s?(?:\d+일\s?)?(?:밝혔|전했|발표했|설명했|알렸)")
AGGREGATE_CUE = re.compile(r"\d+\s?건|실적|집계|계약금액|협약금액|누적|합계|모두|나머지")
AMOUNT_AFTER = re.compile(r"^(?:금액|규모)?\s?[은는이가]?\s?(?:\d+\s?건)\s?,?\s?|^(?:금액|규모)\s?[은는이가]?\s?|^\s?$")
NOT_A_DEAL_AMOUNT = re.compile(r"(상담액|상담금액|상담|매출|예산|사업비|피해액|수출액)\s?$")
SPENT_ON = re.compile(r"투입|들여|편성|확보|지원")
COORDINATED = re.compile(r"^\s?(?:과|와|및)\s?\S{0,4}\s?$|^\s?\($")
DURATION = re.compile(r"(\d+)\s?(년|개월)\s?(?:간|동안|\s동안)")
FOLLOW_UP = re.compile(r"^\s*(?:이번\s?)?(?:협약|계약)(?!\s?(?:물량|품목))")
ANAPHOR_COMPANY = re.compile(r"^\s*(?:이\s(?:회사|기업|업체)|회사)(?:는|가|은|이|측은)\s")
ANAPHOR_GOVERNMENT = {"도": "province", "시": "city", "군": "county"}
PARTY_PARTICLES = ("", "와", "과", "은", "는", "이", "가", "와의", "과의", "도")


@dataclass(frozen=True)
class TypeCue:
    type: str
    regex: re.Pattern
    example: str


def _cue(kind: str, pattern: str, example: str) -> TypeCue:
    return TypeCue(kind, re.compile(pattern), example)


# A bare 협약/계약/MOU takes the type of the nearest of these before it.
TYPE_CUES: tuple[TypeCue, ...] = (
    _cue("joint_rnd", r"공동\s?연구|공동\s?개발|연구\s?개발|공동\s?R&D", "500만 불 규모의 공동연구생산 협약을 체결했다"),
    _cue("investment", r"투자", "3,200억 원 규모의 투자협약을 맺었다"),
    _cue("export_contract", r"수출", "총 300만 불 수출계약을 체결했다"),
    _cue("supply", r"공급|납품|판매|구매|구입|조달", "11억 원 규모의 납품계약을 맺었다"),
    _cue("mou", r"업무|MOU|양해각서|협력|교류|운영|\d자", "기술 및 비즈니스 협력 협약(MOU)을 체결했다"),
    _cue("other", r"입주|이전|운항|라이선스|용역|위탁|도급|임대", "3개사가 입주 협약을 맺었다"),
)
# Trigger words that carry their own type whatever qualifies them (공급하는 업무협약).
EXPLICIT_TRIGGERS = {"업무협약": "mou", "투자협약": "investment"}
DEFAULT_TYPE = {"수주": "supply", "계약": "other", "협약": "mou", "협정": "mou", "협정서": "mou", "MOU": "mou", "양해각서": "mou",
                "업무협약": "mou", "투자협약": "investment", "수출하기로": "export_contract",
                "공급하기로": "supply", "납품하기로": "supply"}


AGREEMENT_RULES: tuple[Rule, ...] = (
    Rule("signed_trigger", "㈜무계바이오는 현장에서 바이어 3개사와 총 300만 불 수출계약을 체결했다.",
                  "export_contract | 3000000 USD | 무계바이오"),
    Rule("planned_trigger", "경북도는 다음 달 ㈜한빛소재와 1조 2천억 원 규모의 투자협약을 체결할 예정이다.",
                  "investment | 1200000000000 KRW | 한빛소재"),
    Rule("supply_abroad_is_export", "㈜마루에너지는 농업기업인 ‘DigitalAgro’와 350만 불의 스마트팜 센서 공급 계약을 따냈다.",
                  "export_contract | 3500000 USD | DigitalAgro"),
    Rule("bare_trigger_takes_nearest_qualifier", "㈜DHU 메디코스는 500만 불 규모의 공동연구생산 협약을 체결했다.",
                  "joint_rnd | 5000000 USD | DHU 메디코스"),
    Rule("announcer_is_not_a_party", "안동시는 ㈜녹원바이오팜이 베트남 제약사와 1,800만 달러 규모의 공급계약을 체결했다고 15일 밝혔다.",
                  "export_contract | 18000000 USD | 녹원바이오팜"),
    Rule("conversion_in_brackets_is_not_the_amount",
                  "㈜온새미푸드가 베트남 유통기업과 120만 달러(약 14억 5천만 원) 규모의 수출계약을 체결했다.",
                  "export_contract | 1200000 USD | 온새미푸드"),
    Rule("budget_spent_is_not_the_amount", "구미시는 ㈜세진마이크로와 240억 원 투입 ‘반도체 아카데미’ 업무협약을 체결했다.",
                  "mou | - | 세진마이크로"),
    Rule("amount_after_count", "(재)전주탄소산업진흥원은 상담액 1,240만 달러, 계약 3건 350만 달러의 실적을 거뒀다.",
                  "export_contract | 3500000 USD | 전주탄소산업진흥원"),
    Rule("described_by_copula", "㈜대원오토텍과 함께 나머지 510만 달러는 부품 공동 개발을 담은 업무협약이다.",
                  "mou | 5100000 USD | -"),
    Rule("largest_deal", "가장 큰 계약은 ㈜하람바이오텍이 이전받은 기술로, 기술료는 선급금 4억 원을 포함해 7억 5천만 원이다.",
                  "other | 750000000 KRW | 하람바이오텍"),
    Rule("agreed_to_supply", "㈜카본리프는 오스트리아 드론 제조사에 경량 프레임 90만 달러어치를 수출하기로 했다.",
                  "export_contract | 900000 USD | 카본리프"),
    Rule("deals_listed_with_amounts", "㈜대원오토텍 480만 달러·㈜성진테크 260만 달러 계약\n\n경산시는 상담회를 열었다.",
                  "export_contract | 2600000 USD | 성진테크"),
    Rule("respectively", "방문단은 자동차융합기술원 및 군산자동차부품협의회와 각각 협약을 체결했다.",
                  "mou | - | 군산자동차부품협의회"),
    Rule("order_won", "거제의 ㈜남해조선이 그리스 선사로부터 LNG 운반선 2척을 5억 달러에 수주했다고 3일 공시했다.",
         "export_contract | 500000000 USD | 남해조선"),
    Rule("coordinated_triggers_are_one_deal", "경산시는 ㈜대원오토텍과 1,250만 달러 규모의 수출계약과 업무협약을 이끌어냈다.",
                  "export_contract | 12500000 USD | 대원오토텍"),
    Rule("amount_in_follow_up_sentence",
                  "두 기관은 ㈜세한전자와 공동연구 협약을 맺었다. 협약 기간은 3년이며, 회사가 연구비 3억5천만원을 지원한다.",
                  "joint_rnd | 350000000 KRW | 세한전자"),
    Rule("investment_amount_from_the_lead", "㈜동서스마트로지스, 칠곡에 620억 원 들여 물류센터\n\n경북도는 ㈜동서스마트로지스와 투자협약을 체결했다.",
                  "investment | 62000000000 KRW | 동서스마트로지스"),
    Rule("company_anaphor", "㈜수소누리는 직원 34명의 기업이다. 회사는 지난해 충전소 운영사와 11억 원 규모의 납품계약을 맺었다.",
                  "supply | 1100000000 KRW | 수소누리"),
    Rule("sum_is_aggregate", "㈜가온은 300만 불 수출계약을, ㈜다온은 350만 불 수출계약을 체결했다. (재)경북테크노파크는 수출계약 650만 불을 달성했다.",
                  "export_contract | 6500000 USD | aggregate"),
)


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
        self.companies = {o.name for o in self.organisations if o.legal_form in ("주식회사", "유한회사")}

    def is_place(self, start: int) -> bool:
        return any(p.start == start for p in self.places)

    def last_company_before(self, offset: int) -> str | None:
        before = [(s, n) for s, _, n in self.parties_at if s < offset and n in self.companies]
        return before[-1][1] if before else None

    def main_government(self, kind: str) -> str | None:
        names = [p.name for p in self.places if p.kind == kind]
        return max(set(names), key=names.count) if names else None


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
    in_title: bool = False
    anaphoric: bool = False  # 이 같은 내용의 협약: the deal just reported


def find_agreements(doc: Document, mentions: Mentions) -> list[Agreement]:
    records: list[Agreement] = []
    for index, (start, end) in enumerate(doc.sentences):
        found = sentence_agreements(doc, mentions, start, end)
        following = doc.sentences[index + 1:index + 3]
        for record in found:
            if record.amount is None and following:
                record.amount = follow_up_amount(doc, mentions, following)
        records.extend(found)
    for record in records:
        if record.type == "investment" and record.amount is None:
            record.amount = investment_amount_from_lead(doc, mentions)
    merged = merge_same_deals(records)
    mark_sums_as_aggregate(merged)
    return [r for r in merged if r.parties or r.aggregate]


def sentence_agreements(doc: Document, mentions: Mentions, start: int, end: int) -> list[Agreement]:
    text = doc.text
    triggers = [m for m in TRIGGER.finditer(text, start, end) if is_deal_trigger(doc, m)]
    records = []
    previous_end = start
    for trigger in triggers:
        coordinated = previous_end > start and COORDINATED.match(text[previous_end:trigger.start()])
        status = None if coordinated else deal_status(text, trigger, end, doc.in_title(trigger.start()))
        if status:
            records.extend(build_records(doc, mentions, (previous_end, trigger), (start, end), status))
        previous_end = trigger.end()
    return records


def is_deal_trigger(doc: Document, match: re.Match) -> bool:
    word = doc.word_at(match.start())
    if NOT_A_DEAL.match(doc.text[match.start():match.start() + 12]) or inside_speech(doc.text, match.start()):
        return False
    if match.group() in ("협약", "계약") and word and word.start < match.start():
        if doc.text[word.start:match.start()].endswith(("계약", "협약")):  # the 협약 of 업무협약 is found once
            return False
    return True


def inside_speech(text: str, offset: int) -> bool:
    """Inside “…”: a quotation refers to deals, it does not announce them."""
    return text.count("“", 0, offset) > text.count("”", 0, offset)


def deal_status(text: str, trigger: re.Match, sentence_end: int, in_title: bool) -> str | None:
    """Signed or planned, or None when the trigger only refers to a deal. The verb may
    close a later clause (A와 X계약을, B와 Y계약을 각각 체결했다)."""
    right = text[trigger.end():min(sentence_end, trigger.end() + 100)]
    before = text[max(0, trigger.start() - 12):trigger.start()]
    if REFERENCE.match(right) or CONDITIONAL.match(right):
        return None
    if PLANNED.search(right):
        return "planned"
    if trigger.group() == "수주" and not re.match(r"^(?:했|한|해|하|를|에\s?성공)", right):
        return None  # 수주 as a topic (수주 경쟁, 수주를 노린다) is not an order won
    if SIGNED.search(right) or SIGNED_BEFORE.search(before) or trigger.group() in ("수주",) or trigger.group().endswith("하기로"):
        return "signed"
    if DESCRIBED.match(right.lstrip("은는이가 ")) or LARGEST.search(before) or in_title:
        return "signed"
    return None


def build_records(doc: Document, mentions: Mentions, spans, sentence, status: str) -> list[Agreement]:
    left_start, trigger = spans
    text = doc.text
    kind, qualified = deal_type(doc, left_start, trigger)
    clause_start = max(clause_start_of(text, sentence[0], trigger), left_start)
    parties = deal_parties(doc, mentions, clause_start, trigger)
    foreign = any(p.country != "KR" for p in mentions.places if sentence[0] <= p.start < sentence[1])
    base = dict(anaphoric=bool(ANAPHORIC.search(text[max(0, trigger.start() - 12):trigger.start()])),
                date=deal_date(mentions.dates, sentence[0], trigger.start()),
                place=deal_place(doc, mentions.places, sentence), duration=duration_in(text[sentence[0]:sentence[1]]),
                status=status, evidence=text[sentence[0]:sentence[1]].strip(), start=sentence[0], end=sentence[1],
                in_title=doc.in_title(trigger.start()))
    pairs = companies_with_amounts(doc, mentions, left_start, trigger.start())
    if pairs and kind == "investment":  # one investment agreement, its investors' amounts added up
        total = MoneyMention(sum(a.value for _, a in pairs), pairs[0][1].currency, "", pairs[0][1].start, pairs[-1][1].end)
        companies = [name for name, _ in pairs]
        return [make_record(kind, qualified, companies + [p for p in parties if p not in companies], total,
                            foreign, False, base)]
    if pairs:
        return [make_record(kind, qualified, [name], amount, foreign, False, base) for name, amount in pairs]
    amount = deal_amount(mentions.money, text, left_start, trigger, sentence[1])
    window = text[left_start:min(sentence[1], trigger.end() + 30)]
    aggregate = bool(AGGREGATE_CUE.search(window)) and not any(p in mentions.companies for p in parties)
    listed = listed_respectively(doc, mentions, trigger)
    if listed:
        common = [p for p in parties if p not in listed]
        return [make_record(kind, qualified, [party, *common], amount, foreign, aggregate, base) for party in listed]
    return [make_record(kind, qualified, parties, amount, foreign, aggregate, base)]


def make_record(kind: str, qualified: bool, parties: list[str], amount, foreign: bool, aggregate: bool,
                base: dict) -> Agreement:
    if kind in ("supply", "other") and (foreign or (amount and amount.currency != "KRW")) and \
            (kind == "supply" or not qualified):
        kind, qualified = "export_contract", True
    return Agreement(kind, list(parties), amount, aggregate=aggregate, qualified=qualified, **base)


def deal_type(doc: Document, left_start: int, trigger: re.Match) -> tuple[str, bool]:
    """The trigger word's own qualifier (수출계약), else the nearest one in the words before it."""
    if trigger.group() in EXPLICIT_TRIGGERS:
        return EXPLICIT_TRIGGERS[trigger.group()], True
    word = doc.word_at(trigger.start())
    own = doc.text[word.start:trigger.start()] if word else ""
    region = own if own else doc.text[max(left_start, trigger.start() - 24):trigger.start()]
    region = re.split(r"[,.]|\s(?:및|과|와)\s", region)[-1]
    best, best_position = None, -1
    for cue in TYPE_CUES:
        for match in cue.regex.finditer(region):
            if match.start() > best_position:
                best, best_position = cue.type, match.start()
    if best:
        return best, True
    default = DEFAULT_TYPE.get(trigger.group(), "other")
    return default, trigger.group() not in ("계약", "협약", "협정", "협정서")


def clause_start_of(text: str, sentence_start: int, trigger: re.Match) -> int:
    """Clauses joined by ~고, / ~며, / ~었고, each hold their own deal."""
    boundary = sentence_start
    for match in re.finditer(r"(?:었고|였고|했고|했으며|었으며|였으며)\s?,?\s", text[sentence_start:trigger.start()]):
        boundary = sentence_start + match.end()
    return boundary


def deal_amount(money: list[MoneyMention], text: str, left_start: int, trigger: re.Match,
                sentence_end: int) -> MoneyMention | None:
    after = [m for m in money if trigger.end() <= m.start <= trigger.end() + 14 and m.start < sentence_end
             and AMOUNT_AFTER.fullmatch(text[trigger.end():m.start])]
    if after:
        return after[0]
    before = [m for m in money if left_start <= m.start and m.end <= trigger.start() and deal_value(money, text, m, trigger)]
    if before:
        return before[-1]
    if LARGEST.search(text[max(0, trigger.start() - 12):trigger.start()]):
        inside = [m for m in money if trigger.end() <= m.start < sentence_end]
        return max(inside, key=lambda m: m.value) if inside else None
    return None


def deal_value(money: list[MoneyMention], text: str, mention: MoneyMention, trigger: re.Match) -> bool:
    before = text[max(0, mention.start - 6):mention.start]
    if NOT_A_DEAL_AMOUNT.search(before) or PER_UNIT.search(before):  # 상담액 N, 1명당 N, 최대 N
        return False
    if text[max(0, mention.start - 3):mention.start].rstrip().endswith(("(", "(약")) and \
            any(other.end <= mention.start <= other.end + 4 for other in money if other is not mention):
        return False  # 120만 달러(약 14억 원): a conversion
    between = text[mention.end:trigger.start()]
    return not (SPENT_ON.search(between) and "투자" not in trigger.group() and "투자" not in between)


def companies_with_amounts(doc: Document, mentions: Mentions, start: int, end: int) -> list[tuple[str, MoneyMention]]:
    """㈜대원오토텍 480만 달러·㈜성진테크 260만 달러 계약: one deal per company and amount."""
    companies = [(s, n) for s, _, n in mentions.parties_at if start <= s < end and n in mentions.companies]
    pairs = []
    for index, (offset, name) in enumerate(companies):
        limit = companies[index + 1][0] if index + 1 < len(companies) else end
        amounts = [m for m in mentions.money if offset < m.start < limit and deal_value(mentions.money, doc.text, m,
                                                                                         re.match("", ""))]
        if amounts:
            pairs.append((name, amounts[-1]))
    names = [name for name, _ in pairs]
    return pairs if len(pairs) >= 2 and len(set(names)) == len(names) else []


def deal_parties(doc: Document, mentions: Mentions, clause_start: int, trigger: re.Match) -> list[str]:
    """Entities of the clause before the trigger, without an announcer or a place used as a modifier."""
    found: list[tuple[int, str, str]] = []
    for start, end, name in mentions.parties_at:
        if clause_start <= start < trigger.start():
            particle = particle_after(doc, end)
            if mentions.is_place(start) and not place_is_party(doc, mentions, start, end, particle):
                continue
            if particle not in PARTY_PARTICLES:  # 협의회의 초청으로, 베트남의: modifiers
                continue
            found.append((start, name, particle))
    found = drop_announcer(doc, found, trigger)
    names = [name for _, name, _ in found]
    if not names:
        names = anaphor_parties(doc, mentions, clause_start, trigger.start())
    if not names:  # 가장 큰 계약은 ㈜하람바이오텍이 …: the party follows the trigger
        sentence_end = doc.sentence_of(trigger.start())[1]
        names = [n for s, _, n in mentions.parties_at if trigger.end() <= s < sentence_end and n in mentions.companies]
    sentence_start = doc.sentence_of(trigger.start())[0]
    if not names and sentence_start < clause_start:  # A와 X계약을, 7일에는 B와 Y계약을: the sentence's subject
        names = topics_between(doc, mentions, sentence_start, trigger.start())
    if not names and not re.search(r"\S(?:은|는|이|가)\s", doc.text[clause_start:trigger.start()]):
        names = previous_topic(doc, mentions, clause_start)
    return list(dict.fromkeys(names))


def topics_between(doc: Document, mentions: Mentions, start: int, end: int) -> list[str]:
    topics = [n for s, e, n in mentions.parties_at if start <= s < end and particle_after(doc, e) in ("은", "는", "이", "가")]
    return topics[:1]


def previous_topic(doc: Document, mentions: Mentions, sentence_start: int) -> list[str]:
    """A sentence with no subject continues the previous one's: ㈜수소누리는 … 이다. 지난해 … 계약을 맺으며."""
    previous = [(s, e) for s, e in doc.sentences if e <= sentence_start]
    if not previous:
        return []
    start, end = previous[-1]
    return [n for n in topics_between(doc, mentions, start, end)][:1]


def particle_after(doc: Document, end: int) -> str:
    bracket = re.match(r"\([^)]{0,40}\)(\S*)|\)(\S*)", doc.text[end:end + 50])
    if bracket:  # 군산자동차부품협의회(이하 협의회)의, 연구소(Research Institute …)와
        following = bracket.group(1) if bracket.group(1) is not None else bracket.group(2)
        return following[:2] if following[:2] in PARTY_PARTICLES else following[:1]
    word = doc.word_at(end - 1)
    if word is None or word.stem_end > end + 1 or doc.text.startswith(")", end):
        return "-"  # more of its word follows (경북도내: a modifier), or it sits in brackets
    return word.particle()


def place_is_party(doc: Document, mentions: Mentions, start: int, end: int, particle: str) -> bool:
    """경북도와, 포항시는, 경북도, 포항시와 — but not 영천지역, 베트남의, 아산·천안 디스플레이."""
    if particle not in PARTY_PARTICLES:
        return False
    if particle:
        return True
    following = doc.text[end:end + 2]
    if not following.startswith((",", "·")):
        return False
    next_party = next(((s, e) for s, e, _ in mentions.parties_at if end < s <= end + 3), None)
    return next_party is not None and place_is_party(doc, mentions, *next_party, particle_after(doc, next_party[1]))


def drop_announcer(doc: Document, found: list, trigger: re.Match) -> list:
    """X는 Y가 Z와 … 체결했다고 밝혔다: X only announces."""
    rest = doc.text[trigger.end():trigger.end() + 60]
    if not found or not ANNOUNCING.search(rest) or found[0][2] not in ("은", "는"):
        return found
    if any(particle in ("이", "가") for _, _, particle in found[1:]):
        return found[1:]
    return found


def anaphor_parties(doc: Document, mentions: Mentions, clause_start: int, trigger_start: int) -> list[str]:
    """회사는 … 계약을 맺었다: the company last named; 시는 … 협약을 맺었다: the article's city."""
    clause = doc.text[clause_start:trigger_start]
    if ANAPHOR_COMPANY.search(clause):
        company = mentions.last_company_before(clause_start)
        return [company] if company else []
    first = re.match(r"\s*(도|시|군)(?:는|가|와|과)\s", clause)
    if first:
        government = mentions.main_government(ANAPHOR_GOVERNMENT[first.group(1)])
        return [government] if government else []
    return []


def listed_respectively(doc: Document, mentions: Mentions, trigger: re.Match) -> list[str]:
    """A 및 B와 각각 협약, A, B와 각각 협약: one deal with A, one with B."""
    before = doc.text[max(0, trigger.start() - 50):trigger.start()]
    match = re.search(r"(\S+?)(?:,|\s및|\s와|\s과)\s(\S+?)(?:와|과)\s각각\s(?:\S+\s)?$", before)
    if not match:
        return []
    base = trigger.start() - len(before)
    names = []
    for group in (1, 2):
        offset = base + match.start(group)
        name = next((n for s, e, n in mentions.parties_at if s <= offset < e or offset <= s < offset + 3), None)
        if name:
            names.append(name)
    return names if len(names) == 2 else []


def follow_up_amount(doc: Document, mentions: Mentions, following: list[tuple[int, int]]) -> MoneyMention | None:
    """협약 기간은 3년이며, 회사가 연구비 3억5천만원을 지원한다: the sentences that go on about
    the deal, in the same paragraph, give its amount."""
    start, end = following[0]
    if not FOLLOW_UP.match(doc.text[start:end]):
        return None
    if len(following) > 1 and "\n" not in doc.text[end:following[1][0]]:
        end = following[1][1]
    amounts = [m for m in mentions.money if start <= m.start < end
               and not NOT_A_DEAL_AMOUNT.search(doc.text[max(0, m.start - 6):m.start])
               and not PER_UNIT.search(doc.text[max(0, m.start - 6):m.start])]
    return amounts[0] if len(amounts) == 1 else None


def investment_amount_from_lead(doc: Document, mentions: Mentions) -> MoneyMention | None:
    """㈜동서스마트로지스, 칠곡에 620억 원 들여…: the title or lead names the investment."""
    lead_end = doc.text.find("\n\n", doc.title_end + 2)
    lead_end = len(doc.text) if lead_end < 0 else lead_end
    for mention in mentions.money:
        if mention.start < lead_end and re.match(r"^\s?(?:을|를)?\s?(?:들여|투자|투입|규모)", doc.text[mention.end:mention.end + 8]):
            return mention
    return None


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
        if same is None and record.anaphoric and merged and compatible_amounts(merged[-1], record):
            same = merged[-1]  # 이 같은 계약이 성사됐다: the deal the previous sentences reported
        if same is None:
            merged.append(record)
        else:
            absorb(same, record)
    return merged


def compatible_amounts(a: Agreement, b: Agreement) -> bool:
    return not (a.amount and b.amount) or (a.amount.value, a.amount.currency) == (b.amount.value, b.amount.currency)


def same_deal(a: Agreement, b: Agreement) -> bool:
    if a.amount and b.amount:
        return a.amount.value == b.amount.value and a.amount.currency == b.amount.currency
    if a.date and b.date and a.date != b.date:
        return False
    if (a.in_title or b.in_title) and a.type == b.type:
        return True  # a headline summarises the deal the body reports
    small, large = (a, b) if len(a.parties) <= len(b.parties) else (b, a)
    if not small.parties or not set(small.parties) <= set(large.parties):
        return False
    unamounted = a if not a.amount else b
    return a.type == b.type or not unamounted.qualified


def absorb(kept: Agreement, other: Agreement) -> None:
    if len(other.parties) > len(kept.parties) and not other.in_title:
        kept.evidence, kept.start, kept.end = other.evidence, other.start, other.end
    if other.qualified and (not kept.qualified or (kept.amount is None and other.amount is not None)):
        kept.type, kept.qualified = other.type, True
    kept.amount = kept.amount or other.amount
    kept.parties += [p for p in other.parties if p not in kept.parties]
    kept.date = kept.date or other.date
    kept.place = kept.place or other.place
    kept.duration = kept.duration or other.duration
    kept.aggregate = kept.aggregate and other.aggregate
    kept.in_title = kept.in_title and other.in_title
    if kept.status != "signed":
        kept.status = other.status


def mark_sums_as_aggregate(records: list[Agreement]) -> None:
    """650만 불 when the article also reports deals of 300만 and 350만 불: a total."""
    for record in records:
        if record.amount is None:
            continue
        parts = [r.amount.value for r in records if r is not record and r.amount
                 and r.amount.currency == record.amount.currency and r.amount.value < record.amount.value]
        if any(abs(sum(subset) - record.amount.value) < 0.5
               for size in range(2, min(len(parts), 6) + 1) for subset in combinations(parts, size)):
            record.aggregate = True
