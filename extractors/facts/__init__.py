"""Facts from an article: who, where, how much, when, and which deals.

    facts = extract_facts(title, body, "2023-11-01 09:00", analysis=None, authors=("김민수",))
    facts.entities     # [{type: ORG|PERSON|PLACE|MONEY|DATE, name, text, start, end, ...}]
    facts.agreements   # [{type, parties, amount, date, place, duration, status, aggregate, evidence}]
    facts.regions, facts.countries, facts.keywords

One entity per distinct thing (the ORG 경북테크노파크 however often it is
written, as 경북TP too); ``text``/``start``/``end`` are its first mention and
``mentions`` lists every ``[start, end]``. Offsets point into
``title + "\\n\\n" + body``. Type-specific keys: ORG ``legal_form``, ``aliases``;
PERSON ``role``, ``org``; PLACE ``kind`` (province, city, county, district,
country, foreign_region), ``country``, ``province``; MONEY ``value``,
``currency``, ``is_total``, ``is_range``, ``end_value``, ``is_approx``;
DATE ``date``, ``end_date`` (ISO, as precise as the text: 2027, 2018-05, 2023-10-17).

One module per concern: money, textdates, places, organisations, people,
agreements, keywords, regions; lexicons loads datasets/lexicons/.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from .agreements import Agreement, Mentions, find_agreements
from .document import Document, build_document
from .keywords import find_keywords
from .money import MoneyMention, find_money, to_usd
from .organisations import Organisation, find_organisations
from .people import PersonMention, find_people
from .places import PlaceMention, find_places
from .regions import find_countries, find_regions
from .textdates import DateMention, find_dates

__all__ = ["Facts", "extract_facts", "to_usd"]


@dataclass
class Facts:
    entities: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def of_type(self, kind: str) -> list[dict]:
        return [entity for entity in self.entities if entity["type"] == kind]


def extract_facts(title: str, body: str, published_at: str | None, analysis=None, authors=()) -> Facts:
    """``analysis`` is an ``extractors.analysis.ArticleAnalysis`` of this title and body
    (analysed here when None); ``authors`` are the reporters, never PERSON mentions."""
    if analysis is None:
        from ..analysis import analyse_article

        analysis = analyse_article(title, body)
    doc = build_document(title, body, publication_day(published_at), analysis.title_tokens, analysis.body_tokens)
    return facts_of(doc, authors)


def facts_of(doc: Document, authors=()) -> Facts:
    organisations = find_organisations(doc)
    org_spans = [(m.start, m.end) for o in organisations for m in o.mentions]
    places = find_places(doc, org_spans)
    people = find_people(doc, organisations, places, authors)
    money = find_money(doc.text)
    dates = find_dates(doc.text, doc.published)
    agreements = find_agreements(doc, Mentions(organisations, places, people, money, dates))
    entities = (organisation_entities(organisations) + person_entities(people) + place_entities(places)
                + money_entities(money) + date_entities(dates))
    return Facts(entities, [agreement_dict(a) for a in agreements], find_regions(doc, places, organisations),
                 find_countries(places), find_keywords(doc))


def publication_day(published_at) -> date | None:
    if isinstance(published_at, date):
        return published_at
    try:
        return date.fromisoformat(str(published_at)[:10]) if published_at else None
    except ValueError:
        return None


def first_mention(kind: str, name: str, text: str, spans: list[tuple[int, int]]) -> dict:
    spans = sorted(set(spans))
    return {"type": kind, "name": name, "text": text, "start": spans[0][0], "end": spans[0][1],
            "mentions": [list(span) for span in spans]}


def organisation_entities(organisations: list[Organisation]) -> list[dict]:
    entities = []
    for organisation in sorted(organisations, key=lambda o: min(m.start for m in o.mentions)):
        mentions = sorted(organisation.mentions, key=lambda m: m.start)
        entity = first_mention("ORG", organisation.name, mentions[0].text, [(m.start, m.end) for m in mentions])
        entity.update(legal_form=organisation.legal_form, aliases=sorted(organisation.aliases))
        entities.append(entity)
    return entities


def grouped(mentions: list, key) -> dict:
    """Mentions of one thing together, in order of first mention."""
    groups: dict = {}
    for mention in mentions:
        groups.setdefault(key(mention), []).append(mention)
    return groups


def person_entities(people: list[PersonMention]) -> list[dict]:
    entities = []
    for name, mentions in grouped(people, lambda p: p.name).items():
        entity = first_mention("PERSON", name, name, [(m.start, m.end) for m in mentions])
        with_org = [m for m in mentions if m.role and m.org]
        best = with_org[0] if with_org else next((m for m in mentions if m.role), mentions[0])
        entity.update(role=best.role, org=best.org or next((m.org for m in mentions if m.org), None))
        entities.append(entity)
    return entities


def place_entities(places: list[PlaceMention]) -> list[dict]:
    entities = []
    for name, mentions in grouped(places, lambda p: p.name).items():
        entity = first_mention("PLACE", name, mentions[0].text, [(m.start, m.end) for m in mentions])
        entity.update(kind=mentions[0].kind, country=mentions[0].country, province=mentions[0].province or None)
        entities.append(entity)
    return entities


def number(value: float | None):
    return int(value) if value is not None and float(value).is_integer() else value


def money_entities(money: list[MoneyMention]) -> list[dict]:
    entities = []
    for (value, currency), mentions in grouped(money, lambda m: (m.value, m.currency)).items():
        name = f"{number(value):,} {currency}"
        entity = first_mention("MONEY", name, mentions[0].text, [(m.start, m.end) for m in mentions])
        entity.update(value=number(value), currency=currency, is_total=any(m.is_total for m in mentions),
                      is_range=mentions[0].is_range, end_value=number(mentions[0].end_value),
                      is_approx=all(m.is_approx for m in mentions), is_max=any(m.is_max for m in mentions))
        entities.append(entity)
    return entities


def date_entities(dates: list[DateMention]) -> list[dict]:
    entities = []
    for (start, end), mentions in grouped(dates, lambda d: (d.date, d.end_date)).items():
        name = f"{start}/{end}" if end else start
        entity = first_mention("DATE", name, mentions[0].text, [(m.start, m.end) for m in mentions])
        entity.update(date=start, end_date=end)
        entities.append(entity)
    return entities


def agreement_dict(agreement: Agreement) -> dict:
    amount = agreement.amount
    return {
        "type": agreement.type, "parties": agreement.parties,
        "amount": {"value": number(amount.value), "currency": amount.currency} if amount else None,
        "date": agreement.date, "place": agreement.place, "duration": agreement.duration,
        "status": agreement.status, "aggregate": agreement.aggregate, "evidence": agreement.evidence,
        "start": agreement.start, "end": agreement.end,
    }
