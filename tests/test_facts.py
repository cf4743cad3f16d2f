"""extractors.facts: every named rule reads its example, every lexicon is sound,
the gold scores meet their targets, and the seeds' deals are all found."""
from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from extractors.evaluate_facts import DEFAULT_GOLD_DIR, article_body, evaluate, load_gold, speed
from extractors.facts import Facts, extract_facts, to_usd
from extractors.facts.agreements import AGREEMENT_RULES, TYPE_CUES
from extractors.facts.lexicons import (LEXICON_DIR, country_names_by_code, exchange_rates, foreign_places,
                                       korean_divisions, read_rows)
from extractors.facts.money import MONEY_EXAMPLES, find_money, money_regex
from extractors.facts.organisations import ORG_RULES
from extractors.facts.people import PERSON_RULES
from extractors.facts.places import PLACE_RULES
from extractors.facts.textdates import DATE_PATTERNS, find_dates

ARTICLE_DAY = "2023-11-01 09:00"
HOLDOUT_DIR = DEFAULT_GOLD_DIR / "holdout"


def facts_of(example: str, published: str = ARTICLE_DAY, authors=()) -> Facts:
    """An example with a blank line is a title and a body; otherwise it is the body."""
    title, _, body = example.partition("\n\n") if "\n\n" in example else ("", "", example)
    return extract_facts(title, body, published, authors=authors)


def names(facts: Facts, kind: str) -> set[str]:
    return {entity["name"] for entity in facts.of_type(kind)}


# --- MONEY --------------------------------------------------------------------------

@pytest.mark.parametrize("name, example, value, currency", MONEY_EXAMPLES, ids=[e[0] for e in MONEY_EXAMPLES])
def test_money_example(name, example, value, currency):
    found = find_money(example)
    assert found, name
    assert (found[0].value, found[0].currency) == (value, currency)


def test_money_marks_totals_ranges_and_approximations():
    total, = find_money("총 300만 불 수출계약")
    assert total.is_total
    ranged, = find_money("기업당 3억~5억 원 규모")
    assert ranged.is_range and ranged.value == 300_000_000 and ranged.end_value == 500_000_000
    approx = find_money("120만 달러(약 14억 5천만 원)")[1]
    assert approx.is_approx and approx.value == 1_450_000_000


@pytest.mark.parametrize("text", ["원장 3명", "2불가능", "1,600cc 엔진", "수천만 원", "16만 5,000㎡", "8천여 명"])
def test_money_ignores_words_that_only_look_like_amounts(text):
    assert find_money(text) == []


def test_to_usd_uses_the_yearly_rate_of_the_date():
    assert to_usd(6_500_000, "USD", "2023-11-01") == 6_500_000
    krw_2023 = exchange_rates()[(2023, "KRW")]
    assert to_usd(1_000_000_000, "KRW", "2023-11-01") == round(1_000_000_000 * krw_2023, 2)
    assert to_usd(1_000_000_000, "KRW", date(2026, 3, 1)) == round(1_000_000_000 * exchange_rates()[(2025, "KRW")], 2)
    assert to_usd(100, "XYZ", "2023-01-01") is None
    assert to_usd(None, "KRW", "2023-01-01") is None


def test_exchange_rates_cover_2015_to_2025_with_a_source_each():
    rows = read_rows("exchange_rates.csv")
    assert all(row["source"].strip() for row in rows)
    for currency in ("KRW", "EUR", "JPY", "CNY", "GBP", "USD"):
        assert {int(r["year"]) for r in rows if r["currency"] == currency} >= set(range(2015, 2026)), currency
    assert 1 / 1400 < exchange_rates()[(2024, "KRW")] < 1 / 1200


# --- DATE ---------------------------------------------------------------------------

@pytest.mark.parametrize("pattern", DATE_PATTERNS, ids=lambda p: p.name)
def test_date_pattern_example(pattern):
    found = find_dates(pattern.example, date(2023, 11, 1))
    assert found, pattern.name
    value = found[0].date + (f"..{found[0].end_date}" if found[0].end_date else "")
    assert value == pattern.expected


def without_first_character_guard(regex: re.Pattern) -> re.Pattern:
    guard = re.match(r"\(\?=\[.+?\]\)\(\?:", regex.pattern)
    assert guard, regex.pattern
    return re.compile(regex.pattern[guard.end():-1])


@pytest.mark.parametrize("regex", [*(p.regex for p in DATE_PATTERNS), money_regex()],
                         ids=[*(p.name for p in DATE_PATTERNS), "money"])
def test_the_first_character_guard_changes_no_match(regex):
    """Date and money patterns are tried only where a match can begin (rules.starting_with):
    over every example and the facts gold, they find exactly what they find without that guard."""
    texts = [pattern.example for pattern in DATE_PATTERNS] + [example[1] for example in MONEY_EXAMPLES]
    texts += [article_body(article) for article in load_gold(DEFAULT_GOLD_DIR)]
    text = "\n".join(texts)
    plain = without_first_character_guard(regex)
    assert [m.span() for m in regex.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert any(plain.finditer(text))


@pytest.mark.parametrize("text, published, expected", [
    ("개회식 10월 17일을 시작으로 10월 20일까지 운영됐다", "2023-11-01", ("2023-10-17", "2023-10-20")),
    ("다음 달 3일부터 21일까지 모집한다", "2025-01-22", ("2025-02-03", "2025-02-21")),
    ("내년 1월부터 6월까지 일할", "2020-11-11", ("2021-01", "2021-06")),
    ("12일 오후 6시부터 13일 오전 7시까지", "2020-07-13", ("2020-07-12", "2020-07-13")),
    ("개막일인 17일에는", "2023-11-02", ("2023-10-17", None)),  # the past is the likelier reading
    ("28일까지 열린다", "2025-09-26", ("2025-09-28", None)),
])
def test_dates_resolve_against_the_publication_day(text, published, expected):
    found = find_dates(text, date.fromisoformat(published))
    assert (found[0].date, found[0].end_date) == expected


@pytest.mark.parametrize("text", ["3년간 350만 불", "30일 이내 신청", "3일째 이어진", "K리그2 2025 17라운드", "1대1 상담",
                                  "지난해 매출", "내년 상반기"])
def test_counts_and_names_are_not_dates(text):
    assert find_dates(text, date(2023, 11, 1)) == []


# --- PLACE --------------------------------------------------------------------------

@pytest.mark.parametrize("rule", PLACE_RULES, ids=lambda r: r.name)
def test_place_rule_example(rule):
    published = "2024-03-01" if rule.name == "province_renamed_on_date" else ARTICLE_DAY
    assert rule.expected in names(facts_of(rule.example, published), "PLACE")


@pytest.mark.parametrize("text, published, expected", [
    ("전북 자동차부품 기업이 진출했다.", "2019-05-28", "전라북도"),
    ("전북 자동차부품 기업이 진출했다.", "2024-01-18", "전북특별자치도"),
    ("강원 남부까지 배송한다.", "2023-06-10", "강원도"),
    ("강원 남부까지 배송한다.", "2023-06-11", "강원특별자치도"),
])
def test_province_names_follow_the_publication_date(text, published, expected):
    assert names(facts_of(text, published), "PLACE") == {expected}


@pytest.mark.parametrize("text", ["올해 예산 편성을 마쳤다.", "경쟁력 강화를 위해 노력한다.", "차량 인도 일정이 늦어졌다."])
def test_common_nouns_are_not_places(text):
    assert names(facts_of(text), "PLACE") == set()


def test_a_place_inside_an_organisation_name_is_not_a_mention():
    assert names(facts_of("(재)경북테크노파크는 참가했다."), "PLACE") == set()


# --- ORG ----------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ORG_RULES, ids=lambda r: r.name)
def test_org_rule_example(rule):
    assert rule.expected in names(facts_of(rule.example), "ORG")


def test_legal_form_moves_out_of_the_name_and_aliases_join_the_long_form():
    facts = facts_of("(재)경북테크노파크(이하 ‘경북TP’)는 ㈜무계바이오와 협약했다. 경북TP는 밝혔다.")
    orgs = {entity["name"]: entity for entity in facts.of_type("ORG")}
    assert orgs["경북테크노파크"]["legal_form"] == "재단법인"
    assert "경북TP" in orgs["경북테크노파크"]["aliases"]
    assert len(orgs["경북테크노파크"]["mentions"]) == 2
    assert orgs["무계바이오"]["legal_form"] == "주식회사"


@pytest.mark.parametrize("text", ["정부는 지원사업을 확대한다.", "수출바우처 사업에 참여한다.", "칠곡군청에서 열렸다.",
                                  "재난안전대책본부에 따르면 피해가 컸다."])
def test_generic_words_buildings_and_units_are_not_organisations(text):
    assert names(facts_of(text), "ORG") == set()


# --- PERSON -------------------------------------------------------------------------

@pytest.mark.parametrize("rule", PERSON_RULES, ids=lambda r: r.name)
def test_person_rule_example(rule):
    name, role, org = rule.expected.split("/")
    people = {entity["name"]: entity for entity in facts_of(rule.example).of_type("PERSON")}
    assert name in people, rule.name
    assert people[name]["role"] == (None if role == "-" else role)
    if org != "-":
        assert people[name]["org"] == org


def test_reporters_are_authors_not_mentions():
    facts = facts_of("김석호 안동시장은 말했다.\n김민지 기자 kmj@example.kr", authors=("정우진",))
    assert names(facts, "PERSON") == {"김석호"}
    assert names(facts_of("정우진 대표는 말했다.", authors=("정우진",)), "PERSON") == set()


# --- AGREEMENT ----------------------------------------------------------------------

def find_agreement(facts: Facts, expected: str) -> dict | None:
    kind, amount, party = (part.strip() for part in expected.split("|"))
    for agreement in facts.agreements:
        found_amount = agreement["amount"]
        amount_text = f"{found_amount['value']} {found_amount['currency']}" if found_amount else "-"
        if agreement["type"] != kind or amount_text != amount:
            continue
        if party == "aggregate" and agreement["aggregate"] or party == "-" or party in agreement["parties"]:
            return agreement
    return None


@pytest.mark.parametrize("rule", AGREEMENT_RULES, ids=lambda r: r.name)
def test_agreement_rule_example(rule):
    facts = facts_of(rule.example)
    assert find_agreement(facts, rule.expected), (rule.name, facts.agreements)


@pytest.mark.parametrize("cue", TYPE_CUES, ids=lambda c: c.type)
def test_type_cue_example(cue):
    facts = facts_of(f"㈜한빛소재는 {cue.example}.")
    assert [a["type"] for a in facts.agreements] == [cue.type]


@pytest.mark.parametrize("text", [
    "참여자는 6개월 단위로 근로계약을 맺지 않고 계약직으로 일한다.",
    "㈜한빛소재는 하청업체와의 계약 해지를 통보했다.",
    "계약 기간은 2027년 12월까지다.",
    "김석호 시장은 “이번 협약을 체결해 기쁘다”고 말했다.",
    "㈜한빛소재는 채용연계형 계약학과를 신설한다.",
    "협약이 체결되면 양 기관은 공동연구를 진행한다.",
    "선정 기업은 3월 중 협약을 맺고 4월부터 지원을 받는다.",
])
def test_references_and_other_senses_are_not_deals(text):
    assert facts_of(text).agreements == []


def test_planned_deals_are_marked_planned():
    facts = facts_of("전북특별자치도는 다음 달 7일 ㈜한빛소재와 1조 2천억 원 규모의 투자협약을 체결할 예정이다.", "2024-02-27")
    assert [a["status"] for a in facts.agreements] == ["planned"]


# --- the seeds ----------------------------------------------------------------------

def gold_article(article_id: str) -> dict:
    return json.loads((DEFAULT_GOLD_DIR / f"{article_id}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def inno_week() -> Facts:
    gold = gold_article("inno-week-2023--daegyeong-daily")
    return extract_facts(gold["title"], article_body(gold), gold["published_at"])


@pytest.mark.parametrize("expected", [
    "export_contract | 3000000 USD | 무계바이오",
    "export_contract | 3500000 USD | DigitalAgro",
    "joint_rnd | 5000000 USD | AZIYA IMMUNOPREPARAT",
    "mou | - | Research Institute of Environment and Nature Conservation Technologies",
    "mou | - | 우즈베키스탄 고등교육과학혁신부",
    "export_contract | 6500000 USD | aggregate",
])
def test_seed_000_agreements_are_all_found(inno_week, expected):
    assert find_agreement(inno_week, expected), inno_week.agreements


def test_seed_000_details(inno_week):
    three_party = find_agreement(inno_week, "mou | - | 무계바이오")
    assert three_party["date"] == "2023-10-19" and "경북테크노파크" in three_party["parties"]
    assert find_agreement(inno_week, "mou | - | 우즈베키스탄 고등교육과학혁신부")["date"] == "2023-10-17"
    assert find_agreement(inno_week, "export_contract | 3500000 USD | 마루에너지")["duration"] == "3년"
    people = {e["name"]: e for e in inno_week.of_type("PERSON")}
    assert (people["하인성"]["role"], people["하인성"]["org"]) == ("원장", "경북테크노파크")
    assert (people["이달희"]["role"], people["이달희"]["org"]) == ("경제부지사", "경상북도")
    assert inno_week.regions == ["경상북도"]
    assert inno_week.countries[:1] == ["우즈베키스탄"]
    assert {"우즈베키스탄", "중앙아시아", "영천시", "경상북도"} <= names(inno_week, "PLACE")


def test_seed_003_mou_of_2019_05_28():
    gold = gold_article("jeonbuk-gm-uzbekistan-mou--jeonbuk-saenal")
    facts = extract_facts(gold["title"], article_body(gold), gold["published_at"])
    mou = find_agreement(facts, "mou | - | 자동차융합기술원")
    assert mou and mou["date"] == "2019-05-28" and mou["status"] == "signed"
    assert "우즈베키스탄" in names(facts, "PLACE") and "전라북도" in names(facts, "PLACE")
    assert ("2019-05-27", "2019-05-31") in {(e["date"], e["end_date"]) for e in facts.of_type("DATE")}


# --- the interface ------------------------------------------------------------------

def test_facts_interface_offsets_and_dict():
    title, body = "경북TP, 650만 불 수출계약", "(재)경북테크노파크(이하 ‘경북TP’)는 ㈜무계바이오와 10월 19일 협약을 체결했다."
    facts = extract_facts(title, body, ARTICLE_DAY)
    text = title + "\n\n" + body
    for entity in facts.entities:
        assert {"type", "name", "text", "start", "end"} <= set(entity)
        assert text[entity["start"]:entity["end"]] == entity["text"]
    for agreement in facts.agreements:
        assert {"type", "parties", "amount", "date", "place", "duration", "status", "aggregate", "evidence"} <= set(agreement)
    assert set(facts.to_dict()) == {"entities", "agreements", "regions", "countries", "keywords"}
    assert facts.keywords and "기업" not in facts.keywords


# --- the lexicons -------------------------------------------------------------------

def test_every_lexicon_is_documented_with_its_source():
    readme = (LEXICON_DIR / "README.md").read_text(encoding="utf-8")
    for path in LEXICON_DIR.glob("*.csv"):
        assert f"`{path.name}`" in readme, path.name


def test_each_division_has_one_meaning_per_day():
    divisions = korean_divisions()
    provinces = [d for d in divisions if d.kind == "province"]
    assert len([p for p in provinces if p.valid_on(date(2025, 1, 1))]) == 17
    for day in (date(2019, 1, 1), date(2024, 6, 1), date(2026, 8, 1)):
        valid = [(d.name, d.parent) for d in divisions if d.valid_on(day)]
        assert len(valid) == len(set(valid)), day
        parents = {d.name for d in provinces if d.valid_on(day)}
        assert all(d.parent in parents for d in divisions if d.kind != "province" and d.valid_on(day)), day
    # 226 local governments (시·군·자치구) and the two administrative cities of Jeju
    assert len([d for d in divisions if d.kind in ("city", "county", "district") and d.valid_on(date(2025, 1, 1))]) == 228


def test_foreign_places_and_countries_agree():
    codes = country_names_by_code()
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert all(place.country in codes for place in foreign_places().values() if place.country)


@pytest.mark.parametrize("name", ["legal_forms.csv", "org_suffixes.csv", "role_titles.csv", "currencies.csv",
                                  "korean_surnames.csv", "known_organisations.csv", "not_person_names.csv"])
def test_lexicon_rows_are_complete(name):
    with open(LEXICON_DIR / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    first_column = next(iter(rows[0]))
    values = [row[first_column] for row in rows]
    assert all(values) and len(values) == len(set(values)), name
    if name == "currencies.csv":
        assert all(re.fullmatch(r"[A-Z]{3}", row["currency"]) for row in rows)


# --- the measured quality -----------------------------------------------------------

TARGETS = {"MONEY": 0.98, "AGREEMENT": 0.85, "ORG": 0.90, "PERSON": 0.90, "PLACE": 0.90}


@pytest.mark.parametrize("gold_dir", [DEFAULT_GOLD_DIR, HOLDOUT_DIR], ids=["gold", "holdout"])
def test_evaluation_meets_the_targets(gold_dir):
    scores = evaluate(gold_dir)
    for kind, target in TARGETS.items():
        assert scores[kind].f1 >= target, (kind, scores[kind].as_dict())


def test_gold_is_large_enough_and_holds_articles_without_deals():
    gold = load_gold()
    assert len(gold) >= 32
    assert sum(1 for article in gold if not article["agreements"]) >= 10
    assert {"inno-week-2023--daegyeong-daily", "jeonbuk-gm-uzbekistan-mou--jeonbuk-saenal"} <= {g["id"] for g in gold}


def test_speed_reports_its_figures():
    figures = speed(HOLDOUT_DIR, rounds=1)
    assert set(figures) >= {"kiwi_ms_per_1000_chars", "facts_ms_per_article", "articles", "characters"}
    assert figures["articles"] == len(load_gold(HOLDOUT_DIR)) and figures["facts_ms_per_article"] > 0
