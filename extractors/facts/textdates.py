"""Dates written in Korean news text, resolved against the publication date.

In an article of 2023-11-01, ``10월 17일`` is 2023-10-17, ``지난 19일``
2023-10-19, ``‘19. 5. 28.`` 2019-05-28 and ``10월 17일~20일`` a period.
A date keeps the precision it was written with: ``2027년까지`` is "2027",
``지난해 5월`` "2018-05". Only expressions with a digit are dates; ``지난해``
or ``내년 상반기`` alone are not.

``DATE_PATTERNS`` are tried in order; a later pattern never overlaps an
earlier match. Each has an example that tests/test_facts.py resolves.
"""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from .rules import first_letters, starting_with

DIRECTION_WORDS = ("지난", "오는", "이번")
DIRECTION = rf"(?:(?P<dir>{'|'.join(DIRECTION_WORDS)})\s?)?"
RELATIVE_YEAR = {"지난해": -1, "작년": -1, "전년": -1, "올해": 0, "금년": 0, "내년": 1, "이듬해": 1, "명년": 1}
RELATIVE_MONTH = {"지난달": -1, "전달": -1, "이달": 0, "다음 달": 1, "다음달": 1, "내달": 1}
# A day count rather than a day of the month: 3일간, 3일째, 30일 이내, 7일 내, 3일 만에.
NOT_A_DAY = r"(?!(?:간|동안|째|치|여|가량|씩|마다|당|짜리)|\s?(?:동안|이내|이상|이하|만에|내(?![가-힣])))"
DAY_FOLLOWER = r"(?=[\s,.)’”'\"]|$|[은는이을에부까의로도만과와자])"  # 1일자로: as of the 1st


@dataclass(frozen=True)
class DatePattern:
    name: str
    regex: re.Pattern
    example: str
    expected: str  # the resolved value for a 2023-11-01 article


YEAR4 = r"(?P<y>(?:19|20)\d{2})"
YEAR2_MARKS = "‘'’`"
YEAR2 = rf"[{YEAR2_MARKS}](?P<yy>\d{{2}})"
# What a date mention can begin with: a digit, the mark of a two-digit year,
# a direction word or a relative year or month.
DATE_FIRST_CHARACTERS = r"\d" + first_letters((*YEAR2_MARKS, *DIRECTION_WORDS, *RELATIVE_YEAR, *RELATIVE_MONTH))


def _pattern(name: str, regex: str, example: str, expected: str) -> DatePattern:
    return DatePattern(name, re.compile(starting_with(DATE_FIRST_CHARACTERS, regex)), example, expected)


M = r"(?P<m>1[0-2]|0?[1-9])"
D = r"(?P<d>3[01]|[12]\d|0?[1-9])"

DATE_PATTERNS: tuple[DatePattern, ...] = (
    _pattern("dotted_month_day_range", rf"(?<![\d.]){M}\.{D}\s?[~∼]\s?(?P<m2>1[0-2]|0?[1-9])\.(?P<d2>3[01]|[12]\d|0?[1-9])(?![\d.])",
             "방문기간(5.27~5.31) 동안", "2023-05-27..2023-05-31"),
    _pattern("full_date", rf"(?<!\d){YEAR4}\s?[.\-/년]\s?{M}\s?[.\-/월]\s?{D}(?!\d)\s?일?",
             "2019년 5월 28일 체결", "2019-05-28"),
    _pattern("short_year_date", rf"{YEAR2}\s?[.년]\s?{M}\s?[.월]\s?{D}(?!\d)\s?[.일]?", "‘19. 5. 28. 기술원을 방문", "2019-05-28"),
    _pattern("year_month", rf"(?:{YEAR4}|{YEAR2})\s?년\s?{M}\s?월", "‘18년 12월 군산지역", "2018-12"),
    _pattern("relative_year_month_day", rf"(?P<ry>{'|'.join(RELATIVE_YEAR)})\s?{M}\s?월\s?{D}\s?일{NOT_A_DAY}",
             "내년 1월 6일까지", "2024-01-06"),
    _pattern("relative_year_month", rf"(?P<ry>{'|'.join(RELATIVE_YEAR)})\s?{M}\s?월", "지난해 5월 폐쇄됨에 따라", "2022-05"),
    _pattern("month_range", rf"(?:(?P<ry>{'|'.join(RELATIVE_YEAR)})\s?|{YEAR4}\s?년\s?)?(?<![\d.]){M}\s?[~∼]\s?(?P<m2>1[0-2]|0?[1-9])\s?월",
             "올해 1~5월 방문객", "2023-01..2023-05"),
    _pattern("month_day_range", rf"{DIRECTION}(?<!\d){M}\s?월\s?{D}\s?일?\s?[~∼]\s?(?:(?P<m2>1[0-2]|0?[1-9])\s?월\s?)?(?P<d2>3[01]|[12]\d|0?[1-9])\s?일",
             "10월 17일~20일 운영", "2023-10-17..2023-10-20"),
    _pattern("day_range", rf"{DIRECTION}(?<![\d.]){D}\s?[~∼]\s?(?P<d2>3[01]|[12]\d|0?[1-9])\s?일{NOT_A_DAY}", "지난 22~23일 열린", "2023-10-22..2023-10-23"),
    _pattern("month_day", rf"{DIRECTION}(?<!\d){M}\s?월\s?{D}\s?일{NOT_A_DAY}", "10월 17일 전시관을 찾아", "2023-10-17"),
    _pattern("relative_month_day", rf"(?P<rm>{'|'.join(RELATIVE_MONTH)})\s?{D}\s?일{NOT_A_DAY}", "다음 달 3일부터", "2023-12-03"),
    _pattern("day", rf"{DIRECTION}(?<![\d.,~∼]){D}\s?일{NOT_A_DAY}{DAY_FOLLOWER}",
             "지난 19일 체결했다", "2023-10-19"),
    _pattern("year_alone", rf"(?<!\d){YEAR4}\s?년(?:도)?(?!\s?(?:간|동안|째|만에|생|대))", "2027년까지 1,200명", "2027"),
    _pattern("relative_year_month_only", rf"{DIRECTION}(?<![\d.]){M}\s?월(?!\s?간)(?![가-힣]{{0,1}}\d)", "오는 6월 하노이에서", "2024-06"),
)
# Two dates joined into a period: A부터 B까지, A을 시작으로 B까지, with an
# optional time of day after each (12일 오후 6시부터 13일 오전 7시까지).
TIME_OF_DAY = r"(?:(?:오전|오후|새벽|밤|낮|저녁|아침|말|초|중순)\s?)?(?:\d{1,2}시(?:\s?\d{1,2}분)?)?"
PERIOD_JOINER = re.compile(rf"^\s?{TIME_OF_DAY}\s?(?:부터|[을를]\s?시작으로)\s?$")
PERIOD_END = re.compile(rf"^\s?{TIME_OF_DAY}\s?까지")


FUTURE_PENALTY = 2


@dataclass
class DateMention:
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    end_date: str | None
    text: str
    start: int
    end: int
    pattern: str


@dataclass
class Partial:
    """What one expression says: some of year, month and day, and how to resolve the rest."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    direction: str | None = None  # 지난 | 오는
    month_shift: int | None = None  # 다음 달 = +1


def partial_of(pattern: str, match: re.Match, published: date) -> tuple[Partial, Partial | None]:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else (2000 + int(groups["yy"]) if groups.get("yy") else None)
    if groups.get("ry"):
        year = published.year + RELATIVE_YEAR[groups["ry"]]
    month = int(groups["m"]) if groups.get("m") else None
    day = int(groups["d"]) if groups.get("d") else None
    first = Partial(year, month, day, groups.get("dir"),
                    RELATIVE_MONTH[groups["rm"]] if groups.get("rm") else None)
    second = None
    if groups.get("d2"):
        month2 = int(groups["m2"]) if groups.get("m2") else month
        second = Partial(year, month2, int(groups["d2"]), groups.get("dir"), first.month_shift)
    elif groups.get("m2"):  # 1~5월
        second = Partial(year, int(groups["m2"]), None, groups.get("dir"))
        if year is None:
            first.year = second.year = nearest_year_for_month(month, groups.get("dir"), published)
    return first, second


def resolve(part: Partial, published: date) -> tuple[date, str] | None:
    """The calendar value and its precision ('day', 'month', 'year')."""
    if part.month_shift is not None:
        month_index = published.year * 12 + published.month - 1 + part.month_shift
        part = Partial(month_index // 12, month_index % 12 + 1, part.day)
    if part.day is None and part.month is None:
        return (date(part.year, 1, 1), "year") if part.year else None
    if part.day is None:
        year = part.year if part.year else nearest_year_for_month(part.month, part.direction, published)
        return date(year, part.month, 1), "month"
    candidates = []
    for year, month in month_candidates(part, published):
        if part.day <= monthrange(year, month)[1]:
            candidates.append(date(year, month, part.day))
    if part.direction == "지난":
        candidates = [c for c in candidates if c <= published] or candidates
    elif part.direction == "오는":
        candidates = [c for c in candidates if c >= published] or candidates
    if not candidates:
        return None
    return min(candidates, key=lambda c: distance_in_days(c, published)), "day"


def distance_in_days(candidate: date, published: date) -> int:
    """News reports the past more often than it announces the future: a later date
    must be twice as close to win (an article of 11-02 reads 17일 as 10-17)."""
    days = (candidate - published).days
    return days * FUTURE_PENALTY if days > 0 else -days


def month_candidates(part: Partial, published: date) -> list[tuple[int, int]]:
    if part.year and part.month:
        return [(part.year, part.month)]
    if part.month:
        return [(published.year + shift, part.month) for shift in (-1, 0, 1)]
    index = published.year * 12 + published.month - 1
    return [((index + shift) // 12, (index + shift) % 12 + 1) for shift in (-1, 0, 1)]


def nearest_year_for_month(month: int, direction: str | None, published: date) -> int:
    options = [published.year - 1, published.year, published.year + 1]
    if direction == "지난":
        options = [y for y in options if (y, month) <= (published.year, published.month)]
    elif direction == "오는":
        options = [y for y in options if (y, month) >= (published.year, published.month)]
    return min(options, key=lambda y: abs((y - published.year) * 12 + month - published.month))


def formatted(value: tuple[date, str]) -> str:
    day, precision = value
    return {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}"}.get(precision, day.isoformat())


def find_dates(text: str, published: date | None) -> list[DateMention]:
    if published is None:
        return []
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.regex.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            first, second = partial_of(pattern.name, match, published)
            start_value = resolve(first, published)
            if start_value is None:
                continue
            end_value = resolve(second, published) if second else None
            start, end = match.start(), match.start() + len(match.group().rstrip())
            taken.append((start, end))
            mentions.append(DateMention(formatted(start_value), formatted(end_value) if end_value else None,
                                        text[start:end], start, end, pattern.name))
    mentions.sort(key=lambda m: m.start)
    return join_periods(text, mentions)


def day_after_start(start: DateMention, end: DateMention) -> DateMention:
    """다음 달 3일부터 21일까지: a bare day ending a period lies in the start's month (or the
    next); 내년 1월부터 6월까지: a bare month in the start's year (or the next)."""
    if end.pattern == "relative_year_month_only" and len(start.date) == 7:
        month = int(re.search(r"\d{1,2}(?=\s?월)", end.text).group())
        first_year, first_month = int(start.date[:4]), int(start.date[5:7])
        year = first_year if month >= first_month else first_year + 1
        return DateMention(f"{year:04d}-{month:02d}", None, end.text, end.start, end.end, end.pattern)
    if end.pattern != "day" or len(start.date) != 10:
        return end
    day = int(re.search(r"\d{1,2}(?=\s?일)", end.text).group())
    first = date.fromisoformat(start.date)
    year, month = (first.year, first.month) if day >= first.day else (
        first.year + first.month // 12, first.month % 12 + 1)
    if day > monthrange(year, month)[1]:
        return end
    return DateMention(date(year, month, day).isoformat(), None, end.text, end.start, end.end, end.pattern)


def join_periods(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """A부터 B까지: two mentions become one period starting at A."""
    joined: list[DateMention] = []
    index = 0
    while index < len(mentions):
        current = mentions[index]
        following = mentions[index + 1] if index + 1 < len(mentions) else None
        if following and current.end_date is None and following.end_date is None:
            between, after = text[current.end:following.start], text[following.end:following.end + 14]
            following = day_after_start(current, following)
            if PERIOD_JOINER.match(between) and PERIOD_END.match(after) and current.date <= following.date:
                joined.append(DateMention(current.date, following.date, text[current.start:following.end],
                                          current.start, following.end, "period"))
                index += 2
                continue
        joined.append(current)
        index += 1
    return joined
