"""End to end: real `scrapy crawl news` over the mirror served on 127.0.0.1, real SQLite."""
from __future__ import annotations

import json
import re

from tests.conftest import STATIC_SITES

WIDGET_AND_LIST_TEXT = ("기상청 제공", "더보기", "흐림동두천", "무단전재", "많이 본 뉴스", "관련기사")


def stored_paths(crawl, site: str) -> set[str]:
    return {crawl.relative(row["fetched_url"]) for row in crawl.query(
        "select fetched_url from articles where site = ?", [site])}


def test_every_expected_article_is_stored_per_site(static_crawl, expected):
    for site in STATIC_SITES:
        wanted = set(expected["sites"][site]["articles"])
        stored = stored_paths(static_crawl, site)
        assert stored == wanted, f"{site}: missing {sorted(wanted - stored)}, unexpected {sorted(stored - wanted)}"


def test_every_article_has_title_body_and_date(static_crawl):
    rows = static_crawl.query("select url, title, body, published_at from articles")
    assert len(rows) >= 50
    for row in rows:
        assert row["title"].strip(), row["url"]
        assert len(row["body"]) >= 30, row["url"]
        # A full timestamp carries Korea's offset; a page that shows only a day gives only the day.
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?\+09:00)?", row["published_at"] or ""), (
            row["url"], row["published_at"])
        url_date = re.search(r"/(\d{4})/(\d{2})/(\d{2})/", row["url"])
        if url_date:
            assert row["published_at"].startswith("-".join(url_date.groups())), (row["url"], row["published_at"])


def test_no_non_article_page_becomes_an_article(static_crawl, expected):
    for site in STATIC_SITES:
        stored = stored_paths(static_crawl, site)
        for path in expected["sites"][site].get("non_articles", []):
            assert path not in stored, f"{site}: non-article page stored: {path}"


def test_bad_pages_are_recorded_as_failures_not_crashes(static_crawl, expected):
    failed = {static_crawl.relative(row["url"]): row["reason"] for row in static_crawl.query(
        "select url, reason from failures")}
    for site in STATIC_SITES:
        for path in expected["sites"][site].get("failures", []):
            assert path in failed, f"{site}: no failure recorded for {path}; recorded: {sorted(failed)}"
    run = static_crawl.query("select * from crawl_runs order by id limit 1")[0]
    assert run["status"] == "finished"
    assert run["failures"] >= sum(len(expected["sites"][s].get("failures", [])) for s in STATIC_SITES)


def test_seed_story_from_the_date_path_site_is_clean(static_crawl):
    rows = static_crawl.query("select * from articles where fetched_url like '%/site/data/html/2023/11/01/2023110100005.html'")
    assert len(rows) == 1
    article = rows[0]
    assert article["title"] == "지역기업 650만 불 수출계약, 500만 불 공동연구생산 협약체결 실적 달성"
    assert article["subtitle"] == "대구경북LINC사업단 9개 대학과 지속가능한 글로벌 협력 체계 구축 및 성과"
    assert article["published_at"].startswith("2023-11-01")
    assert article["body"].startswith("(재)경북테크노파크(이하 ‘경북TP’)는")
    assert article["body"].rstrip().endswith("적극 지원할 계획이다”고 전했다.")
    # The photo caption is printed twice on the page: it belongs to images, once.
    assert "▲" not in article["body"]
    captions = [image["caption"] for image in json.loads(article["images"])]
    assert sum("INNO WEEK 2023에 참가했다" in caption for caption in captions) == 1
    for text in WIDGET_AND_LIST_TEXT:
        assert text not in article["body"]


def test_seed_story_from_the_article_no_site_is_clean(static_crawl):
    rows = static_crawl.query("select * from articles where fetched_url like '%/news/article.html?no=6760'")
    assert len(rows) == 1
    article = rows[0]
    assert article["title"] == "전북도, 자동차부품․뿌리기업 우즈베키스탄 진출 시동!"
    # The header shows 2024.03.28 ("today"); the story is from 2019-05-28.
    assert article["published_at"].startswith("2019-05-28")
    assert "우즈베키스탄 진출에 시동을 걸었다" in article["body"]
    assert "유희숙 도 혁신성장산업국장" in article["body"]
    for text in WIDGET_AND_LIST_TEXT + ("안호영", "동영상", "2024.03.28"):
        assert text not in article["body"], text


def test_korean_full_text_search_finds_morphemes_inside_words(static_crawl):
    from crawler.storage import NewsDatabase

    db = NewsDatabase(static_crawl.db_path)
    try:
        hits = db.search("수출")
        assert hits, "수출 should match articles that only say 수출계약을 or 수출기업의"
        urls = {row["url"] for row in hits}
        seed = [row["url"] for row in static_crawl.query(
            "select url from articles where fetched_url like '%2023110100005.html'")]
        assert seed[0] in urls
    finally:
        db.close()


def test_syndicated_stories_share_a_story_id(static_crawl, expected):
    story_of, body_chars = {}, {}
    for row in static_crawl.query("select site, fetched_url, story_id, body_chars from articles"):
        key = f"{row['site']}:{static_crawl.relative(row['fetched_url'])}"
        story_of[key], body_chars[key] = row["story_id"], row["body_chars"]
    checked = 0
    for slug, members in expected["stories"].items():
        # Briefs (under 250 characters) join a story only when nearly identical,
        # by design: short texts share too few shingles to tell stories apart.
        members = [m for m in members if m.split(":", 1)[0] in STATIC_SITES and body_chars[m] >= 250]
        if len(members) < 2:
            continue
        ids = {story_of[m] for m in members}
        assert len(ids) == 1, f"story {slug} split into {len(ids)} clusters: {members}"
        checked += 1
    assert checked >= 3
    # And different stories stay apart.
    clusters = static_crawl.query("select story_id, count(*) as n from articles group by story_id")
    biggest = max(row["n"] for row in clusters)
    assert biggest <= 4


def test_facts_of_the_seed_story_are_stored_with_links(static_crawl):
    seed = static_crawl.query(
        "select url from articles where fetched_url like '%/site/data/html/2023/11/01/2023110100005.html'")[0]["url"]
    deals = static_crawl.query(
        "select id, type, amount_value, amount_currency, amount_usd, aggregate, parties from agreements "
        "where article_url = ?", [seed])
    by_amount = {(deal["type"], deal["amount_value"]): deal for deal in deals}
    assert ("export_contract", 3_000_000) in by_amount and ("export_contract", 3_500_000) in by_amount
    assert by_amount[("joint_rnd", 5_000_000)]["amount_usd"] == 5_000_000
    assert by_amount[("export_contract", 6_500_000)]["aggregate"] == 1
    assert sum(deal["type"] == "mou" for deal in deals) >= 1
    # Parties link to entities, and entities link back to the article through mentions.
    parties = static_crawl.query(
        "select agreement_parties.name, entities.type from agreement_parties join entities "
        "on entities.id = agreement_parties.entity_id join agreements on agreements.id = agreement_parties.agreement_id "
        "where agreements.article_url = ?", [seed])
    assert ("마루에너지", "ORG") in {(row["name"], row["type"]) for row in parties}
    mentioned = {row["name"] for row in static_crawl.query(
        "select entities.name from mentions join entities on entities.id = mentions.entity_id "
        "where mentions.article_url = ? and entities.type = 'ORG'", [seed])}
    assert {"경북테크노파크", "무계바이오", "DigitalAgro"} <= mentioned
    article = static_crawl.query("select regions, countries from articles where url = ?", [seed])[0]
    assert "경상북도" in json.loads(article["regions"])
    assert "우즈베키스탄" in json.loads(article["countries"])
