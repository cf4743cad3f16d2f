"""The real Datasette app, in-process, over real SQLite files built by the real storage code.

The database is deliberately not called news.db: everything must work for any
file name. A second database adds the facts tables (entities, mentions,
agreements, agreement_parties; regions/countries/keywords on articles) so the
pages are checked with and without facts.
"""
import asyncio
import json
import re
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette
from datasette.plugins import pm
from datasette.utils import tilde_encode

import crawler.datasette_plugin as datasette_plugin
from crawler.datasette_plugin import config as plugin_config
from crawler.datasette_plugin.search import ko_excerpt
from crawler.items import ArticleItem
from crawler.processing import ArticleProcessor
from crawler.storage import NewsDatabase
from crawler.storage.schema import ARTICLE_COLUMN_DESCRIPTIONS

METADATA_PATH = Path(__file__).resolve().parent.parent / "datasets" / "datasette" / "metadata.yml"
DB = "regional"
FACTS_DB = "regional_facts"

EXPORT_RELEASE = (
    "경북테크노파크는 우즈베키스탄 타슈켄트에서 열린 INNO WEEK 2023에 지역기업 35개사와 함께 참가해 "
    "현장에서 650만 불 규모의 수출계약을 체결했다고 30일 밝혔다. 영천의 천연비료 생산기업 무계바이오는 "
    "우즈베키스탄과 러시아 바이어 3개사와 액상형 비료와 펠렛형 비료 300만 불 어치를 팔기로 했고, "
    "마루에너지는 스마트팜 센서 350만 불 공급 계약을 맺었다.\n\n경북테크노파크는 내년에도 중앙아시아 "
    "시장 개척단을 꾸려 도내 기업의 현지 진출을 지원할 계획이다. 이번 전시관은 우즈베키스탄 고등교육과학혁신부가 "
    "부스 임차비와 통역을 지원하고 경북테크노파크가 전시제품 물류비 일부를 부담해 운영됐다. 현장 상담은 "
    "모두 140건, 상담금액은 900만 불로 집계됐다."
)
EXPORT_REWRITE = (
    "경북테크노파크가 우즈베키스탄 타슈켄트에서 열린 INNO WEEK 2023에 지역기업 35개사와 함께 참가해 "
    "650만 불 규모의 수출계약을 체결했다. 천연비료 생산기업 무계바이오는 우즈베키스탄과 러시아 바이어 "
    "3개사와 액상형 비료와 펠렛형 비료 300만 불 어치를 팔기로 했다. 경북테크노파크는 내년에도 중앙아시아 "
    "시장 개척단을 꾸려 도내 기업의 현지 진출을 지원할 계획이다. 현장 상담은 140건, 상담금액은 900만 불에 "
    "이르렀다. 전시관 부스 임차비와 통역은 우즈베키스탄 고등교육과학혁신부가 맡았다."
)
APPLE_STORY = (
    "청송군은 베트남 유통기업과 사과 120만 달러어치를 수출하는 협약을 맺었다. 협약에 따라 청송햇살농협은 "
    "올해 말까지 후지 품종 사과 480t을 베트남으로 보낸다. 군은 전문단지 농가 85곳을 지정하고 잔류농약 "
    "검사와 선별·포장 비용 일부를 지원하기로 했다."
)
HOSTILE_TITLE = '<script>document.title="pwned"</script> 수출 설명회 <b>굵게</b>'
HOSTILE_BODY = (
    '전시장에는 <img src=x onerror="document.title=\'pwned\'"> 라는 글자가 적힌 안내판이 있었다. '
    "<script>alert(1)</script> 수출 상담은 모두 20건이었다."
)

URL_FIRST_PUBLISHED = "http://hanbit.test/news/articleView.html?idxno=1"
URL_CRAWLED_FIRST = "http://daegyeong.test/site/data/html/2023/10/31/1.html"
URL_DATE_ONLY = "http://saenal.test/news/article.html?no=7"
URL_APPLE = "http://hanbit.test/news/articleView.html?idxno=2"
URL_HOSTILE = "http://hanbit.test/news/articleView.html?idxno=3"
SITES = [
    ("hanbit-news", "한빛뉴스", "경북"),
    ("daegyeong-daily", "대경일보", "대구"),
    ("jeonbuk-saenal", "전북새날신문", "전북"),
    ("quiet-outlet", "조용한신문", "강원"),
]


def article(url, site, title, body, published_at, section="경제", **fields):
    return ArticleItem(url=url, fetched_url=url, site=site, title=title, body=body, published_at=published_at,
                       authors=["홍길동"], section=section, site_name=site, encoding="utf-8", body_source="test",
                       cms_family="test", **fields)


def build_news_database(path: Path) -> Path:
    database = NewsDatabase(path)
    database.upsert_sites([SimpleNamespace(key=key, name=name, region=region, homepage="http://127.0.0.1/",
                                           cms="generic", needs_js=False) for key, name, region in SITES])
    run_id = database.start_run("news", {})
    processor = ArticleProcessor(database)
    # Crawled first, published second: the story is named after it, yet the
    # version published first must represent the story.
    processor.process(article(URL_CRAWLED_FIRST, "daegyeong-daily", "중앙아시아 시장 뚫은 경북 기업들",
                              EXPORT_REWRITE, "2023-10-31T08:00:00+09:00"))
    processor.process(article(URL_FIRST_PUBLISHED, "hanbit-news", "경북TP, 우즈베키스탄서 650만 불 계약",
                              EXPORT_RELEASE, "2023-10-30T09:00:00+09:00",
                              images=[{"src": "javascript:alert(1)", "caption": "나쁜 링크"},
                                      {"src": "http://hanbit.test/photo.jpg", "caption": "현장 사진"}]))
    # Same day as the first version, but only a date: a known time comes first.
    processor.process(article(URL_DATE_ONLY, "jeonbuk-saenal", "경북TP 수출계약 650만 불",
                              EXPORT_RELEASE.replace("밝혔다", "전했다"), "2023-10-30"))
    processor.process(article(URL_APPLE, "hanbit-news", "청송 사과 베트남 간다", APPLE_STORY,
                              "2023-03-21T09:05:00+09:00", section="농업"))
    processor.process(article(URL_HOSTILE, "hanbit-news", HOSTILE_TITLE, HOSTILE_BODY,
                              "2023-05-02T10:00:00+09:00", section="사회"))
    database.record_failure(run_id, "http://hanbit.test/news/articleView.html?idxno=404", "hanbit-news",
                            "download", "HTTP 404", 404)
    database.finish_run(run_id, "finished", {"new": 5, "failures": 1, "responses": 9},
                        {"hanbit-news": {"new": 3, "responses": 6, "failures": 1},
                         "daegyeong-daily": {"new": 1, "responses": 1},
                         "jeonbuk-saenal": {"responses": 2}}, 1.5)
    database.close()
    return path


FACT_TABLES = ("agreement_parties", "agreements", "mentions", "entities")
FACT_COLUMNS = ("regions", "countries", "keywords")


def add_facts(path: Path) -> None:
    """A few known facts rows, in place of what the extractor found in the test articles."""
    db = sqlite_utils.Database(path)
    for table in FACT_TABLES:
        db.execute(f"delete from {table}")
    db["entities"].insert_all([
        {"id": 1, "type": "organisation", "name": "경북테크노파크", "aliases": json.dumps(["경북TP"], ensure_ascii=False)},
        {"id": 2, "type": "company", "name": "무계바이오", "aliases": "[]"},
        {"id": 3, "type": "organisation", "name": "청송군", "aliases": "[]"},
    ], pk="id")
    db["mentions"].insert_all([
        {"article_url": URL_FIRST_PUBLISHED, "entity_id": 1, "role": "organiser", "start": 0, "end": 7},
        {"article_url": URL_FIRST_PUBLISHED, "entity_id": 2, "role": "seller", "start": 90, "end": 95},
        {"article_url": URL_CRAWLED_FIRST, "entity_id": 1, "role": "organiser", "start": 0, "end": 7},
        {"article_url": URL_APPLE, "entity_id": 3, "role": "buyer", "start": 0, "end": 3},
    ], foreign_keys=[("article_url", "articles", "url"), ("entity_id", "entities", "id")])
    db["agreements"].insert_all([
        {"id": 1, "article_url": URL_FIRST_PUBLISHED, "type": "export contract", "amount_value": 6500000,
         "amount_currency": "USD", "amount_usd": 6500000, "date": "2023-10-30", "place": "타슈켄트",
         "duration": None, "status": "signed", "aggregate": 1, "evidence": "650만 불 규모의 수출계약을 체결"},
        {"id": 2, "article_url": URL_APPLE, "type": "export agreement", "amount_value": 1200000,
         "amount_currency": "USD", "amount_usd": 1200000, "date": "2023-03-21", "place": None,
         "duration": None, "status": "signed", "aggregate": 0, "evidence": "사과 120만 달러어치를 수출하는 협약"},
    ], pk="id", foreign_keys=[("article_url", "articles", "url")])
    db["agreement_parties"].insert_all([
        {"agreement_id": 1, "entity_id": 1, "name": "경북테크노파크"},
        {"agreement_id": 1, "entity_id": None, "name": "우즈베키스탄 바이어"},
        {"agreement_id": 2, "entity_id": 3, "name": "청송군"},
    ], foreign_keys=[("agreement_id", "agreements", "id"), ("entity_id", "entities", "id")])
    db["articles"].update(URL_FIRST_PUBLISHED, {"regions": '["경북"]', "countries": '["우즈베키스탄", "러시아"]',
                                                "keywords": '["수출계약", "INNO WEEK"]'})
    db["articles"].update(URL_APPLE, {"regions": '["경북"]', "countries": '["베트남"]', "keywords": '["사과"]'})
    db.close()


def drop_facts(path: Path) -> None:
    """A database from before the facts: no facts tables, no facts columns."""
    db = sqlite_utils.Database(path)
    for table in FACT_TABLES:
        db.execute(f"drop table {table}")
    for column in FACT_COLUMNS:
        db.execute(f"alter table articles drop column {column}")
    db.close()


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    directory = tmp_path_factory.mktemp("datasette")
    plain = build_news_database(directory / f"{DB}.db")
    facts = directory / f"{FACTS_DB}.db"
    shutil.copy(plain, facts)
    add_facts(facts)
    drop_facts(plain)
    return plain, facts


@pytest.fixture(scope="module")
def metadata():
    return yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))


def register_plugin():
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="korean_fts")


class Site:
    """One in-process Datasette over the test databases, started once."""

    def __init__(self, paths, metadata):
        register_plugin()
        self.datasette = Datasette([str(path) for path in paths], metadata=metadata)
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.datasette.invoke_startup())

    def get(self, path, **kwargs):
        return self.loop.run_until_complete(self.datasette.client.get(path, **kwargs))

    def json(self, path):
        response = self.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
        return response.json()

    def rows(self, path):
        separator = "&" if "?" in path else "?"
        return self.json(path + separator + "_shape=array")


@pytest.fixture(scope="module")
def site(databases, metadata):
    served = Site(databases, metadata)
    yield served
    served.loop.close()


@pytest.fixture(scope="module")
def bare_site(databases):
    """The plain database served with no metadata file at all."""
    served = Site(databases[:1], None)
    yield served
    served.loop.close()


def article_path(database, url):
    return f"/{database}/articles/{tilde_encode(url)}"


def story_path(database, story_id):
    return f"/{database}/stories/{tilde_encode(story_id)}"


def story_id_of(site, url):
    return site.rows(f"/{DB}/articles.json?url={quote(url, safe='')}&_col=story_id")[0]["story_id"]


# --- 1. the table search box, in Korean -------------------------------------


def test_table_search_analyses_the_query_like_the_canned_search(site):
    def urls(path):
        return {row["url"] for row in site.rows(path)}

    with_particle = urls(f"/{DB}/articles.json?_search=수출계약을")
    assert with_particle == urls(f"/{DB}/articles.json?_search=수출계약")
    assert with_particle == {URL_FIRST_PUBLISHED, URL_CRAWLED_FIRST, URL_DATE_ONLY}
    assert with_particle == urls(f"/{DB}/search.json?q=수출계약을")
    export = urls(f"/{DB}/articles.json?_search=수출")
    assert {URL_FIRST_PUBLISHED, URL_CRAWLED_FIRST, URL_APPLE, URL_HOSTILE} <= export
    assert export == urls(f"/{DB}/search.json?q=수출")
    assert urls(f"/{DB}/articles.json?_search=사과+베트남") == {URL_APPLE}
    assert urls(f'/{DB}/articles.json?_search="시장 개척단"') == {URL_FIRST_PUBLISHED, URL_CRAWLED_FIRST,
                                                               URL_DATE_ONLY}
    assert urls(f"/{DB}/articles.json?_search_title=사과") == {URL_APPLE}


def test_table_search_answers_hostile_and_empty_queries_with_no_rows(site):
    for query in ("%22", "NEAR(수출", "수출+OR+AND", "은는이가", "*", "rowid)--"):
        data = site.json(f"/{DB}/articles.json?_search={query}")
        assert data.get("ok", True), (query, data)
        assert isinstance(data["rows"], list)
    assert site.rows(f"/{DB}/articles.json?_search=은는이가") == []
    response = site.get(f"/{DB}/articles.json?_search_url=수출")
    assert response.status_code == 400


def test_table_page_has_the_search_box_and_says_how_it_searched(site):
    page = site.get(f"/{DB}/articles?_search=수출계약을")
    assert page.status_code == 200
    assert 'id="_search"' in page.text and 'value="수출계약을"' in page.text
    assert "3 rows" in page.text
    assert "as 수출 계약" in page.text


# --- 2. articles can be read ------------------------------------------------


def test_table_cells_cut_long_text_and_the_reading_view_shows_it_whole(site):
    last_sentence = "상담금액은 900만 불로 집계됐다."
    table = site.get(f"/{DB}/articles")
    assert table.status_code == 200
    assert last_sentence not in table.text
    assert "…" in table.text and 'class="news-read"' in table.text
    page = site.get(article_path(DB, URL_FIRST_PUBLISHED))
    assert page.status_code == 200
    body = page.text
    assert "<h1>경북TP, 우즈베키스탄서 650만 불 계약</h1>" in body
    assert "한빛뉴스" in body and "경북" in body and "2023-10-30 09:00" in body and "홍길동" in body
    paragraphs = re.findall(r"<p>([^<]*)</p>", body.split('class="news-body"')[1].split("</div>")[0])
    assert len(paragraphs) == 2 and paragraphs[1].endswith(last_sentence)
    assert "No facts extracted for this article yet." in body


def test_reading_view_links_photos_only_to_web_addresses(site):
    page = site.get(article_path(DB, URL_FIRST_PUBLISHED)).text
    assert 'href="http://hanbit.test/photo.jpg"' in page
    assert "javascript:" not in page
    assert "나쁜 링크" in page


# --- 3. and 4. stories you can follow, named after the first published -----


def test_story_is_represented_by_the_version_published_first(site):
    story_id = story_id_of(site, URL_FIRST_PUBLISHED)
    assert story_id == URL_CRAWLED_FIRST  # named after the first crawled...
    story = site.rows(f"/{DB}/stories.json?story_id={quote(story_id, safe='')}")[0]
    assert story["representative_url"] == URL_FIRST_PUBLISHED  # ...represented by the first published
    assert story["title"] == "경북TP, 우즈베키스탄서 650만 불 계약"
    assert (story["first_outlet"], story["first_published_date"], story["first_published_time"]) == (
        "hanbit-news", "2023-10-30", "09:00")
    assert (story["articles"], story["outlets"], story["regions"]) == (3, 3, 3)
    ordered = site.rows(f"/{DB}/story.json?story_id={quote(story_id, safe='')}")
    # The bare date of the same day comes after the known time, the later day last.
    assert [row["url"] for row in ordered] == [URL_FIRST_PUBLISHED, URL_DATE_ONLY, URL_CRAWLED_FIRST]
    assert [row["position"] for row in ordered] == [1, 2, 3]
    assert ordered[1]["published_time"] is None


def test_story_page_lists_versions_in_publication_order_and_links_both_ways(site):
    story_id = story_id_of(site, URL_FIRST_PUBLISHED)
    page = site.get(story_path(DB, story_id))
    assert page.status_code == 200
    text = page.text
    positions = [text.index(article_path(DB, url)) for url in (URL_FIRST_PUBLISHED, URL_DATE_ONLY, URL_CRAWLED_FIRST)]
    assert positions == sorted(positions)
    assert "3 outlets" in text and "3 regions" in text and "first published by" in text
    assert "한빛뉴스" in text and "전북새날신문" in text and "대경일보" in text
    reading = site.get(article_path(DB, URL_CRAWLED_FIRST)).text
    assert story_path(DB, story_id) in reading
    assert article_path(DB, URL_FIRST_PUBLISHED) in reading and "first published" in reading
    table = site.get(f"/{DB}/articles").text
    assert story_path(DB, story_id) in table
    assert site.get(story_path(DB, "http://nowhere.test/none")).status_code == 404


def test_search_results_link_to_the_article_and_its_story(site):
    rows = site.rows(f"/{DB}/search.json?q=우즈베키스탄")
    assert {"title", "outlet", "region", "published_at", "excerpt", "story_id", "relevance", "url"} <= set(rows[0])
    relevance = [row["relevance"] for row in rows]
    assert all(value >= 0 for value in relevance) and relevance == sorted(relevance, reverse=True)
    assert "matched_terms" not in rows[0] and "rank" not in rows[0]
    page = site.get(f"/{DB}/search?q=우즈베키스탄").text
    assert article_path(DB, URL_FIRST_PUBLISHED) in page
    assert story_path(DB, URL_CRAWLED_FIRST) in page
    assert "select\n" not in page and "articles_fts match" not in page  # hide_sql


# --- 5. articles per outlet --------------------------------------------------


def test_articles_per_outlet_counts_an_outlet_without_articles_as_zero(site):
    rows = {row["outlet"]: row for row in site.rows(f"/{DB}/articles_per_outlet.json")}
    assert (rows["quiet-outlet"]["articles"], rows["quiet-outlet"]["without_date"],
            rows["quiet-outlet"]["later_versions"]) == (0, 0, 0)
    assert rows["hanbit-news"]["articles"] == 3 and rows["hanbit-news"]["later_versions"] == 0
    # The story's first version is hanbit-news's, although daegyeong-daily's was crawled first.
    assert rows["daegyeong-daily"]["later_versions"] == 1 and rows["daegyeong-daily"]["first_published"] == 0
    assert rows["jeonbuk-saenal"]["later_versions"] == 1


# --- 6. every column sorts ---------------------------------------------------


def test_every_column_of_every_table_and_view_sorts(site, databases):
    connection = sqlite3.connect(databases[0])
    names = [row[0] for row in connection.execute(
        "select name from sqlite_master where type in ('table', 'view') and name not like 'articles_fts_%'")]
    for name in names:
        columns = [row[0] for row in connection.execute("select name from pragma_table_info(?)", [name])]
        for column in columns:
            for argument in ("_sort", "_sort_desc"):
                response = site.get(f"/{DB}/{name}.json?{argument}={column}&_size=2")
                assert response.status_code == 200, (name, argument, column, response.text[:300])
    connection.close()


# --- 7. any database file name ---------------------------------------------


def test_a_database_of_any_name_gets_queries_facets_and_descriptions_without_metadata(bare_site):
    database = bare_site.json(f"/{DB}.json")
    assert {"search", "story", "articles_per_outlet", "crawl_health"} <= {query["name"] for query in database["queries"]}
    assert bare_site.rows(f"/{DB}/search.json?q=수출")
    facets = bare_site.json(f"/{DB}/articles.json")["facet_results"]
    assert {"site", "section", "published_at"} <= {facet["name"] for facet in facets.values()}
    page = bare_site.get(f"/{DB}/articles").text
    assert "One row per article" in page and 'id="_search"' in page
    assert "Data license:" in page and "Data source:" in page


# --- 8. rough edges ----------------------------------------------------------


def test_date_facets_count_the_korean_calendar_day(site):
    data = site.json(f"/{DB}/articles.json?_search=수출계약")
    facets = {(facet["name"], facet["type"]): facet for facet in data["facet_results"].values()}
    days = {value["value"]: value["count"] for value in facets[("published_at", "day")]["results"]}
    # 08:00 on the 31st in Korea is the 30th in UTC; a bare date falls on its own day.
    assert days == {"2023-10-31": 1, "2023-10-30": 2}
    months = {value["value"]: value["count"] for value in facets[("published_at", "month")]["results"]}
    assert months == {"2023-10": 3}
    selected = site.rows(f"/{DB}/articles.json?published_at__startswith=2023-10-30&_col=title")
    assert {row["url"] for row in selected} == {URL_FIRST_PUBLISHED, URL_DATE_ONLY}


def test_publication_times_read_the_same_in_korean_time_whether_dated_or_timed(site):
    table = site.get(f"/{DB}/articles?_search=수출계약").text
    assert '<time datetime="2023-10-31T08:00:00+09:00">2023-10-31 08:00</time>' in table
    assert '<time datetime="2023-10-30">2023-10-30</time> <span class="news-muted">(date only)</span>' in table
    versions = site.rows(f"/{DB}/story_articles.json?story_id={quote(URL_CRAWLED_FIRST, safe='')}&_sort=position")
    assert [(row["published_date"], row["published_time"]) for row in versions] == [
        ("2023-10-30", "09:00"), ("2023-10-30", None), ("2023-10-31", "08:00")]


def test_no_response_carries_internal_columns(site):
    for path in (f"/{DB}/articles.json", f"/{DB}/articles.json?_col=content_hash", f"{article_path(DB, URL_APPLE)}.json",
                 f"/{DB}.json?sql=select+content_hash,+url+from+articles", f"/{DB}/articles.csv",
                 f"/{DB}/article_versions.json"):
        response = site.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "$base64" not in response.text and "encoded" not in response.text, path
        assert not re.search(r"[0-9a-f]{64}", response.text), path  # no sha256 content hash
    listed = site.json(f"/{DB}/articles.json")["columns"]
    assert not {"content_hash", "etag", "last_modified"} & set(listed)
    page = site.get(f"/{DB}/articles").text
    assert 'data-column="content_hash"' not in page and 'data-column="etag"' not in page


def test_json_arrays_are_lists_in_json_and_in_html(site):
    row = site.rows(f"/{DB}/articles.json?url={quote(URL_FIRST_PUBLISHED, safe='')}")[0]
    assert row["authors"] == ["홍길동"]
    assert row["images"][1] == {"src": "http://hanbit.test/photo.jpg", "caption": "현장 사진"}
    runs = site.rows(f"/{DB}/crawl_runs.json")
    assert runs[0]["per_outlet"]["hanbit-news"]["new"] == 3
    table = site.get(f"/{DB}/articles").text
    assert '<ul class="news-list"><li>홍길동</li></ul>' in table
    assert '["홍길동"]' not in table


def test_metadata_names_outlets_source_and_licence(site, databases):
    metadata = site.json("/-/metadata.json")
    database = metadata["databases"][DB]
    assert database["source"] and database["license"]
    assert database["tables"]["sites"]["title"] == "Outlets"
    for name, query in plugin_config.CONFIG["queries"].items():
        assert not re.search(r"\bas site\b|sites\.key as site\b", query["sql"]), name
    connection = sqlite3.connect(databases[0])
    story_columns = [row[0] for row in connection.execute("select name from pragma_table_info('stories')")]
    connection.close()
    assert "outlets" in story_columns and "sites" not in story_columns


def test_every_table_view_and_column_is_described(site, databases):
    connection = sqlite3.connect(databases[0])
    names = [row[0] for row in connection.execute(
        "select name from sqlite_master where type in ('table', 'view') and name not like 'articles_fts_%'")]
    described = site.json("/-/metadata.json")["databases"][DB]["tables"]
    for name in names:
        assert name in described, name
        assert described[name].get("description") or described[name].get("description_html"), name
        columns = {row[0] for row in connection.execute("select name from pragma_table_info(?)", [name])}
        assert set(described[name]["columns"]) == columns, (name, set(described[name]["columns"]) ^ columns)
    article_columns = {row[0] for row in connection.execute("select name from pragma_table_info('articles')")}
    connection.close()
    # This database predates the facts columns: the schema describes the columns it has.
    assert described["articles"]["columns"] == {
        name: text for name, text in ARTICLE_COLUMN_DESCRIPTIONS.items() if name in article_columns}


# --- crawl health --------------------------------------------------------------


def test_crawl_health_shows_each_outlets_last_run_and_outlets_that_yielded_nothing(site):
    rows = {row["outlet"]: row for row in site.rows(f"/{DB}/crawl_health.json")}
    assert rows["quiet-outlet"]["health"] == "never crawled"
    assert rows["jeonbuk-saenal"]["health"] == "yielded nothing" and rows["jeonbuk-saenal"]["responses"] == 2
    assert rows["hanbit-news"]["health"] == "failures" and rows["hanbit-news"]["failures"] == 1
    assert rows["daegyeong-daily"]["health"] == "ok" and rows["daegyeong-daily"]["articles_new"] == 1
    assert rows["hanbit-news"]["articles_stored"] == 3 and rows["hanbit-news"]["last_run"] == 1
    ordered = [row["health"] for row in site.rows(f"/{DB}/crawl_health.json")]
    assert ordered[-1] == "ok"


# --- facts, when they exist -------------------------------------------------


def test_facts_show_in_the_reading_view_when_the_tables_exist(site):
    page = site.get(article_path(FACTS_DB, URL_FIRST_PUBLISHED)).text
    assert "Organisations" in page and "경북테크노파크" in page and "(organiser)" in page
    assert "Companies" in page and "무계바이오" in page
    assert "export contract" in page and "≈ US$6,500,000" in page and "우즈베키스탄 바이어" in page
    assert "650만 불 규모의 수출계약을 체결" in page
    assert "Countries" in page and "러시아" in page and "Keywords" in page


def test_facts_queries_and_facets_only_where_the_tables_exist(site):
    with_facts = {query["name"] for query in site.json(f"/{FACTS_DB}.json")["queries"]}
    without = {query["name"] for query in site.json(f"/{DB}.json")["queries"]}
    assert {"agreements_by_amount", "organisation_timeline"} <= with_facts
    assert not {"agreements_by_amount", "organisation_timeline"} & without
    agreements = site.rows(f"/{FACTS_DB}/agreements_by_amount.json?type=&country=")
    assert [row["amount_usd"] for row in agreements] == [6500000, 1200000]
    assert agreements[0]["parties"] == "경북테크노파크 · 우즈베키스탄 바이어"
    assert agreements[0]["url"] == URL_FIRST_PUBLISHED and agreements[0]["countries"] == ["우즈베키스탄", "러시아"]
    assert [row["url"] for row in site.rows(f"/{FACTS_DB}/agreements_by_amount.json?type=&country=베트남")] == [
        URL_APPLE]
    timeline = site.rows(f"/{FACTS_DB}/organisation_timeline.json?organisation=경북TP")
    assert [row["url"] for row in timeline] == [URL_FIRST_PUBLISHED, URL_CRAWLED_FIRST]
    assert timeline[0]["agreements"] == "export contract 6500000 USD"
    facets = site.json(f"/{FACTS_DB}/articles.json")["facet_results"]
    assert {"regions", "countries", "keywords"} <= {facet["name"] for facet in facets.values()}
    agreement_facets = site.json(f"/{FACTS_DB}/agreements.json")["facet_results"]
    assert {("type", "column"), ("date", "year")} <= {(f["name"], f["type"]) for f in agreement_facets.values()}
    mention = site.get(f"/{FACTS_DB}/mentions").text
    assert "경북테크노파크" in mention  # the entity's label through its foreign key


def without_optional_filters(sql):
    """A dashboard query as it runs with no filter chosen: [[ ... ]] blocks dropped."""
    return re.sub(r"\[\[.*?\]\]", "", sql)


def test_charts_dashboard_per_database_with_agreements_only_where_they_exist(site):
    dashboards = site.json("/-/metadata.json")["plugins"]["datasette-dashboards"]
    assert set(dashboards[DB]["charts"]) == {"articles-per-day", "widest-stories"}
    assert set(dashboards[FACTS_DB]["charts"]) == {"articles-per-day", "widest-stories", "agreements-by-country"}
    for database, dashboard in dashboards.items():
        for chart in dashboard["charts"].values():
            assert chart["db"] == database
            rows = site.rows(f"/{database}.json?sql={quote(without_optional_filters(chart['query']))}")
            assert rows, (database, chart["title"])
        assert site.get(f"/-/dashboards/{database}").status_code == 200
    by_country = dashboards[FACTS_DB]["charts"]["agreements-by-country"]["query"]
    rows = site.rows(f"/{FACTS_DB}.json?sql={quote(without_optional_filters(by_country))}")
    assert {row["country"] for row in rows} == {"우즈베키스탄", "러시아", "베트남"}


def test_every_canned_query_returns_rows(site):
    arguments = {"q": "수출", "story_id": URL_CRAWLED_FIRST, "type": "", "country": "", "organisation": "경북테크노파크"}
    for database in (DB, FACTS_DB):
        for query in site.json(f"/{database}.json")["queries"]:
            params = "&".join(f"{name}={quote(value)}" for name, value in arguments.items())
            rows = site.rows(f"/{database}/{query['name']}.json?{params}")
            assert rows, (database, query["name"])


# --- crawled markup is text ---------------------------------------------------


def test_crawled_markup_is_escaped_on_every_page(site):
    pages = [f"/{DB}/articles", f"/{DB}/articles?_search=수출", article_path(DB, URL_HOSTILE),
             story_path(DB, story_id_of(site, URL_HOSTILE)), f"/{DB}/search?q=수출+설명회", f"/{DB}/story_articles",
             f"/{DB}/stories"]
    for path in pages:
        response = site.get(path)
        assert response.status_code == 200, path
        assert "<script>document.title" not in response.text, path
        assert "<b>굵게</b>" not in response.text, path
        assert "onerror=\"document" not in response.text, path
    reading = site.get(article_path(DB, URL_HOSTILE)).text
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt; 수출 설명회" in reading
    assert "&lt;img src=x onerror=" in reading


# --- the SQL functions --------------------------------------------------------


def test_sql_functions_are_available_to_ad_hoc_queries(site):
    rows = site.rows(f"/{DB}.json?sql=select+ko_fts(:q)+as+expression,+ko_index(:q)+as+terms&q=수출계약을")
    assert rows == [{"expression": '("수출 계약" OR "수출계약")', "terms": "수출 계약 수출계약"}]


def test_ko_excerpt_marks_the_earliest_query_term_in_the_original_text():
    body = "앞부분 " * 30 + "경북 기업들이 650만 불 수출계약을 체결했다. " + "뒷부분 " * 30
    excerpt = ko_excerpt(body, "수출계약 체결했다")
    assert "[수출계약]을 체결했다" in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) < 160
    assert ko_excerpt("짧은 본문", "없는단어") == "짧은 본문"


def test_plugin_is_loaded_with_its_hooks(site):
    plugins = site.json("/-/plugins.json")
    ours = [plugin for plugin in plugins if plugin["name"] in ("crawler.datasette_plugin", "korean-regional-news")]
    assert len(ours) == 1
    assert {"prepare_connection", "asgi_wrapper", "filters_from_request", "render_cell", "canned_queries",
            "register_routes", "extra_template_vars", "startup"} <= set(ours[0]["hooks"])
    assert ours[0]["templates"] and ours[0]["static"]
    names = {plugin["name"] for plugin in plugins}
    assert "datasette-dashboards" in names
