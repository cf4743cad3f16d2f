"""Amounts of money in Korean news text, and their value in US dollars.

``650만 불`` is 6,500,000 USD, ``1조 2천억 원`` 1,200,000,000,000 KRW,
``3억5천만원`` 350,000,000 KRW, ``3~5억 원`` a range from 300,000,000.
The currency words come from datasets/lexicons/currencies.csv; the grammar
of Korean numbers is the named patterns below, each with an example in
``MONEY_EXAMPLES`` that tests/test_facts.py checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from .lexicons import currency_words, exchange_rates
from .rules import first_letters, starting_with

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SMALL_UNITS = {"천": 1_000, "백": 100, "십": 10}
BIG_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4}
# One group of a Korean amount: a number, an optional 천/백/십, an optional 여
# ("500여만"), then the big unit (조, 억 or 만).
GROUP = r"(?:{n})\s?(?:[천백십])?\s?여?\s?{unit}"
# Words that follow a currency word but make it part of another noun (원장, 불가, 엔진).
FORBIDDEN_AFTER = {"원": "장인료래칙본자형점", "불": "가구과법편꽃만량리", "엔": "진터지", "위안": "부", "파운드": "리", "유로": "파"}
TOTAL_CUE = re.compile(r"(총|모두|누적|합계|총액|총사업비|전체|합쳐)\S*\s*$")
APPROX_BEFORE = re.compile(r"(약|대략)\s*$")
APPROX_AFTER = re.compile(r"^\s?(여|가량|안팎|정도|내외|상당)")
MAX_CUE = re.compile(r"(최대|최고|한도)\S*\s*$")


def amount_pattern() -> str:
    """Korean amounts from the largest unit down: 1조 2천억, 3억5천만, 1,250만, 5000."""
    n = NUMBER
    tail_number = rf"(?:\s?(?:{n})(?:\s?[천백])?)?"
    group = {unit: GROUP.format(n=n, unit=unit) for unit in BIG_UNITS}
    return (
        rf"(?:{group['조']}(?:\s?{group['억']})?(?:\s?{group['만']})?{tail_number}"
        rf"|{group['억']}(?:\s?{group['만']})?{tail_number}"
        rf"|{group['만']}{tail_number}"
        rf"|(?:{n})(?:\s?[천백])?)"
    )


@lru_cache(maxsize=1)
def money_regex() -> re.Pattern:
    after = "|".join(re.escape(word) for word, _, position in currency_words() if position in ("after", "either"))
    before_words = [word for word, _, position in currency_words() if position in ("before", "either")]
    before = "|".join(map(re.escape, before_words))
    amount = amount_pattern()
    # A match begins with a digit or with a currency word written before the amount.
    return re.compile(starting_with(
        r"\d" + first_letters(before_words),
        rf"(?<![\d.,])(?:(?P<low>{amount})\s?[~∼]\s?)?(?P<amount>{amount})\s?여?\s?(?P<after>{after})"
        rf"|(?P<before>{before})\s?(?P<amount2>{amount})"
    ))


@lru_cache(maxsize=1)
def currency_of_word() -> dict[str, str]:
    return {word: currency for word, currency, _ in currency_words()}


def parse_amount(text: str) -> float:
    """The value of a Korean amount such as '1조 2천억', '3억5천만' or '1,250만'."""
    total, pending = 0.0, 0.0
    for number, small, big in re.findall(rf"({NUMBER})\s?([천백십])?\s?여?\s?([조억만])?", text):
        value = float(number.replace(",", "")) * SMALL_UNITS.get(small, 1)
        if big:
            total += (pending + value) * BIG_UNITS[big]
            pending = 0.0
        else:
            pending += value
    return total + pending


def largest_unit(text: str) -> int:
    units = [BIG_UNITS[u] for u in re.findall(r"[조억만]", text)]
    return max(units) if units else 1


@dataclass
class MoneyMention:
    value: float
    currency: str
    text: str
    start: int
    end: int
    is_total: bool = False
    is_range: bool = False
    is_approx: bool = False
    is_max: bool = False
    end_value: float | None = None


def find_money(text: str) -> list[MoneyMention]:
    mentions = []
    for match in money_regex().finditer(text):
        word = match.group("after") or match.group("before")
        following = text[match.end():match.end() + 1]
        if following and following in FORBIDDEN_AFTER.get(word, ""):
            continue
        amount_text = match.group("amount") or match.group("amount2")
        value = parse_amount(amount_text)
        mention = MoneyMention(value, currency_of_word()[word], match.group(), match.start(), match.end())
        if match.group("low"):
            low = parse_amount(match.group("low"))
            if largest_unit(match.group("low")) == 1:  # 3~5억: the low end shares the unit
                low *= largest_unit(amount_text)
            mention.value, mention.end_value, mention.is_range = low, value, True
        before, after = text[max(0, match.start() - 12):match.start()], text[match.end():match.end() + 4]
        mention.is_total = bool(TOTAL_CUE.search(before))
        mention.is_approx = bool(APPROX_BEFORE.search(before) or APPROX_AFTER.search(after) or "여" in amount_text)
        mention.is_max = bool(MAX_CUE.search(before))
        if value > 0:
            mentions.append(mention)
    return mentions


# Each branch of the grammar, with what it must read (tests/test_facts.py).
MONEY_EXAMPLES: tuple[tuple[str, str, float, str], ...] = (
    ("man_unit_bul", "수출계약 650만 불 달성", 6_500_000, "USD"),
    ("jo_and_cheon_eok", "1조 2천억 원 규모의 투자", 1_200_000_000_000, "KRW"),
    ("eok_cheonman_no_spaces", "연구비 3억5천만원을 지원", 350_000_000, "KRW"),
    ("man_unit_dollar", "24만 달러어치", 240_000, "USD"),
    ("comma_thousands_with_man", "1,250만 달러의 수출계약", 12_500_000, "USD"),
    ("euro", "500만 유로를 들여", 5_000_000, "EUR"),
    ("eok_then_comma_man", "1억 2,000만 달러(약 1,700억 원)", 120_000_000, "USD"),
    ("jo_then_comma_eok", "예산 12조 3,456억 원을 의결", 12_345_600_000_000, "KRW"),
    ("plain_number", "한 마리에 250,000원에 낙찰", 250_000, "KRW"),
    ("approximate_yeo", "500여만 원을 모았다", 5_000_000, "KRW"),
    ("range_shared_unit", "기업당 3~5억 원 규모", 300_000_000, "KRW"),
    ("symbol_before", "US$ 1,500 상당", 1_500, "USD"),
    ("country_dollar", "200만 캐나다 달러를 투자", 2_000_000, "CAD"),
)


def to_usd(value: float | None, currency: str | None, on_date: date | datetime | str | None) -> float | None:
    """The value in US dollars at the yearly average rate of ``on_date``'s year.

    A year with no rate yet (the current one) uses the latest earlier year; a
    currency with no rate at all gives None.
    """
    if value is None or not currency:
        return None
    if currency == "USD":
        return round(float(value), 2)
    year = year_of(on_date)
    rates = {y: rate for (y, code), rate in exchange_rates().items() if code == currency}
    if not rates:
        return None
    earlier = [y for y in rates if year is not None and y <= year]
    chosen = max(earlier) if earlier else (min(rates) if year is not None else max(rates))
    return round(float(value) * rates[chosen], 2)


def year_of(on_date: date | datetime | str | None) -> int | None:
    if on_date is None:
        return None
    if isinstance(on_date, (date, datetime)):
        return on_date.year
    match = re.match(r"\s*(\d{4})", str(on_date))
    return int(match.group(1)) if match else None
