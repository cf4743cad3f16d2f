"""Publication and modification times as ISO 8601 in Korea time.

Sources in order of trust: JSON-LD, meta tags, the byline (입력/수정/승인/
기사입력/등록/송고), `<time datetime>`, the URL.  Cheap regexes first;
dateparser (ko/en, Asia/Seoul) only as a last resort on a byline fragment
whose prefix has been stripped.  A date without a prefix word anywhere in
the page is never used: headers print today's date in widgets.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import etree

from extractors.boilerplate import EMAIL
from extractors.cleaning import element_lines, first_texts

KOREA_TIME = timezone(timedelta(hours=9))

PUBLISHED_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "og:regdate",
    "article:published",
    "date",
)
MODIFIED_META_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "og:article:modified_time")

# A label word may carry a suffix: 입력일, 등록일시, 작성일자, 게시 시각.
LABEL_SUFFIX = r"(?:\s*(?:일시|일자|시간|시각|일))?"
# Strong words introduce the article's own date even without a clock time.
PUBLISHED_WORDS = rf"(?:기사\s*입력|최초\s*입력|입력|승인|게재|송고|게시|기사\s*등록){LABEL_SUFFIX}|published|posted"
# Weak words also label a newspaper's registration (등록일 2012.03.15) or a
# printed issue in footers, so they count only with a clock time.
WEAK_PUBLISHED_WORDS = rf"(?:등록|작성){LABEL_SUFFIX}"
MODIFIED_WORDS = rf"(?:최종\s*수정|수정|최종\s*편집|업데이트){LABEL_SUFFIX}|updated|modified"
# Between a label and its date: "입력 : ", "등록일 | ", "[입력 ".
LABEL_SEPARATOR = r"\s*[:：|ㅣ]?\s*[\[(]?\s*"
DATE_BODY = (
    r"(?P<year>(?:19|20)\d{2})\s*[.\-/년]\s*(?P<month>\d{1,2})\s*[.\-/월]\s*(?P<day>\d{1,2})\s*일?\.?"
    r"(?:\s*[(\[]?\s*[월화수목금토일]\s*[)\]]?)?"
    r"(?:\s*[(\[]?\s*(?P<ampm>오전|오후|AM|PM|am|pm)?\s*(?P<hour>\d{1,2})\s*[:시]\s*(?P<minute>\d{2})(?:\s*[:분]\s*(?P<second>\d{2}))?)?"
)
PUBLISHED_BYLINE = re.compile(rf"(?:{PUBLISHED_WORDS}){LABEL_SEPARATOR}{DATE_BODY}", re.IGNORECASE)
WEAK_PUBLISHED_BYLINE = re.compile(rf"(?:{WEAK_PUBLISHED_WORDS}){LABEL_SEPARATOR}{DATE_BODY}", re.IGNORECASE)
MODIFIED_BYLINE = re.compile(rf"(?:{MODIFIED_WORDS}){LABEL_SEPARATOR}{DATE_BODY}", re.IGNORECASE)
# Board CMSs (gnuboard and kin) print "작성일 24-08-19 18:00" with a two-digit year.
SHORT_YEAR_BYLINE = re.compile(
    r"(?:작성일|등록일|입력)\s*[:：]?\s*(?P<year>\d{2})[-./](?P<month>\d{2})[-./](?P<day>\d{2})\s+(?P<hour>\d{2}):(?P<minute>\d{2})(?!\d)"
)
ISO_LIKE = re.compile(
    r"(?P<year>(?:19|20)\d{2})[-./]?(?P<month>\d{2})[-./]?(?P<day>\d{2})"
    r"(?:[T ]\s*(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:\.\d+)?)?\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?)?"
)
TIME_XPATH = etree.XPath("//time/@datetime")
BODY_XPATH = etree.XPath("//body")
# A date printed without a label word: regional CMSs put it bare beside the
# byline ("홍길동 기자 | 2020-03-04 16:52:59"), in the next table cell, or on
# the line under the headline ("2022년 05월 02일(월) 17:40").
BARE_DATE = re.compile(rf"(?<![\d.\-/]){DATE_BODY}(?![\d.\-/])")
# Who wrote it: "홍길동 기자", "편집국 특파원", or a reporter's e-mail address.
BYLINE_MARK = re.compile(rf"[가-힣]{{2,4}}\s*(?:선임|수석|인턴|객원|전문|취재)?\s*(?:기자|특파원|통신원|논설위원)|{EMAIL}")
# Only short lines are bylines or date lines; longer ones are story text
# that happens to mention a date.
MAX_BARE_DATE_LINE_CHARS = 80
MAX_BYLINE_LINE_CHARS = 60
# A date alone on a line counts this many lines under the headline.
LINES_UNDER_TITLE = 3
# What may sit beside a bare date on its own line: separators, brackets,
# weekday marks, and the font-size or view counters some sites print there.
DATE_LINE_FURNITURE = re.compile(r"[\s|ㅣ·:：,()\[\]/\-]|조회\s*(?:수)?\s*\d*|가+|[월화수목금토일]요일")
# A calendar date anywhere in a short text (list pages print one per headline).
CALENDAR_DATE = re.compile(r"((?:19|20)\d{2})\s*[.\-/년]\s?(\d{1,2})\s*[.\-/월]\s?(\d{1,2})")
URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/\-]?(0[1-9]|1[0-2])[/\-]?(0[1-9]|[12]\d|3[01])(?!\d{3,}\b)")


def _build(year, month, day, hour=None, minute=None, second=None, zone: str | None = None, ampm: str | None = None) -> str | None:
    try:
        if hour is None:
            datetime(int(year), int(month), int(day))
            return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        hour_value = int(hour)
        if ampm and ampm.lower() in ("오후", "pm") and hour_value < 12:
            hour_value += 12
        if ampm and ampm.lower() in ("오전", "am") and hour_value == 12:
            hour_value = 0
        moment = datetime(int(year), int(month), int(day), hour_value, int(minute), int(second or 0))
    except (ValueError, TypeError):
        return None
    tz = KOREA_TIME
    if zone:
        if zone == "Z":
            tz = timezone.utc
        else:
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
    return moment.replace(tzinfo=tz).astimezone(KOREA_TIME).isoformat()


def parse_machine_date(value: str | None) -> str | None:
    """ISO-like strings from JSON-LD and meta tags; no zone means Korea time."""
    if not value:
        return None
    match = ISO_LIKE.search(value.strip())
    if not match:
        return parse_with_dateparser(value)
    parts = match.groupdict()
    return _build(parts["year"], parts["month"], parts["day"], parts["hour"], parts["minute"], parts["second"], parts["zone"])


def _from_byline_match(match: re.Match) -> str | None:
    parts = match.groupdict()
    return _build(parts["year"], parts["month"], parts["day"], parts["hour"], parts["minute"], parts["second"], None, parts["ampm"])


def find_byline_date(text: str, modified: bool = False) -> str | None:
    """The first prefixed date (입력 2023.11.01 09:12 ...) in a text."""
    pattern = MODIFIED_BYLINE if modified else PUBLISHED_BYLINE
    for match in pattern.finditer(text):
        value = _from_byline_match(match)
        if value:
            return value
    if not modified:
        for match in WEAK_PUBLISHED_BYLINE.finditer(text):
            value = _from_byline_match(match)
            if value and has_time(value):
                return value
        for match in SHORT_YEAR_BYLINE.finditer(text):
            parts = match.groupdict()
            value = _build(2000 + int(parts["year"]), parts["month"], parts["day"], parts["hour"], parts["minute"])
            if value:
                return value
    return None


def _is_byline(line: str) -> bool:
    return len(line) <= MAX_BYLINE_LINE_CHARS and BYLINE_MARK.search(line) is not None


def _only_a_date(line: str, match: re.Match) -> bool:
    rest = line[: match.start()] + line[match.end():]
    return not DATE_LINE_FURNITURE.sub("", rest)


def _title_index(lines: list[str], title: str) -> int | None:
    if not title:
        return None
    for index, line in enumerate(lines):
        if line == title or (len(title) >= 8 and title in line and len(line) <= 2 * len(title)):
            return index
    return None


def find_bare_date(lines: list[str], title: str = "") -> str | None:
    """A date without a label word, trusted only where an article prints its own.

    That is beside a byline on the same line, alone on a line next to a
    byline line (table cells), or alone on one of the lines right under the
    headline. A header's "today" date sits in none of these places.
    """
    title_at = _title_index(lines, title)
    found: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if len(line) > MAX_BARE_DATE_LINE_CHARS:
            continue
        for match in BARE_DATE.finditer(line):
            value = _from_byline_match(match)
            if value is None:
                continue
            beside_byline = BYLINE_MARK.search(line) is not None
            alone = _only_a_date(line, match)
            next_to_byline = alone and any(
                _is_byline(lines[other]) for other in (index - 1, index + 1) if 0 <= other < len(lines))
            under_title = alone and title_at is not None and 0 < index - title_at <= LINES_UNDER_TITLE
            if beside_byline or next_to_byline or under_title:
                found.append((index, value))
            break
    if not found:
        return None
    if title_at is not None:
        # The article's own byline follows its headline; bylines above it
        # belong to other stories (teasers, a previous article).
        after_title = [item for item in found if item[0] > title_at]
        if after_title:
            return after_title[0][1]
    return found[0][1]


def date_from_url(url: str) -> str | None:
    match = URL_DATE.search(url or "")
    if not match:
        return None
    return _build(match.group(1), match.group(2), match.group(3))


def parse_with_dateparser(text: str) -> str | None:
    """Fallback for free-form dates; slow, so only for short fragments."""
    text = re.sub(rf"^\s*(?:{PUBLISHED_WORDS}|{WEAK_PUBLISHED_WORDS}|{MODIFIED_WORDS})\s*[:：]?", "", text or "", flags=re.IGNORECASE).strip()
    if not text or len(text) > 60 or not re.search(r"\d", text):
        return None
    import dateparser

    parsed = dateparser.parse(
        text,
        languages=["ko", "en"],
        settings={"TIMEZONE": "Asia/Seoul", "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "past"},
    )
    if parsed is None:
        return None
    return parsed.astimezone(KOREA_TIME).isoformat()


def has_time(value: str | None) -> bool:
    return bool(value) and "T" in value


def more_precise(first: str | None, second: str | None) -> str | None:
    """Keep the first source, but take the second's time when the first is a bare day on the same day."""
    if first and second and not has_time(first) and has_time(second) and second.startswith(first):
        return second
    return first or second


def visible_lines(root) -> list[str]:
    """The page's text, one line per block element or table cell."""
    bodies = BODY_XPATH(root)
    return element_lines(bodies[0] if bodies else root)


def find_dates(root, meta: dict, script, family, url: str, page_text: str,
               title: str = "") -> tuple[str | None, str | None]:
    """(published, modified) of a page, from the sources in order of trust."""
    family_text = " ".join(first_texts(root, family.date_xpaths))
    byline_published = find_byline_date(family_text) or find_byline_date(page_text)
    if byline_published is None:
        byline_published = find_bare_date(visible_lines(root), title)
    machine_published = parse_machine_date(script.published) or next(
        (parse_machine_date(meta[key]) for key in PUBLISHED_META_KEYS if meta.get(key)), None
    )
    time_published = next((parse_machine_date(value) for value in TIME_XPATH(root)), None)
    published = more_precise(machine_published, byline_published)
    published = more_precise(published, time_published) or parse_machine_date(script.app_published) or date_from_url(url)
    modified = parse_machine_date(script.modified) or next(
        (parse_machine_date(meta[key]) for key in MODIFIED_META_KEYS if meta.get(key)), None
    )
    modified = modified or find_byline_date(family_text, modified=True) or find_byline_date(page_text, modified=True)
    return published, modified


def parse_timestamp(value: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 / W3C (sitemaps, our own columns) or
    RFC 822 (feeds); a value without a zone is Korea time."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=KOREA_TIME)
    return parsed.astimezone(KOREA_TIME)


def calendar_dates_in(text: str) -> list[date]:
    """Every valid year-month-day written in a text (2024.03.28, 2024-3-28, 2024년 3월 28일)."""
    found = []
    for year, month, day in CALENDAR_DATE.findall(text or ""):
        try:
            found.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found
