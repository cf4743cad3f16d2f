"""The facts tables: entities, mentions, agreements and their parties.

One `entities` row per distinct thing (type and canonical name) across the
archive; `mentions` and `agreements` belong to one article and are replaced
whenever its text changes, inside the article's own transaction, so nothing
ever points at an old version.
"""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from extractors.facts.money import to_usd

ENTITY_TYPES = ("ORG", "PERSON", "PLACE", "MONEY", "DATE")


def ensure_facts_schema(db: sqlite_utils.Database) -> None:
    db["entities"].create(
        {"id": int, "type": str, "name": str, "legal_form": str, "kind": str, "aliases": str,
         "value": float, "currency": str},
        pk="id", if_not_exists=True,
    )
    db["mentions"].create(
        {"id": int, "article_url": str, "entity_id": int, "text": str, "role": str, "org": str,
         "start": int, "end": int},
        pk="id", foreign_keys=[("article_url", "articles", "url"), ("entity_id", "entities", "id")],
        if_not_exists=True,
    )
    db["agreements"].create(
        {"id": int, "article_url": str, "type": str, "amount_value": float, "amount_currency": str,
         "amount_usd": float, "date": str, "place": str, "duration": str, "status": str, "aggregate": int,
         "parties": str, "evidence": str},
        pk="id", foreign_keys=[("article_url", "articles", "url")], if_not_exists=True,
    )
    db["agreement_parties"].create(
        {"id": int, "agreement_id": int, "entity_id": int, "name": str},
        pk="id", foreign_keys=[("agreement_id", "agreements", "id"), ("entity_id", "entities", "id")],
        if_not_exists=True,
    )
    for table, columns in (
        ("entities", ("type", "name")), ("mentions", ("article_url",)), ("mentions", ("entity_id",)),
        ("agreements", ("article_url",)), ("agreements", ("type",)),
        ("agreement_parties", ("agreement_id",)), ("agreement_parties", ("entity_id",)),
    ):
        db[table].create_index(list(columns), if_not_exists=True, unique=(table == "entities"))


def _entity_id(connection: sqlite3.Connection, entity: dict) -> int:
    """The id of this entity, inserting it or adding a newly seen alias."""
    row = connection.execute("select id, aliases from entities where type = ? and name = ?",
                             [entity["type"], entity["name"]]).fetchone()
    aliases = [alias for alias in entity.get("aliases") or [] if alias != entity["name"]]
    if row is None:
        cursor = connection.execute(
            "insert into entities (type, name, legal_form, kind, aliases, value, currency) values (?, ?, ?, ?, ?, ?, ?)",
            [entity["type"], entity["name"], entity.get("legal_form") or None, entity.get("kind") or None,
             json.dumps(aliases, ensure_ascii=False) if aliases else None, entity.get("value"),
             entity.get("currency")])
        return cursor.lastrowid
    entity_id, known = row
    known_aliases = json.loads(known) if known else []
    new_aliases = [alias for alias in aliases if alias not in known_aliases]
    if new_aliases:
        connection.execute("update entities set aliases = ? where id = ?",
                           [json.dumps(known_aliases + new_aliases, ensure_ascii=False), entity_id])
    return entity_id


def delete_facts(connection: sqlite3.Connection, article_url: str) -> None:
    connection.execute("delete from agreement_parties where agreement_id in "
                       "(select id from agreements where article_url = ?)", [article_url])
    connection.execute("delete from agreements where article_url = ?", [article_url])
    connection.execute("delete from mentions where article_url = ?", [article_url])


def replace_facts(connection: sqlite3.Connection, article_url: str, entities: list[dict],
                  agreements: list[dict], published_at: str | None) -> None:
    """The article's mentions and agreements, replacing what an earlier text had.

    Runs inside the caller's transaction.
    """
    delete_facts(connection, article_url)
    ids_by_name: dict[str, int] = {}
    for entity in entities:
        entity_id = _entity_id(connection, entity)
        for name in [entity["name"], entity.get("text"), *(entity.get("aliases") or [])]:
            if name:
                ids_by_name.setdefault(name, entity_id)
        spans = entity.get("mentions") or [[entity.get("start"), entity.get("end")]]
        for start, end in spans:
            connection.execute(
                "insert into mentions (article_url, entity_id, text, role, org, start, end) values (?, ?, ?, ?, ?, ?, ?)",
                [article_url, entity_id, entity.get("text"), entity.get("role") or None, entity.get("org") or None,
                 start, end])
    for agreement in agreements:
        amount = agreement.get("amount") or {}
        on_date = agreement.get("date") or published_at
        parties = [party for party in agreement.get("parties") or [] if party]
        cursor = connection.execute(
            "insert into agreements (article_url, type, amount_value, amount_currency, amount_usd, date, place,"
            " duration, status, aggregate, parties, evidence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [article_url, agreement.get("type"), amount.get("value"), amount.get("currency"),
             to_usd(amount.get("value"), amount.get("currency"), on_date), agreement.get("date"),
             agreement.get("place"), agreement.get("duration"), agreement.get("status"),
             int(bool(agreement.get("aggregate"))), json.dumps(parties, ensure_ascii=False),
             agreement.get("evidence")])
        for party in parties:
            connection.execute("insert into agreement_parties (agreement_id, entity_id, name) values (?, ?, ?)",
                               [cursor.lastrowid, ids_by_name.get(party), party])
